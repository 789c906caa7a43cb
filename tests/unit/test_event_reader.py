"""The room namespace's own event reader (services/event_reader.py, SOCKETIO_FAST_EVENTS): which
frames it takes, what it hands the handlers, the ack bytes it writes, and everything it leaves to
Engine.IO and Socket.IO. The same frames against a real server, fast path on and off, are compared
in tests/integration/test_event_reader_live.py."""
from __future__ import annotations

import json

import pytest
import socketio

from server.services import broadcast
from server.services.broadcast import FramedWebSocket, text_frame
from server.services.event_reader import EventReader


class FakeQueue:
    def __init__(self) -> None:
        self.items: list = []

    def put(self, item: object) -> None:
        self.items.append(item)

    def qsize(self) -> int:
        return len(self.items)


class FakeEioSocket:
    def __init__(self, sid: str) -> None:
        self.sid = sid
        self.closed = self.closing = False
        self.queue = FakeQueue()
        self.st_ws = object()


@pytest.fixture
def reader(monkeypatch):
    monkeypatch.setitem(broadcast.DIRECT, "on", False)  # acks go through the socket's queue
    server = socketio.Server(async_mode="threading")
    eio_socket = FakeEioSocket("eio-1")
    server.eio.sockets["eio-1"] = eio_socket
    sid = server.manager.connect("eio-1", "/")
    calls: list = []
    spawned: list = []

    def handler(name):
        def dispatch(sid, *args):
            calls.append((name, sid, args))
            return {"ok": True, "name": name, "é": "ü"} if name != "none" else None
        return dispatch

    handlers = {n: handler(n) for n in ("time.sync", "chat.send", "none")}
    server.start_background_task = lambda fn, *a: spawned.append((fn, a))
    r = EventReader(server, handlers, frozenset({"time.sync", "none"}))
    return r, server, eio_socket, sid, calls, spawned


def acks(eio_socket) -> list[bytes]:
    return [item.frame.data for item in eio_socket.queue.items]


def test_an_id_of_the_longest_length_read_is_taken(reader):
    r, server, sock, sid, calls, spawned = reader
    assert r.take(sock, "42" + "9" * 15 + '["time.sync",{}]') is True
    assert acks(sock)[0].startswith(b"\x81") and b"43" + b"9" * 15 + b"[" in acks(sock)[0]


def test_an_inline_event_is_handled_at_once_and_acked_as_the_library_would(reader):
    r, server, sock, sid, calls, spawned = reader
    assert r.take(sock, '4217["time.sync",{"client_ms":5}]') is True
    assert calls == [("time.sync", sid, ({"client_ms": 5},))] and spawned == []
    expected = server.packet_class(socketio.packet.ACK, namespace="/", id=17,
                                   data=[{"ok": True, "name": "time.sync", "é": "ü"}]).encode()
    assert acks(sock) == [text_frame(("4" + expected).encode())]


def test_a_waiting_event_runs_on_its_own_greenlet(reader):
    r, server, sock, sid, calls, spawned = reader
    assert r.take(sock, '423["chat.send",{"text":"hi"},7]') is True
    assert calls == [] and len(spawned) == 1  # not run on the reader
    fn, args = spawned[0]
    fn(*args)
    assert calls == [("chat.send", sid, ({"text": "hi"}, 7))]
    assert json.loads(acks(sock)[0][2:].decode()[3:]) == [{"ok": True, "name": "chat.send", "é": "ü"}]


def test_no_ack_id_means_no_ack_and_none_acks_empty(reader):
    r, server, sock, sid, calls, spawned = reader
    assert r.take(sock, '42["time.sync",{}]') is True
    assert acks(sock) == [] and len(calls) == 1
    assert r.take(sock, '429["none"]') is True
    assert acks(sock) == [text_frame(b"439[]")]


