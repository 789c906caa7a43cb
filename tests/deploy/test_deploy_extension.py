"""The deploy generator builds the extension for the public URL (issue 18 item 1): its printed
step, run as printed (on a copy of the app), writes the versioned package the homepage offers,
made for that URL."""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

from tests.deploy.conftest import REPO, generate, printed_commands

V = "v9-77"
PACKAGE_VERSION = json.loads((REPO / "package.json").read_text())["version"]


def test_the_printed_extension_step_packages_it_for_the_public_url(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    shutil.copytree(REPO / "extension", app / "extension", ignore=shutil.ignore_patterns("dist", "*.zip"))
    for name in ("package.json", "node_modules", "clients"):
        (app / name).symlink_to(REPO / name)
    instance = tmp_path / "instance"
    result = generate("--version", V, "--output-dir", tmp_path / "out", "--app-dir", app,
                      "--instance-dir", instance, "--domain", "watch.example.org")
    commands = printed_commands(result.stdout)
    step = commands.index("# 8. The extension this server offers on its homepage, built for http://watch.example.org")
    build = commands[step + 2]
    assert build.startswith(f"cd {app} && ")
    run = subprocess.run(["bash", "-c", build], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    package = instance / "extension" / f"ShareTube-extension-{PACKAGE_VERSION}.zip"
    assert package.is_file()
    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        background = archive.read("background.js").decode()
    assert manifest["host_permissions"] == ["https://www.youtube.com/*", "http://watch.example.org/*"]
    presence = next(s for s in manifest["content_scripts"] if "presence.js" in s["js"])
    assert presence["matches"] == ["http://watch.example.org/*"]
    assert '"http://watch.example.org"' in background, "the popup's default server"
    assert commands[step + 3].startswith("chown -R ") and str(instance / "extension") in commands[step + 3]
