"""One encode per broadcast (BROADCAST_ENCODE_ONCE, on by default).

python-socketio's Manager.emit already encodes a room broadcast's Socket.IO packet once, but every
recipient then costs: Engine.IO's `Socket.send` (ping-timeout check, log call, queue put), a wake-up
of that socket's writer greenlet, and in gevent-websocket a UTF-8 encode of the whole text, a frame
header and a header + payload copy before the write. For a roster of 1,000 members (~250 KB) that is
two 250 KB copies per socket.

Here a broadcast builds the whole websocket frame (header + UTF-8 payload) once and writes those
bytes to every socket of the room. A socket whose writer is idle (nothing queued, nothing being
written) gets the bytes at once with one non-blocking `send`; otherwise (or for what a full kernel
buffer did not take) the frame goes into that socket's Engine.IO queue as a `FramedPacket`, which
the writer sends as is, so frames to one socket keep their order. Sockets that are not our
websockets (Flask-SocketIO's test client) get the ordinary Engine.IO packet.

With a Redis message queue, a broadcast is published once as the encoded Socket.IO packet (a line
of routing facts, then the packet text); the other processes deliver it without decoding or
re-encoding it, and this process delivers its own copy without the pub/sub round trip.
"""
from __future__ import annotations

import errno
import json
import logging
import struct
from collections.abc import Callable
from typing import Any

from engineio import packet as eio_packet
from engineio.async_drivers import gevent as gevent_driver
from gevent import socket as gsocket
from socketio import Manager, RedisManager
from socketio import packet as sio_packet

from server.domain import constants as C
from server.extensions import socketio
from server.services.prom import PUBLISH_DROPPED

log = logging.getLogger("sharetube.broadcast")
FRAMED_PREFIX = "\x00st-frame1\n"  # a published pre-encoded broadcast: prefix, routing JSON, "\n", packet
_AGAIN = (errno.EAGAIN, errno.EWOULDBLOCK)


