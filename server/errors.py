"""One error shape for REST answers and socket acks (PROTOCOL.md "Requests and acks")."""
from __future__ import annotations

import time

from flask import jsonify

from server.extensions import limiter

ERROR_CODES = ("unauthorized", "forbidden", "not_found", "invalid", "rate_limited", "conflict",
               "unavailable", "internal")
HTTP_STATUS = {"unauthorized": 401, "forbidden": 403, "not_found": 404, "invalid": 400,
               "rate_limited": 429, "conflict": 409, "unavailable": 503, "internal": 500}


class ApiError(Exception):
    """A refusal that goes back to the one who asked, never to anyone else."""

    def __init__(self, code: str, message: str, **extra: object) -> None:
        assert code in ERROR_CODES, code
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    def ack(self) -> dict:
        return {"ok": False, "error": self.code, "message": self.message, **self.extra}

    def response(self):
        return jsonify(self.ack()), HTTP_STATUS[self.code]


def invalid(message: str) -> ApiError:
    return ApiError("invalid", message)


def forbidden(message: str) -> ApiError:
    return ApiError("forbidden", message)


def not_found(message: str) -> ApiError:
    return ApiError("not_found", message)


def conflict(message: str) -> ApiError:
    return ApiError("conflict", message)


def retry_after_body() -> dict:
    """For a route over its Flask-Limiter limit: the wait in the one ack shape (retry_after_ms);
    the Retry-After header itself is added by Flask-Limiter."""
    current = limiter.current_limit
    if current is None:
        return {}
    return {"message": "Too many requests from your address; wait a moment",
            "retry_after_ms": max(1, int((current.reset_at - time.time()) * 1000))}


def register_error_handlers(app) -> None:
    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        return err.response()

    for status, code in ((400, "invalid"), (404, "not_found"), (405, "invalid"), (413, "invalid"),
                         (429, "rate_limited"), (500, "internal")):
        def make(c: str, s: int):
            def _h(err):
                msg = getattr(err, "description", None) or c.replace("_", " ")
                if s == 500:
                    msg = "Internal error"
                body = {"ok": False, "error": c, "message": msg}
                if s == 429:
                    body.update(retry_after_body())
                return jsonify(body), s
            return _h
        app.register_error_handler(status, make(code, status))