@pytest.mark.parametrize("frame", [
    "2", "3", "40", "41", "43[]",                      # Engine.IO ping/pong, connect, disconnect, an ack
    '42/admin,1["time.sync",{}]',                      # another namespace
    '421["unknown",{}]', "421[5]", "421[]", '421{"a":1}',  # not one of ours, not an event array
    "42" + "1" * 16 + '["time.sync",{}]',              # an id longer than we read
    "42" + "9" * 50000 + "[]",
    '421-["time.sync",{}]', '451-["time.sync",{"_placeholder":true,"num":0}]',  # binary forms
    '42١["time.sync",{}]',                             # a non-ASCII digit
])
def test_anything_else_is_left_to_engine_io(reader, frame):
    r, server, sock, sid, calls, spawned = reader
    assert r.take(sock, frame) is False
    assert calls == [] and spawned == [] and acks(sock) == []


def test_malformed_json_is_answered_invalid_not_left_to_a_logged_traceback(reader):
    r, server, sock, sid, calls, spawned = reader
    assert r.take(sock, '424["time.sync",') is True
    assert r.take(sock, '42["time.sync",{"a":}]') is True  # no ack id: nothing to answer
    assert [json.loads(a[2:].decode()[3:]) for a in acks(sock)] == [
        [{"ok": False, "error": "invalid", "message": "The event is not valid JSON"}]]
    assert acks(sock)[0][2:5] == b"434"
    assert calls == [] and spawned == []
    assert r.take(FakeEioSocket("eio-2"), '424["time.sync",') is False  # not connected: the library drops it


def test_frames_over_the_size_limit_are_left_to_engine_io(reader):
    r, server, sock, sid, calls, spawned = reader
    big = '421["time.sync",{"x":"' + "a" * r.max_size + '"}]'
    assert r.take(sock, big) is False and calls == []


def test_a_socket_not_connected_to_the_namespace_or_mid_binary_packet_is_left_alone(reader):
    r, server, sock, sid, calls, spawned = reader
    other = FakeEioSocket("eio-2")  # never sent its CONNECT
    assert r.take(other, '421["time.sync",{}]') is False
    server._binary_packet["eio-1"] = object()  # the library reads the next frame as an attachment
    assert r.take(sock, '421["time.sync",{}]') is False
    del server._binary_packet["eio-1"]
    server.manager.disconnect(sid, "/")
    assert r.take(sock, '421["time.sync",{}]') is False
    assert calls == []


def test_an_ack_to_a_socket_closed_meanwhile_takes_the_librarys_send(reader):
    r, server, sock, sid, calls, spawned = reader
    sent: list = []
    server._send_packet = lambda eio_sid, pkt: sent.append((eio_sid, pkt.encode()))
    sock.closed = True
    assert r.take(sock, '425["time.sync",{}]') is True
    assert sent == [("eio-1", '35[{"ok":true,"name":"time.sync","\\u00e9":"\\u00fc"}]')] and acks(sock) == []


class FakeWs:
    def __init__(self, frames: list) -> None:
        self.frames = list(frames)

    def receive(self):
        return self.frames.pop(0)


def test_the_websocket_hands_engine_io_only_what_the_reader_leaves():
    taken: list = []

    class Reader:
        def take(self, eio_socket, text):
            taken.append(text)
            return text.startswith("42")

    class EioSocket:
        sid = "x"

        def _websocket_handler(self, ws):
            return None

    eio_socket = EioSocket()
    ws = FramedWebSocket(eio_socket._websocket_handler, None)
    ws._sock = FakeWs(['421["a"]', '422["b"]', "3", b"\x00bin", '423["c"]', None])
    ws.events = Reader()
    assert ws.wait() == "3"
    assert ws.wait() == b"\x00bin"  # bytes are never offered to the reader
    assert ws.wait() is None  # the connection's end reaches Engine.IO
    assert taken == ['421["a"]', '422["b"]', "3", '423["c"]']
    ws.events = None  # SOCKETIO_FAST_EVENTS off: every frame goes to Engine.IO
    ws._sock = FakeWs(['421["a"]'])
    assert ws.wait() == '421["a"]'
