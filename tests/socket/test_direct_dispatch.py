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


def test_the_events_that_never_wait_run_on_the_readers_greenlet_and_the_rest_get_their_own(make_app, monkeypatch):
    """With handlers started per event (the live server's async_handlers), time.sync, player.status
    and chat.typing run where their frame was read; chat.send (a database write) and an unknown event
    still start a task of their own; a name that is not text (the library's task would fail on it,
    unanswered) is answered `invalid` at once."""
    from socketio import packet as sio_packet

    from server.events.base import INLINE
    from server.extensions import socketio

    assert INLINE == {"time.sync", "player.status", "chat.typing"}
    app = make_app()
    alice = sign_in(app, "Alice").connect()
    alice.join(create_room(app, alice)["code"])
    server = socketio.server
    started: list[str] = []

    def start_task(target, *args, **kwargs):  # what python-socketio calls to start a handler's task
        started.append(args[3][0] if len(args) > 3 and args[3] else "?")
        return target(*args, **kwargs)

    monkeypatch.setattr(server, "async_handlers", True)  # (the test client turns it off)
    monkeypatch.setattr(server, "start_background_task", start_task)
    sent_acks: list = []
    send_packet = server._send_packet

    def recording_send_packet(eio_sid, pkt):
        if pkt.packet_type == sio_packet.ACK:
            sent_acks.append((pkt.id, pkt.data))
        return send_packet(eio_sid, pkt)
    monkeypatch.setattr(server, "_send_packet", recording_send_packet)
    assert alice.emit("time.sync", {"client_ms": 5})["ok"]
    assert alice.emit("player.status", {"position_ms": 1000})["ok"]
    assert alice.emit("chat.typing", {})["ok"]
    assert started == []
    assert alice.emit("chat.send", {"text": "hi"})["ok"]
    assert alice.emit("no.such.event", {})["error"] == "invalid"
    assert started == ["chat.send", "no.such.event"]
    alice.sio.get_received()
    server._handle_eio_message(alice.sio.eio_sid, '27[["time.sync"],{}]')  # a name that is not text, id 7
    assert started == ["chat.send", "no.such.event"]
    assert sent_acks[-1] == (7, [{"ok": False, "error": "invalid", "message": "An event's name is text"}])
