"""The WSGI entry hands a request's environ to the Socket.IO server as the WSGI server built it:
Flask-SocketIO's middleware copied every environ to add `flask.app`, and for a websocket both
copies lived as long as the connection (issue 15: memory per client)."""
from __future__ import annotations

from server.extensions import socketio


def test_a_socketio_request_reaches_engineio_with_the_servers_own_environ(app, monkeypatch):
    seen: list[dict] = []
    eio = socketio.server.eio
    monkeypatch.setattr(eio, "handle_request", lambda environ, start: seen.append(environ) or [b""])
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/socket.io/", "QUERY_STRING": "EIO=4&transport=websocket",
               "SERVER_NAME": "localhost", "SERVER_PORT": "80", "wsgi.url_scheme": "http"}
    app.wsgi_app(environ, lambda *a: None)
    assert seen and seen[0] is environ  # the same dict: no copy
    assert environ["flask.app"] is app  # what Flask-SocketIO's handlers look for


def test_other_paths_still_reach_flask(app):
    client = app.test_client()
    assert client.get("/api/health").status_code == 200
    assert client.get("/no-such-page").status_code == 404
