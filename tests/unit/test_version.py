"""One version string for the product: `version` in package.json. Everything else derives it
(the built extension's manifest, the server's /api/health `release`, npm's lock file) or
declares none (pyproject.toml, the manifest source). The `VERSION` environment variable is an
instance name (folder, logs, units), not the product's version."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def package_version() -> str:
    return json.loads((ROOT / "package.json").read_text())["version"]


def test_the_version_is_one_a_chrome_manifest_accepts():
    version = package_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version
    assert all(int(part) <= 65535 and (part == "0" or not part.startswith("0")) for part in version.split("."))


def test_no_other_file_declares_a_version_of_its_own():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in pyproject.get("project", {}), "pyproject.toml: the version lives in package.json"
    manifest = json.loads((ROOT / "extension" / "manifest.json").read_text())
    assert "version" not in manifest, "extension/manifest.json: the build writes the version from package.json"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    # npm copies package.json's version into its lock file; a stale copy means the lock is stale.
    assert lock["version"] == lock["packages"][""]["version"] == package_version()


def test_the_server_reports_the_release_in_health(tmp_path):
    from server import create_app
    from server.config import TestConfig, product_version

    assert product_version() == package_version()
    app = create_app(TestConfig(tmp_path / "instance", DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}",
                                AUTO_MIGRATE=False, VERSION="v9-99"))
    body = app.test_client().get("/api/health").get_json()
    assert (body["release"], body["version"]) == (package_version(), "v9-99"), body


def test_the_built_extension_carries_the_version(tmp_path):
    """Build a copy of the repository (the real build script, with whatever it imports) after
    bumping package.json's version, and read the manifest the build writes."""
    copy = tmp_path / "repo"
    skip = shutil.ignore_patterns(".git", "node_modules", ".venv", "instance", "dist", "tests", "__pycache__",
                                  ".ruff_cache", "*.zip")
    shutil.copytree(ROOT, copy, ignore=skip, symlinks=True)
    (copy / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    bumped = json.loads((copy / "package.json").read_text())
    bumped["version"] = "7.8.9"  # not today's number: the manifest must follow package.json
    (copy / "package.json").write_text(json.dumps(bumped))
    build = subprocess.run(["node", "extension/build.mjs"], cwd=copy, capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stderr
    built = json.loads((copy / "extension" / "dist" / "manifest.json").read_text())
    assert built["version"] == "7.8.9"
