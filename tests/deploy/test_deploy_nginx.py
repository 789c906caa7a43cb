"""The generated nginx site, checked by Debian's real nginx: `nginx -t`, then live traffic.

nginx runs from a wrapper nginx.conf in a temporary directory (its own pid file, logs and
temp paths) that includes the generated site, as Debian's /etc/nginx/nginx.conf includes
sites-enabled/. Small Python backends stand in for the interactive Gunicorn processes.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.conftest import NGINX, consecutive_free_ports, generate, start_nginx, wrapper_conf

pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="Debian nginx not installed")
V = "v1-03"
DOMAIN = "watch.example.org"


def nginx_test(conf: Path) -> subprocess.CompletedProcess[str]:
    work = conf.parent
    return subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(work), "-e",
                           str(work / "error.log")], capture_output=True, text=True,
                          timeout=30, check=False)


def self_signed(work: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    f"/CN={DOMAIN}", "-keyout", str(key), "-out", str(cert)],
                   capture_output=True, check=True, timeout=30)
    return cert, key


def test_plain_site_passes_nginx_t(tmp_path: Path, built_app: Path) -> None:
    generate("--app-dir", built_app, "--version", V, "--output-dir", tmp_path / "out",
             "--domain", DOMAIN)
    site = tmp_path / "out" / "nginx" / f"{V}.conf"
    result = nginx_test(wrapper_conf(tmp_path / "nginx", [site]))
    assert result.returncode == 0, result.stderr
    text = site.read_text()
    for line in ("ip_hash;", "server 127.0.0.1:5077 max_fails=1 fail_timeout=5s;",
                 "server 127.0.0.1:5078 max_fails=1 fail_timeout=5s;", "listen 80;",
                 f"server_name {DOMAIN};", "proxy_read_timeout 3600s;",
                 "proxy_send_timeout 3600s;", "proxy_buffering off;", "proxy_http_version 1.1;",
                 "proxy_set_header Upgrade $http_upgrade;",
                 "proxy_set_header X-Forwarded-Proto $scheme;", "allow 127.0.0.1;", "deny all;",
                 f"alias {built_app}/mobile_remote/dist/;", f"alias {built_app}/dashboard/dist/;"):
        assert line in text
    assert "ssl" not in text
    for zone in ("signin", "rooms", "join", "pair", "sio"):  # per-client limits (issue 14 finding 5)
        assert re.search(rf"limit_req_zone \$binary_remote_addr zone=\w+_{zone}:10m rate=\d+r/[sm];", text), zone
        assert re.search(rf"limit_req zone=\w+_{zone} burst=\d+ nodelay;", text), zone
    assert "limit_req_status 429;" in text


def test_tls_site_and_a_second_version_pass_nginx_t(tmp_path: Path, built_app: Path) -> None:
    cert, key = self_signed(tmp_path)
    generate("--app-dir", built_app, "--version", V, "--output-dir", tmp_path / "out",
             "--domain", DOMAIN, "--tls-cert", cert, "--tls-key", key)
    generate("--app-dir", built_app, "--version", "v1-04", "--output-dir", tmp_path / "out",
             "--domain", "next.example.org", "--listen-port", "6077")
    sites = [tmp_path / "out" / "nginx" / f"{v}.conf" for v in (V, "v1-04")]
    result = nginx_test(wrapper_conf(tmp_path / "nginx", sites))
    assert result.returncode == 0, result.stderr
    text = sites[0].read_text()
    assert "listen 443 ssl http2;" in text and f"ssl_certificate {cert};" in text
    assert "return 301 https://$host$request_uri;" in text


class Backend(BaseHTTPRequestHandler):
    """An interactive process stand-in: reports what it received, tunnels websockets."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self.protocol_version = "HTTP/1.1"
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.end_headers()
            self.wfile.flush()
            seen = f"{self.headers['Connection']}|{self.headers['Upgrade']}\n".encode()
            self.connection.sendall(seen + self.connection.recv(1024))
            self.close_connection = True
            return
        body = json.dumps({"port": self.server.server_address[1], "path": self.path,
                           "headers": dict(self.headers.items())}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def start_backend(port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), Backend)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def live(tmp_path: Path, built_app: Path) -> Iterator[dict[str, object]]:
    """nginx running the generated site (TLS on) in front of two backends."""
    first = consecutive_free_ports(5)  # web, web, bg, http, https
    cert, key = self_signed(tmp_path)
    generate("--app-dir", built_app, "--version", V, "--output-dir", tmp_path / "out",
             "--domain", DOMAIN, "--listen-port", str(first), "--http-port", str(first + 3),
             "--https-port", str(first + 4), "--nginx-address", "127.0.0.1",
             "--tls-cert", cert, "--tls-key", key)
    backends = {port: start_backend(port) for port in (first, first + 1)}
    work = tmp_path / "nginx"
    conf = wrapper_conf(work, [tmp_path / "out" / "nginx" / f"{V}.conf"])
    process = None
    try:
        process = start_nginx(conf, first + 4)
        yield {"http": first + 3, "https": first + 4, "backends": backends, "app": built_app}
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        for server in backends.values():
            server.shutdown()
            server.server_close()


