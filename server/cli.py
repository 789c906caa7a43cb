"""`flask --app server sharetube …` commands."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

sharetube_cli = AppGroup("sharetube", help="ShareTube administration")


def register_cli(app: Flask) -> None:
    if "sharetube" not in app.cli.commands:
        app.cli.add_command(sharetube_cli)


@sharetube_cli.command("upgrade-db")
def upgrade_db() -> None:
    """Apply database migrations."""
    from flask import current_app

    from server import upgrade_schema
    upgrade_schema(current_app)
    click.echo("database is up to date")


from server import cli_admin  # noqa: E402,F401  (registers admin-link)