def text_frame(payload: bytes) -> bytes:
    """An unmasked, final websocket text frame (RFC 6455 5.2) around `payload`."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n <= 0xFFFF:
        return b"\x81\x7e" + struct.pack("!H", n) + payload
    return b"\x81\x7f" + struct.pack("!Q", n) + payload


class TextPacket(sio_packet.Packet):
    """Socket.IO packets without python-socketio's binary scan: by default every packet built (each
    ack, each emit) walks its whole payload looking for bytes, e.g. a 1,000-member roster in a join
    ack (5 % of a filling room's CPU). ShareTube's wire is JSON text only: nothing sends bytes.
    (Binary packets a client sends are still decoded, and refused by validation.)"""

    uses_binary_events = False


class Frame:
    """Bytes already framed for the wire: FramedWebSocket writes them as they are."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


class FramedPacket(eio_packet.Packet):
    """An Engine.IO MESSAGE whose websocket frame is already built (queued behind other packets)."""

    def __init__(self, frame: bytes) -> None:
        super().__init__(eio_packet.MESSAGE, "<framed>")
        self.frame = Frame(frame)

    def encode(self, b64: bool = False) -> Any:  # the writer hands this to FramedWebSocket.send
        return self.frame


class FramedWebSocket(gevent_driver.WebSocketWSGI):
    """Engine.IO's gevent-websocket wrapper that also writes pre-built frames, and tells the
    broadcaster (through the Engine.IO socket's `st_ws`) whether its writer is mid-write."""

    def __call__(self, environ: dict, start_response: Any) -> Any:
        self.writing = False
        eio_socket = getattr(self.app, "__self__", None)  # the handler is Socket._websocket_handler
        self.events = None
        if eio_socket is not None:
            eio_socket.st_ws = self
            self.events = getattr(eio_socket.server, "st_events", None)  # SOCKETIO_FAST_EVENTS
        return super().__call__(environ, start_response)

    def wait(self) -> Any:
        """The next frame for Engine.IO; our room events are handled here first (event_reader)."""
        receive = self._sock.receive
        events = self.events
        if events is None:
            return receive()
        eio_socket = self.app.__self__
        while True:
            data = receive()
            if type(data) is not str or not events.take(eio_socket, data):
                return data

    def send(self, message: Any) -> Any:
        self.writing = True
        try:
            if isinstance(message, Frame):
                return self._write(message.data)
            return self._sock.send(message)
        finally:
            self.writing = False

    def _write(self, data: bytes) -> None:
        ws = self._sock
        if ws.closed:
            raise OSError("websocket closed")
        ws.raw_write(data)

    def try_write_now(self, eio_socket: Any, frame: bytes) -> bytes | None:
        """Write `frame` at once if this socket's writer is idle; return what is left to queue
        (all of it when the writer is busy or the kernel buffer is full; None when done)."""
        ws = self._sock
        if self.writing or eio_socket.queue.qsize() or ws.closed:
            return frame
        raw = getattr(getattr(ws, "handler", None), "socket", None)
        if raw is None or type(raw) is not gsocket.socket:  # TLS or unknown: leave it to the writer
            return frame
        try:
            sent = raw.send(frame, 0, 0.0)  # non-blocking: never waits on one slow client
        except OSError as exc:
            if exc.errno in _AGAIN:
                return frame
            return None  # a dead connection: its reader notices and closes it
        if sent >= len(frame):
            return None
        return frame[sent:] if sent else frame


def framed_websocket(handler: Any, server: Any) -> Any:
    """What Engine.IO's driver table makes for each websocket: a FramedWebSocket's bound __call__.
    Engine.IO calls it at once (`ws(environ, start_response)`); a bound Python method runs in the
    caller's interpreter level, an instance's __call__ goes through C — one more level in the stack
    that every reader greenlet saves each time it waits (~0.7 KB per connected client, issue 15)."""
    return FramedWebSocket(handler, server).__call__


def framed_socket(eio: Any, eio_sid: str) -> tuple[Any, FramedWebSocket] | None:
    """The Engine.IO socket and its FramedWebSocket, when the frame path can write to it."""
    sock = eio.sockets.get(eio_sid)
    ws = getattr(sock, "st_ws", None) if sock is not None else None
    if ws is None or sock.closed or sock.closing:
        return None
    return sock, ws


DIRECT = {"on": False}  # BROADCAST_DIRECT_WRITE: write at once when a socket's writer is idle


def write_frame(sock: Any, ws: FramedWebSocket, frame: bytes) -> None:
    """Into the socket's queue for its writer (which sends the bytes as they are); with direct
    writes on, at once when the writer is idle, and only what is left behind the queue."""
    left = ws.try_write_now(sock, frame) if DIRECT["on"] else frame
    if left:
        sock.queue.put(FramedPacket(left))


def install_framed_websockets(sio_server: Any, direct: bool = False) -> None:
    """Make this server's websockets FramedWebSockets (its own copy of Engine.IO's driver table).
    With `direct` (BROADCAST_DIRECT_WRITE), frames are written at once by the emitting greenlet
    when a socket's writer is idle, and single packets (acks, connect answers, emits to one
    socket) take that path too, instead of a queue hand-off and a writer wake-up per packet."""
    eio_server = sio_server.eio
    if eio_server._async.get("websocket") is not gevent_driver.WebSocketWSGI:
        return  # not gevent-websocket (threading in tests): the library's own path
    eio_server._async = {**eio_server._async, "websocket": framed_websocket}
    DIRECT["on"] = direct
    if not direct:
        return

    def send_packet(eio_sid: str, pkt: Any) -> None:  # socketio.Server._send_packet, framed
        encoded = pkt.encode()
        target = framed_socket(eio_server, eio_sid) if isinstance(encoded, str) else None
        if target is not None:
            write_frame(*target, text_frame(("4" + encoded).encode("utf-8")))
        elif isinstance(encoded, list):
            for part in encoded:
                eio_server.send(eio_sid, part)
        else:
            eio_server.send(eio_sid, encoded)

    sio_server._send_packet = send_packet


class EncodeOnce:
    """The broadcast part shared by the in-process and the Redis manager."""

    server: Any

    def encoded_packet(self, event: str, data: Any, namespace: str) -> str | None:
        """The Socket.IO packet text of an event, or None when it is not a single text packet
        (binary attachments, a msgpack serializer): those take the library's own path."""
        args = list(data) if isinstance(data, tuple) else ([] if data is None else [data])
        pkt = self.server.packet_class(sio_packet.EVENT, namespace=namespace, data=[event] + args)
        encoded = pkt.encode()
        return encoded if isinstance(encoded, str) else None

    def deliver(self, namespace: str, room: Any, skip_sid: Any, text: str) -> int:
        """Send one encoded Socket.IO packet to this process's sockets in `room`; returns how many."""
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        eio = self.server.eio
        frame: bytes | None = None
        plain: eio_packet.Packet | None = None
        count = 0
        for sid, eio_sid in self.get_participants(namespace, room):  # type: ignore[attr-defined]
            if sid in skip:
                continue
            count += 1
            target = framed_socket(eio, eio_sid)
            if target is None:
                plain = plain or eio_packet.Packet(eio_packet.MESSAGE, text)
                self.server._send_eio_packet(eio_sid, plain)
                continue
            if frame is None:
                frame = text_frame(("4" + text).encode("utf-8"))
            write_frame(*target, frame)
        return count


class EncodeOnceManager(EncodeOnce, Manager):
    """The single-process manager (no message queue) with one encode per broadcast."""

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        room = to or room
        text = None if callback or namespace not in self.rooms else self.encoded_packet(event, data, namespace)
        if text is None:
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs)
        self.deliver(namespace, room, skip_sid, text)
        return None


