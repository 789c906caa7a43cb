"""A local JSON API on loopback (a free port) for tests: the HTTP part of every upstream stub.

A subclass says what each `GET` answers (`answer(path) -> (status, body)`); this class serves
it from a thread, records every path asked (`requests`), holds each answer `delay_s` (timeouts)
and gives the base `url`. Used as a context manager: `with SomeStub() as api: ...`.
"""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class JsonApiStub:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.delay_s = 0.0
        self.padding_bytes = 0  # subclasses make answers this much larger (size caps)
        self.status: int | None = None  # subclasses answer this error instead, when set
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def answer(self, path: str) -> tuple[int, bytes]:
        raise NotImplementedError

    def start(self) -> Self:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                stub.requests.append(self.path)
                if stub.delay_s:
                    time.sleep(stub.delay_s)
                status, body = stub.answer(self.path)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