def test_join_page_probing_is_limited_per_client_with_429(live: dict[str, object]) -> None:
    answers = [https_get(live["https"], f"/join/probe{i:04d}") for i in range(45)]
    statuses = [r.status for r in answers]
    assert statuses[:30].count(200) == 30  # the burst passes to the app
    refused = [r for r in answers if r.status == 429]
    assert len(refused) >= 10, statuses
    assert refused[0].getheader("Retry-After") == "10"
    assert json.loads(refused[0].body)["error"] == "rate_limited"
    # another client address is not affected
    assert https_get(live["https"], "/join/other", source="127.0.0.2").status == 200


def https_get(port: int, path: str, source: str = "127.0.0.1") -> http.client.HTTPResponse:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context,
                                             source_address=(source, 0))
    connection.request("GET", path, headers={"Host": DOMAIN})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def test_plain_http_redirects_to_https(live: dict[str, object]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", live["http"], timeout=10)
    connection.request("GET", "/mobile-remote?x=1", headers={"Host": DOMAIN})
    response = connection.getresponse()
    connection.close()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{DOMAIN}:{live['https']}/mobile-remote?x=1"


def test_portals_are_served_by_nginx_with_cache_headers(live: dict[str, object]) -> None:
    for path, title in (("/mobile-remote", "remote"), ("/mobile-remote/", "remote"),
                        ("/dashboard", "dashboard"), ("/dashboard/", "dashboard")):
        page = https_get(live["https"], path)
        assert page.status == 200 and f"<title>{title}</title>" in page.body.decode()
        assert page.getheader("Cache-Control") == "no-cache"
    asset = https_get(live["https"], "/dashboard/dashboard.js")
    assert asset.body == b"console.log('dashboard');"
    assert asset.getheader("Cache-Control") == "public, max-age=3600"
    assert "javascript" in asset.getheader("Content-Type")


def test_what_nginx_lacks_goes_to_the_app_with_forwarded_headers(
    live: dict[str, object],
) -> None:
    missing = json.loads(https_get(live["https"], "/dashboard/not-built.js").body)
    assert missing["path"] == "/dashboard/not-built.js"
    assert json.loads(https_get(live["https"], "/?ref=x").body)["path"] == "/?ref=x"  # homepage
    health = json.loads(https_get(live["https"], "/api/health").body)
    assert health["headers"]["X-Forwarded-Proto"] == "https"
    assert health["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert health["headers"]["Host"] == DOMAIN


def test_metrics_only_from_localhost(live: dict[str, object]) -> None:
    assert json.loads(https_get(live["https"], "/metrics").body)["path"] == "/metrics"
    # 127.0.0.2 is loopback too, but not the 127.0.0.1 the site allows.
    assert https_get(live["https"], "/metrics", source="127.0.0.2").status == 403


def test_socket_io_websocket_upgrade_is_tunnelled(live: dict[str, object]) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", live["https"]), timeout=10)
    with context.wrap_socket(raw) as tls:
        tls.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {DOMAIN}\r\n"
                     "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").encode())
        received = b""
        while b"\r\n\r\n" not in received:
            received += tls.recv(4096)
        head, _, rest = received.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101")
        tls.sendall(b"2probe")
        while rest.count(b"\n") < 1 or not rest.endswith(b"2probe"):
            rest += tls.recv(4096)
    assert rest == b"upgrade|websocket\n2probe"


def test_a_dead_process_is_skipped(live: dict[str, object]) -> None:
    serving = json.loads(https_get(live["https"], "/api/health").body)["port"]
    dead = live["backends"][serving]
    dead.shutdown()
    dead.server_close()
    other = json.loads(https_get(live["https"], "/api/health").body)["port"]
    assert other != serving and other in live["backends"]
