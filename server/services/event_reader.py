"""The room namespace's own reader for its events (SOCKETIO_FAST_EVENTS, on by default; issue 15).

Every event a client sends (`42<ack id>["name", data]`) otherwise goes: Engine.IO's packet
decode, `Socket.receive` (a log call), Engine.IO's event trigger, Socket.IO's packet decode, its
dispatch (namespace and handler look-ups, a catch-all check), then the ack as a Socket.IO packet,
encoded, wrapped in an Engine.IO packet and handed to the socket's queue. py-spy put that path at
about a quarter of a process's busy samples in the capacity mix.

Here the socket's FramedWebSocket hands each text frame it reads to `EventReader.take` first. A
frame it recognises (an event of the default namespace, ids of at most 15 digits, a JSON array
whose first item names one of our room events, from a socket connected to the namespace) is
decoded once and handed to the event's handler, on the reader greenlet for the handlers that never
wait and on a greenlet of its own for the others, exactly as the library would; its ack is written
as one websocket frame. Anything else (pings and pongs, connect and disconnect packets, other
namespaces, unknown names, binary packets and their attachments) is returned to Engine.IO and
takes the library's path unchanged, errors included. The result on the wire is the same bytes
the library would send, with one deliberate difference: an event frame whose JSON does not parse
gets an `invalid` ack (when it carries an ack id) instead of no answer and a logged traceback.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from socketio import packet as sio_packet

from server.services import prom
from server.services.broadcast import framed_socket, text_frame, write_frame

NAMESPACE = "/"
MAX_ID_DIGITS = 15  # the library reads up to 100; a longer id takes its path
MALFORMED = {"ok": False, "error": "invalid", "message": "The event is not valid JSON"}


class EventReader:
    """Decodes and dispatches one server's room events ahead of Engine.IO and Socket.IO."""

    __slots__ = ("server", "handlers", "inline", "max_size", "loads", "dumps")

    def __init__(self, server: Any, handlers: dict[str, Callable[..., Any]], inline: frozenset[str]) -> None:
        self.server = server
        self.handlers = handlers  # event name -> dispatch(sid, *args), as bound on the server
        self.inline = inline  # run on the reader greenlet (on_event's `inline`)
        self.max_size = server.eio.max_http_buffer_size
        json = server.packet_class.json
        self.loads, self.dumps = json.loads, json.dumps

    def take(self, eio_socket: Any, text: str) -> bool:
        """Handle `text` (a text frame read from `eio_socket`'s websocket) if it is one of our
        events; False hands it back to Engine.IO untouched."""
        if not text.startswith("42") or len(text) > self.max_size:
            return False
        end = len(text)
        i = 2
        digits_end = min(end, 2 + MAX_ID_DIGITS + 1)  # a frame of 64 KiB of digits is not a loop of 64 K steps
        while i < digits_end and "0" <= text[i] <= "9":
            i += 1
        if i == end or text[i] != "[" or i - 2 > MAX_ID_DIGITS:
            return False  # no array, or an id longer than MAX_ID_DIGITS: the library's path
        ack_id = int(text[2:i]) if i > 2 else None
        try:
            args = self.loads(text[i:])
        except ValueError:
            return self._malformed(eio_socket, ack_id)
        if type(args) is not list or not args:
            return False
        name = args[0]
        handler = self.handlers.get(name) if type(name) is str else None
        if handler is None:
            return False
        eio_sid = eio_socket.sid
        sid = self._connected_sid(eio_sid)
        if sid is None:
            return False  # the library's path: an attachment it waits for, or a drop with its log line
        if name in self.inline:
            self.run(handler, sid, eio_sid, args, ack_id)
        else:
            self.server.start_background_task(self.run, handler, sid, eio_sid, args, ack_id)
        return True

    def _connected_sid(self, eio_sid: str) -> str | None:
        """The socket's sid in the room namespace, when the reader may handle its frame."""
        server = self.server
        if eio_sid in server._binary_packet:  # the library reads this frame as an attachment
            return None
        sid = server.manager.sid_from_eio_sid(eio_sid, NAMESPACE)
        return sid if sid is not None and server.manager.is_connected(sid, NAMESPACE) else None

    def _malformed(self, eio_socket: Any, ack_id: int | None) -> bool:
        """An event frame whose JSON does not parse. The library logs a traceback and answers
        nothing, so the sender's ack waits for its timeout (and a hostile client can fill the log);
        here the sender gets an `invalid` ack when it asked for one, and the refusal is counted."""
        if self._connected_sid(eio_socket.sid) is None:
            return False
        prom.ERRORS.labels("invalid").inc()
        if ack_id is not None:
            self._ack(eio_socket.sid, ack_id, [MALFORMED])
        return True

    def run(self, handler: Callable[..., Any], sid: str, eio_sid: str, args: list, ack_id: int | None) -> None:
        result = handler(sid, *args[1:])
        if ack_id is None:
            return
        # as Socket.IO's _handle_event_internal: a tuple is several arguments, None none
        self._ack(eio_sid, ack_id, [] if result is None else list(result) if isinstance(result, tuple) else [result])

    def _ack(self, eio_sid: str, ack_id: int, data: list) -> None:
        target = framed_socket(self.server.eio, eio_sid)
        if target is None:  # closed meanwhile, or not a FramedWebSocket: the library's send
            self.server._send_packet(eio_sid, self.server.packet_class(
                sio_packet.ACK, namespace=NAMESPACE, id=ack_id, data=data))
            return
        payload = "43" + str(ack_id) + self.dumps(data, separators=(",", ":"))
        write_frame(*target, text_frame(payload.encode("utf-8")))


def install(server: Any, handlers: dict[str, Callable[..., Any]], inline: frozenset[str]) -> EventReader:
    """Put a reader on `server`'s Engine.IO server; its FramedWebSockets find it there."""
    reader = EventReader(server, handlers, inline)
    server.eio.st_events = reader
    return reader
