"""ShareTube server: create_app(config) builds the Flask + Socket.IO application (server/app.py).

Layers, one way (docs/ARCHITECTURE.md; tests/unit/test_layers.py keeps them):
app → events / api / auth / background / cli → services → models → domain.
"""
from server.app import create_app
from server.cli import upgrade_schema

__all__ = ["create_app", "upgrade_schema"]
