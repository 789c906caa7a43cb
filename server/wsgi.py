"""WSGI entry for Gunicorn: `gunicorn -c gunicorn.conf.py server.wsgi:app`.

The gevent worker patches the standard library before it loads this module; patch here too
when something else imports it first, so sockets and sleeps always cooperate.
"""
from gevent import monkey

if not monkey.is_module_patched("socket"):
    monkey.patch_all()

from server import create_app  # noqa: E402

app = create_app()