class AfterPublishes:
    """Redis commands to run behind every message queued before them, in the same pipeline
    (a room lock's release: whoever takes the lock next publishes after this holder's broadcasts
    were published). `done` is set once Redis ran them (`ok`) or they were given up (None: nobody
    waits for them)."""

    __slots__ = ("add", "done", "ok")

    def __init__(self, add: Callable[[Any], None], done: Any = None) -> None:
        self.add, self.done, self.ok = add, done, False


def queue_publisher() -> EncodeOnceRedisManager | None:
    """This process's Socket.IO manager when it publishes through a queue (EncodeOnceRedisManager)."""
    manager = getattr(getattr(socketio, "server", None), "manager", None)
    return manager if isinstance(manager, EncodeOnceRedisManager) else None


class EncodeOnceRedisManager(EncodeOnce, RedisManager):
    """Redis manager: publishes a broadcast once, pre-encoded; delivers locally without re-encoding."""

    def emit(self, event, data, namespace=None, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        room = to or room
        namespace = namespace or "/"
        text = None if callback is not None or self.server is None else self.encoded_packet(event, data, namespace)
        if text is None or (room is not None and not isinstance(room, str | int)):
            return super().emit(event, data, namespace=namespace, room=room, skip_sid=skip_sid,
                                callback=callback, **kwargs)
        if kwargs.get("ignore_queue"):
            self.deliver(namespace, room, skip_sid, text)
            return None
        if namespace in self.rooms:
            self.deliver(namespace, room, skip_sid, text)
        route = {"ns": namespace, "room": room, "skip": skip_sid, "host": self.host_id}
        self._publish_text(FRAMED_PREFIX + json.dumps(route, separators=(",", ":")) + "\n" + text)
        return None

    # -- publishing: one queue, one publisher, a pipeline per turn ---------------------------
    # A PUBLISH was a Redis round trip made by the emitting greenlet: a send and a receive on
    # the Redis socket per broadcast, ~25 % of a process's busy CPU in the capacity mix with
    # two processes (tests/bench/README.md, issue 15). Now every message this process publishes
    # (its pre-encoded broadcasts and the library's own: callbacks, disconnects, room changes)
    # goes into one FIFO queue; one publisher task sends what has gathered as one pipeline and
    # reads the answers once. The order between messages is kept (one queue, one sender); the
    # emitting handler no longer waits on Redis.
    _outbox: Any = None
    dropped = 0  # messages not published (this process; /metrics: sharetube_broadcast_publish_dropped_total)

    def _publish(self, data: Any) -> None:
        """The library's messages (RedisManager._publish) join the same queue, in order."""
        self._publish_text(self.json.dumps(data))

    def _publish_text(self, message: str) -> None:
        if self.server is None:  # an emitter with no server of its own (no event loop to run a task)
            self._publish_batch([message])
            return
        outbox = self._outbox or self._start_publisher()
        if outbox.qsize() >= C.PUBLISH_BACKLOG_MAX:
            self._drop(1, "backlog_full")
            if self.dropped % 1000 == 1:  # a log line per thousand, not per message of a flood
                log.error("event=broadcast_backlog_full dropped=%s backlog=%s", self.dropped, outbox.qsize())
            return
        outbox.put(message)

    def run_after_publishes(self, add: Callable[[Any], None], timeout_s: float) -> bool:
        """Run `add(pipeline)`'s commands after every message this process has queued so far,
        in the publisher's pipeline, and wait until Redis ran them. False when they were not
        run that way (nothing to be behind — no publisher yet; Redis away; the wait timed out):
        the caller then runs them itself."""
        outbox = self._outbox
        if self.server is None or outbox is None or outbox.qsize() >= C.PUBLISH_BACKLOG_MAX:
            return False
        step = AfterPublishes(add, self.server.eio.create_event())
        outbox.put(step)
        return bool(step.done.wait(timeout_s)) and step.ok

    def queue_commands(self, add: Callable[[Any], None]) -> bool:
        """Queue `add(pipeline)`'s commands behind every message queued so far, without waiting for
        them (a room's next due time: services/due_board.py). False when there is no publisher yet
        or its backlog is full: the caller then runs them itself."""
        outbox = self._outbox
        if self.server is None or outbox is None or outbox.qsize() >= C.PUBLISH_BACKLOG_MAX:
            return False
        outbox.put(AfterPublishes(add))
        return True

    def _drop(self, count: int, reason: str) -> None:
        self.dropped += count
        PUBLISH_DROPPED.labels(reason).inc(count)

    def _start_publisher(self) -> Any:
        self._outbox = self.server.eio.create_queue()
        self.server.start_background_task(self._publisher, self._outbox)
        return self._outbox

    def _publisher(self, outbox: Any) -> None:
        empty = self.server.eio.get_queue_empty_exception()
        while True:
            batch = [outbox.get()]
            while len(batch) < C.PUBLISH_BATCH_MAX:
                try:
                    batch.append(outbox.get_nowait())
                except empty:
                    break
            self._publish_batch(batch)

    def _publish_batch(self, batch: list[Any]) -> None:
        """PUBLISH each message, in order, in one pipeline (with any AfterPublishes' commands in
        their place); as the library does for one message: on an error reconnect and try once
        more, then give up (logged, counted)."""
        steps = [item for item in batch if not isinstance(item, str)]
        try:
            for retries_left in (1, 0):
                try:
                    if not getattr(self, "connected", False):
                        self._redis_connect()
                    pipe = self.redis.pipeline(transaction=False)
                    for item in batch:
                        if isinstance(item, str):
                            pipe.publish(self.channel, item)
                        else:
                            item.add(pipe)
                    for result in pipe.execute(raise_on_error=False):
                        if isinstance(result, Exception):  # one command refused: the others ran (no retry)
                            log.error("event=broadcast_command_failed error=%s", result)
                    for step in steps:
                        step.ok = True
                    return
                except Exception as exc:  # noqa: BLE001 (as the library: log, retry once, give up)
                    self.connected = False
                    log.error("event=broadcast_publish_failed retrying=%s messages=%s error=%s",
                              bool(retries_left), len(batch), exc)
            self._drop(len(batch) - len(steps), "failed_twice")
        finally:
            for step in steps:
                if step.done is not None:
                    step.done.set()

    def _listen(self):
        prefix = FRAMED_PREFIX.encode()
        for message in super()._listen():
            if isinstance(message, bytes) and message.startswith(prefix):
                self._deliver_published(message[len(prefix):])
                continue
            yield message

    def _deliver_published(self, body: bytes) -> None:
        try:
            head, _, text = body.decode("utf-8").partition("\n")
            route = json.loads(head)
            if route.get("host") == self.host_id or route.get("ns") not in self.rooms:
                return
            self.deliver(route["ns"], route.get("room"), route.get("skip"), text)
        except Exception:  # one bad message must not stop the listener
            log.exception("event=broadcast_delivery_failed")
