"""A throwaway self-signed certificate for the imitation YouTube (www.youtube.com + 127.0.0.1).

Made with the `cryptography` package when it is installed, else with the `openssl` CLI.
`spki_sha256_base64` is what Chromium's `--ignore-certificate-errors-spki-list` expects.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import subprocess
from dataclasses import dataclass
from pathlib import Path

HOSTNAMES = ("www.youtube.com", "youtube.com", "m.youtube.com", "localhost")


@dataclass(frozen=True)
class Certificate:
    cert_path: Path
    key_path: Path
    spki_sha256_base64: str


def _spki_hash_from_pem(cert_pem: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_pem_x509_certificate(cert_pem)
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def _make_with_cryptography(directory: Path) -> Certificate:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "www.youtube.com")])
    now = datetime.datetime.now(datetime.UTC)
    san = [x509.DNSName(h) for h in HOSTNAMES] + [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return _write(directory, cert_pem, key_pem, _spki_hash_from_pem(cert_pem))


def _make_with_openssl(directory: Path) -> Certificate:
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    san = ",".join([f"DNS:{h}" for h in HOSTNAMES] + ["IP:127.0.0.1"])
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", str(key_path), "-out", str(cert_path), "-days", "30",
         "-subj", "/CN=www.youtube.com", "-addext", f"subjectAltName={san}"],
        check=True, capture_output=True, timeout=30,
    )
    pubkey = subprocess.run(
        ["openssl", "x509", "-in", str(cert_path), "-pubkey", "-noout"],
        check=True, capture_output=True, timeout=30,
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"],
        input=pubkey, check=True, capture_output=True, timeout=30,
    ).stdout
    spki = base64.b64encode(hashlib.sha256(der).digest()).decode()
    return Certificate(cert_path=cert_path, key_path=key_path, spki_sha256_base64=spki)


def _write(directory: Path, cert_pem: bytes, key_pem: bytes, spki: str) -> Certificate:
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert_pem)
    key_path.write_bytes(key_pem)
    key_path.chmod(0o600)
    return Certificate(cert_path=cert_path, key_path=key_path, spki_sha256_base64=spki)


def make_certificate(directory: Path) -> Certificate:
    """Write cert.pem/key.pem into `directory` and return their paths and SPKI hash."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        import cryptography  # noqa: F401
    except ImportError:
        return _make_with_openssl(directory)
    return _make_with_cryptography(directory)
