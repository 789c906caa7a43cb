"""One encode per broadcast (server/services/broadcast.py), on real sockets (a gevent socketpair):
the bytes on the wire are exactly the websocket frame gevent-websocket would have written, a
broadcast is encoded once however many sockets get it, a busy writer or a full kernel buffer
never reorders or loses a frame, and sockets that are not ours get the library's own packet."""
from __future__ import annotations

import json
import socket as stdlib_socket
import uuid
from types import SimpleNamespace

import gevent
import pytest
from engineio import packet as eio_packet
from engineio.async_drivers import gevent as gevent_driver
from gevent import queue as gqueue
from gevent import socket as gsocket
from geventwebsocket.websocket import Header
from socketio import packet as sio_packet

from server.extensions import socketio
from server.services.broadcast import (
    DIRECT,
    EncodeOnceManager,
    FramedPacket,
    FramedWebSocket,
    TextPacket,
    framed_websocket,
    install_framed_websockets,
    text_frame,
)


def read_frame(sock) -> tuple[int, bytes]:
    """One unmasked server frame from the client's end: (opcode, payload)."""
    def exactly(n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            assert chunk, "connection closed mid-frame"
            buf += chunk
        return buf
    first, second = exactly(2)
    assert first & 0x80 and not second & 0x80, "final and unmasked"
    n = second & 0x7F
    if n == 126:
        n = int.from_bytes(exactly(2), "big")
    elif n == 127:
        n = int.from_bytes(exactly(8), "big")
    return first & 0x0F, exactly(n)


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 200_000])
def test_a_frame_is_byte_for_byte_what_gevent_websocket_writes(size):
    payload = ("4" + "é" * (size // 2)).encode("utf-8")  # multi-byte: the length counts bytes
    expected = bytes(Header.encode_header(True, 0x1, b"", len(payload), 0)) + payload
    assert text_frame(payload) == expected


class Pair:
    """A FramedWebSocket on one end of a real gevent socketpair, an Engine.IO-like socket with a
    real gevent queue beside it, and the peer end to read what was written."""

    def __init__(self, sndbuf: int | None = None) -> None:
        server_end, self.peer = gsocket.socketpair()
        if sndbuf:
            server_end.setsockopt(stdlib_socket.SOL_SOCKET, stdlib_socket.SO_SNDBUF, sndbuf)
        self.peer.settimeout(5)
        ws = SimpleNamespace(closed=False, handler=SimpleNamespace(socket=server_end))
        ws.raw_write = server_end.sendall
        ws.send = lambda message: server_end.sendall(text_frame(message.encode("utf-8")))
        self.ws = FramedWebSocket(lambda _ws: None, None)
        self.ws._sock = ws
        self.ws.writing = False
        self.eio = SimpleNamespace(queue=gqueue.JoinableQueue(), closed=False, closing=False, st_ws=self.ws)

    def run_writer(self) -> None:
        """What Engine.IO's writer greenlet does with whatever is queued."""
        while self.eio.queue.qsize():
            self.ws.send(self.eio.queue.get().encode())


def test_an_idle_socket_gets_the_frame_at_once_and_a_busy_one_keeps_its_order():
    pair = Pair()
    first = text_frame(b'42["room.playback",{"version":1}]')
    assert pair.ws.try_write_now(pair.eio, first) is None
    assert read_frame(pair.peer) == (1, first[2:])
    pair.eio.queue.put(eio_packet.Packet(eio_packet.MESSAGE, '3[{"ok":true}]'))  # an ack, queued
    second = text_frame(b'42["room.playback",{"version":2}]')
    assert pair.ws.try_write_now(pair.eio, second) == second, "the queue is not empty: behind the ack"
    pair.eio.queue.put(FramedPacket(second))
    pair.ws.writing = True
    assert pair.ws.try_write_now(pair.eio, second) == second, "the writer is mid-write"
    pair.ws.writing = False
    pair.run_writer()
    assert read_frame(pair.peer) == (1, b'43[{"ok":true}]')
    assert read_frame(pair.peer) == (1, second[2:])


def test_what_a_full_kernel_buffer_does_not_take_is_queued_and_arrives_whole():
    pair = Pair(sndbuf=4096)
    big = text_frame(("4" + json.dumps(["presence.update", {"members": ["x" * 100] * 5000}])).encode())
    left = pair.ws.try_write_now(pair.eio, big)
    assert left and 0 < len(left) < len(big), "a partial, non-blocking write"
    pair.eio.queue.put(FramedPacket(left))
    got = []

    def reader():
        got.append(read_frame(pair.peer))

    task = gevent.spawn(reader)
    pair.run_writer()
    task.join(5)
    assert got and got[0][1] == big[len(big) - len(got[0][1]):]
    assert json.loads(got[0][1][1:])[0] == "presence.update"


class FakeServer:
    """Enough of python-socketio's Server for the manager: a JSON packet class that counts its
    encodes, Engine.IO sockets by id, and the library's own send for sockets that are not ours."""

    def __init__(self, eio_sockets: dict) -> None:
        self.encodes = 0
        outer = self

        class CountingPacket(sio_packet.Packet):
            def encode(self):
                outer.encodes += 1
                return super().encode()
        self.packet_class = CountingPacket
        self.eio = SimpleNamespace(sockets=eio_sockets, generate_id=lambda: uuid.uuid4().hex)
        self.plain: list[tuple[str, str]] = []

    def _send_eio_packet(self, eio_sid, pkt) -> None:
        self.plain.append((eio_sid, pkt.encode()))


def test_a_room_broadcast_is_encoded_once_for_every_socket_and_plain_sockets_get_the_same_text():
    pairs = {f"e{i}": Pair() for i in range(20)}
    sockets = {sid: p.eio for sid, p in pairs.items()}
    server = FakeServer(sockets)
    mgr = EncodeOnceManager()
    mgr.set_server(server)
    mgr.initialize()
    for i, eio_sid in enumerate([*pairs, "test-client"]):
        mgr.connect(eio_sid, "/")
        sid = mgr.sid_from_eio_sid(eio_sid, "/")
        mgr.enter_room(sid, "/", "room1")
        if i == 0:
            skipped = sid
    payload = {"state": "paused", "version": 9, "notes": [{"text": "Zoë paused at 0:05"}]}
    mgr.emit("room.playback", payload, namespace="/", room="room1", skip_sid=skipped)
    assert server.encodes == 1
    for i, pair in enumerate(pairs.values()):
        pair.run_writer()
        if i == 0:
            continue
        opcode, data = read_frame(pair.peer)
        assert opcode == 1 and json.loads(data[2:]) == ["room.playback", payload]
    assert [(sid, json.loads(text[2:])) for sid, text in server.plain] == [("test-client", ["room.playback", payload])]
    skipped_peer = pairs["e0"].peer
    skipped_peer.settimeout(0.05)
    with pytest.raises(TimeoutError):
        skipped_peer.recv(1)  # skip_sid got nothing


def test_a_broadcast_with_a_callback_takes_the_library_path():
    server = FakeServer({})
    mgr = EncodeOnceManager()
    mgr.set_server(server)
    mgr.initialize()
    mgr.connect("x", "/")
    sent = []
    server._send_packet = lambda eio_sid, pkt: sent.append((eio_sid, pkt.id))
    mgr.emit("ask", {}, namespace="/", room=mgr.sid_from_eio_sid("x", "/"), callback=lambda *a: None)
    assert len(sent) == 1 and sent[0][1] is not None, "a per-socket callback id: not the shared frame"


def test_with_direct_writes_acks_take_the_frame_path_and_the_rest_the_library_path(monkeypatch):
    pair = Pair()
    sent_plain = []
    eio = SimpleNamespace(_async={"websocket": gevent_driver.WebSocketWSGI}, sockets={"e1": pair.eio},
                          send=lambda sid, data: sent_plain.append((sid, data)))
    sio_server = SimpleNamespace(eio=eio, _send_packet=None)
    monkeypatch.setitem(DIRECT, "on", False)  # restored after the test
    install_framed_websockets(sio_server, direct=True)
    assert eio._async["websocket"] is framed_websocket
    made = framed_websocket(lambda ws: None, eio)  # what Engine.IO calls: a FramedWebSocket's bound __call__
    assert isinstance(made.__self__, FramedWebSocket) and made.__func__ is FramedWebSocket.__call__
    ack = sio_packet.Packet(sio_packet.ACK, data=[{"ok": True, "text": "ünïcode"}], id=7)
    sio_server._send_packet("e1", ack)
    opcode, data = read_frame(pair.peer)
    assert opcode == 1 and data.decode("utf-8") == "4" + ack.encode()
    sio_server._send_packet("gone", ack)  # not one of ours (a test client, a closed socket)
    assert sent_plain == [("gone", ack.encode())]
    binary = sio_packet.Packet(sio_packet.EVENT, data=["blob", b"\x00\x01"])
    sio_server._send_packet("e1", binary)  # attachments: the library's per-part path
    assert [sid for sid, _ in sent_plain[1:]] == ["e1", "e1"] and sent_plain[2][1] == b"\x00\x01"


def test_packets_skip_the_binary_scan_and_the_app_uses_them(app, monkeypatch):
    def scan(_data):
        raise AssertionError("walked the payload looking for bytes")
    monkeypatch.setattr(sio_packet.Packet, "data_is_binary", staticmethod(scan))
    roster = {"members": [{"user_id": i, "name": f"g{i}"} for i in range(1000)]}
    pkt = TextPacket(sio_packet.ACK, data=[roster], id=3)
    assert pkt.packet_type == sio_packet.ACK and pkt.encode().startswith('33[{"members":')
    assert socketio.server.packet_class is TextPacket
