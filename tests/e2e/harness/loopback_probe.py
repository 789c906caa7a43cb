"""A permissive server on loopback that records who reached it: plain HTTP and a WebSocket.

It stands in for "a ShareTube server on the user's machine" when a test needs to show what
Chrome's Local Network Access rules let through. It answers every CORS and private/local
network preflight with "yes", so a failure seen by a browser is the browser's own decision.
Routes: GET /ping → "pong" (JSON), GET /ws → WebSocket handshake, then echoes text frames.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class _ProbeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 15

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _record(self) -> None:
        probe: LoopbackProbe = self.server.probe  # type: ignore[attr-defined]
        with probe.lock:
            probe.hits.append((self.command, self.path, self.headers.get("Origin")))

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
        self.send_header("Access-Control-Allow-Credentials", "true")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Access-Control-Allow-Local-Network", "true")

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._record()
        self.send_response(204)
        self._cors()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        self._record()
        if self.path.startswith("/ws") and self.headers.get("Upgrade", "").lower() == "websocket":
            return self._websocket()
        body = b'{"pong":true}'
        self.send_response(200)
        self._cors()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _websocket(self) -> None:
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        probe: LoopbackProbe = self.server.probe  # type: ignore[attr-defined]
        with probe.lock:
            probe.websocket_opened += 1
        self.close_connection = True
        try:
            while True:
                opcode, payload = _read_frame(self.rfile)
                if opcode == 0x8:  # close
                    return
                if opcode == 0x1:
                    self.wfile.write(_text_frame(payload))
                    self.wfile.flush()
        except (OSError, ValueError):
            return


def _read_frame(stream: Any) -> tuple[int, bytes]:
    head = stream.read(2)
    if len(head) < 2:
        raise ValueError("closed")
    opcode = head[0] & 0x0F
    length = head[1] & 0x7F
    if length == 126:
        length = struct.unpack("!H", stream.read(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", stream.read(8))[0]
    mask = stream.read(4) if head[1] & 0x80 else b"\0\0\0\0"
    data = stream.read(length)
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def _text_frame(payload: bytes) -> bytes:
    if len(payload) < 126:
        return bytes([0x81, len(payload)]) + payload
    return bytes([0x81, 126]) + struct.pack("!H", len(payload)) + payload


class LoopbackProbe:
    """Start with `with LoopbackProbe() as probe:`; `probe.port`, `probe.hits`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: list[tuple[str, str, str | None]] = []
        self.websocket_opened = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _ProbeHandler)
        self._server.daemon_threads = True
        self._server.probe = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.2}, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hits_for(self, path_prefix: str) -> list[tuple[str, str, str | None]]:
        with self.lock:
            return [hit for hit in self.hits if hit[1].startswith(path_prefix)]

    def __enter__(self) -> LoopbackProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
