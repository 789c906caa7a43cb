"""SOCKETIO_DIRECT_DISPATCH: room events reach their handlers in an app context with the socket's
sid, without Flask-SocketIO's per-event Flask request context; off, Flask-SocketIO's path runs.
Both answer the same; connect and the handshake's facts (address, device) are unchanged."""
from __future__ import annotations

import flask
import pytest

import server.events.connection as connection_events
from server.services.runtime import rt
from server.timeutil import now_ms
from tests.support.socket_clients import create_room, sign_in


@pytest.mark.parametrize("direct", [True, False])
def test_an_event_runs_with_or_without_a_flask_request_and_answers_the_same(make_app, monkeypatch, direct):
    app = make_app(SOCKETIO_DIRECT_DISPATCH=direct)
    seen = []

    def watching_now_ms():
        seen.append((flask.has_request_context(), flask.has_app_context()))
        return now_ms()

    monkeypatch.setattr(connection_events, "now_ms", watching_now_ms)
    alice = sign_in(app, "Alice").connect()
    seen.clear()  # (the connect handler reads the time too: it keeps Flask-SocketIO's request)
    ack = alice.emit("time.sync", {"client_ms": 5})
    assert ack["ok"] and ack["client_ms"] == 5 and ack["server_ms"] > 0
    assert seen == [(not direct, True)]
    code = create_room(app, alice)["code"]
    alice.join(code)
    with app.app_context():  # the sid the handler saw is the socket's own: the join put it in the room
        conns = [c for c in rt().presence.local_conns() if c.user_id == alice.user["id"]]
        assert [c.room_code for c in conns] == [code]
    bad = alice.emit("player.status", {"position_ms": -1})
    assert bad["ok"] is False and bad["error"] == "invalid"
    assert alice.emit("leave")["ok"]
    with app.app_context():
        assert [c.room_code for c in rt().presence.local_conns() if c.user_id == alice.user["id"]] == [None]
