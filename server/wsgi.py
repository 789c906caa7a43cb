"""WSGI entry for Gunicorn: `gunicorn -c gunicorn.conf.py server.wsgi:app`.

The gevent worker patches the standard library before it loads this module; patch here too
when something else imports it first, so sockets and sleeps always cooperate.

Two settings for a process that holds thousands of sockets (issue 15's capacity profile): gevent
does not record each greenlet's spawning tree (python-socketio spawns a greenlet per event; the
tree's frames were 48,000 of the 405,000 objects of a 2,000-client worker), and everything the
app built at start-up (modules, SQLAlchemy's metadata, Flask's app) is frozen out of the cyclic
collector's reach, so a full collection walks only what the sockets made (gc_watch.py times them).
"""
import gc

from gevent import config as gevent_config
from gevent import monkey

gevent_config.track_greenlet_tree = False

if not monkey.is_module_patched("socket"):
    monkey.patch_all()

from server import create_app  # noqa: E402
from server.services import gc_watch  # noqa: E402

app = create_app()
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 10)
# collector pauses in /metrics, long ones logged: in a serving process only (a test process that
# builds apps would log its own collections)
gc_watch.install()
