"""A fresh checkout of ShareTube in a temporary folder, for tests of RESTART.sh as a new user runs it.

Sources are linked (read-only use), the folders a build writes into (extension, mobile_remote,
dashboard) are copied without their build output, and `.venv`/`node_modules` point at the shared
ones (as a worktree's do), so `./RESTART.sh` there builds, packages and starts without touching
the real repository; a `.env` written there is that checkout's own.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPIED = ("extension", "mobile_remote", "dashboard")
SKIPPED = {".git", ".env", "instance", ".pytest_cache", ".ruff_cache", "tests"}
# Settings a test run may carry that would change which instance RESTART.sh starts.
NOT_INHERITED = ("INSTANCE_DIR", "DATABASE_URL", "LISTEN_HOST", "LISTEN_PORT", "BACKEND_BASE_URL", "VERSION",
                 "SOCKETIO_MESSAGE_QUEUE", "SHARETUBE_POOL", "SECRET_KEY", "JWT_SECRET", "ENV",
                 "SHARETUBE_TEST_DATABASE_URL", "SHARETUBE_LOG_CONFIGURED", "WEB_WORKERS", "AUTO_MIGRATE")


def make_checkout(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name in SKIPPED or entry.name == "RESTART.sh":
            continue
        if entry.name in COPIED:
            shutil.copytree(entry, target / entry.name, symlinks=True,
                            ignore=shutil.ignore_patterns("dist", "*.zip", "node_modules"))
        else:
            (target / entry.name).symlink_to(entry)
    shutil.copy2(ROOT / "RESTART.sh", target / "RESTART.sh")
    return target


def restart_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(settings)
    return env


def run_restart(checkout: Path, *args: str, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(["./RESTART.sh", *args], cwd=checkout, env=env, capture_output=True, text=True,
                          timeout=timeout)


def stop_instance(checkout: Path, env: dict[str, str], instance_dir: Path) -> None:
    """`./RESTART.sh stop`, then make sure (a test must never leave a service behind)."""
    run_restart(checkout, "stop", env=env, timeout=60)
    for name in ("ShareTube.pid", "ShareTube.bg.pid"):
        pid_file = instance_dir / name
        if pid_file.is_file():
            try:
                os.kill(int(pid_file.read_text()), signal.SIGKILL)
            except (ValueError, ProcessLookupError):
                pass
    time.sleep(0.1)
