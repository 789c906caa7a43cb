"""The portals: the phone remote, the dashboard, the homepage and the join page (static files)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

from server.config import REPO_ROOT

bp = Blueprint("portals", __name__)


def _serve(folder: Path, path: str):
    target = folder / path
    if not folder.is_dir():
        abort(503, description=f"{folder.name} is not built; run ./RESTART.sh (it builds the portals)")
    if path and target.is_file():
        return send_from_directory(folder, path)
    return send_from_directory(folder, "index.html")


@bp.get("/mobile-remote")
@bp.get("/mobile-remote/")
@bp.get("/mobile-remote/<path:path>")
def mobile_remote(path: str = ""):
    return _serve(REPO_ROOT / "mobile_remote" / "dist", path)


@bp.get("/dashboard")
@bp.get("/dashboard/")
@bp.get("/dashboard/<path:path>")
def dashboard(path: str = ""):
    return _serve(REPO_ROOT / "dashboard" / "dist", path)
