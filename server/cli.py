"""`flask --app server sharetube …` commands, and applying the database migrations.

`admin-link EMAIL`: a one-time dashboard sign-in link, for a fresh install (no admin yet) or a
locked-out admin: the user with that email is created or promoted to admin, and the printed URL
signs the browser that opens it in (once, within 30 minutes). Only the code's hash is stored.
"""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from server.config import REPO_ROOT
from server.errors import ApiError
from server.services.admin.auth import LINK_TTL_MS, create_admin_link

MIGRATIONS_DIR = str(REPO_ROOT / "migrations")
sharetube_cli = AppGroup("sharetube", help="ShareTube administration")


def register_cli(app: Flask) -> None:
    if "sharetube" not in app.cli.commands:
        app.cli.add_command(sharetube_cli)


def upgrade_schema(app: Flask) -> None:
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)


@sharetube_cli.command("upgrade-db")
def upgrade_db() -> None:
    """Apply database migrations."""
    upgrade_schema(current_app)
    click.echo("database is up to date")


@sharetube_cli.command("admin-link")
@click.argument("email")
@click.option("--unban", is_flag=True, help="Lift a ban on that account as well.")
def admin_link(email: str, unban: bool) -> None:
    """Print a one-time admin sign-in URL for EMAIL (creates or promotes that admin)."""
    try:
        url, user = create_admin_link(email, unban=unban)
    except ApiError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(url)
    click.echo(f"One-time sign-in link for {user.email} (admin, user id {user.id}); "
               f"valid for {LINK_TTL_MS // 60000} minutes.", err=True)
