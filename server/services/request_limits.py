"""Every request limit, on the `limits` package (the engine behind Flask-Limiter).

Storage: in memory on the embedded default (one process), in Redis when SOCKETIO_MESSAGE_QUEUE
is a Redis URL, so every process counts the same attempts. Socket events call `Limits.hit`;
HTTP routes use Flask-Limiter (`http_limit`) on the same storage URI and strategy. The rules
themselves live in `server.domain.constants` (one place for every threshold).

Per-IP limits can be lifted for requests from a loopback address with RATE_LIMIT_EXEMPT_LOOPBACK
(for benchmarks that run thousands of clients from 127.0.0.1); production refuses that setting.
"""
from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Callable, Mapping

from flask import current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from server.domain import constants as C
from server.errors import ApiError
from server.extensions import limiter
from server.services import window_store  # registers the sharetube-memory:// scheme

log = logging.getLogger("sharetube.limits")
STRATEGY = "moving-window"  # exact: a burst of N, then each slot frees N-period after it was used
KEY_PREFIX = "st-limits"
# Socket-event limits by name (HTTP routes name their rule at the route).
RULES: dict[str, str] = {
    "queue.add": C.QUEUE_ADD_LIMIT,  # a playlist counts as one
    "queue.playlist": C.QUEUE_PLAYLIST_LIMIT,
    "queue.shuffle": C.QUEUE_SHUFFLE_LIMIT,
    "queue.edit": C.QUEUE_EDIT_LIMIT,  # queue.remove, queue.move
    "room.command": C.ROOM_COMMAND_LIMIT,  # controls, queue.play and the player's reports
    "playlist.fetch": C.PLAYLIST_FETCH_LIMIT,
    "chat.send": C.CHAT_SEND_LIMIT,
    "chat.typing": C.CHAT_TYPING_LIMIT,
    "join.user": C.JOIN_USER_LIMIT,
    "join.ip": C.JOIN_IP_LIMIT,
    "pairing.create": C.PAIRING_CREATE_LIMIT,
    "room.bans": C.BANS_READ_LIMIT,
    "room.unban": C.UNBAN_LIMIT,
    "password.user_room": C.PASSWORD_USER_ROOM_LIMIT,
    "password.ip_room": C.PASSWORD_IP_ROOM_LIMIT,
    "password.ip": C.PASSWORD_IP_LIMIT,
    "password.set": C.PASSWORD_SET_LIMIT,
    "line.presence_user": C.PRESENCE_LINE_USER_LIMIT,
    "line.presence_room": C.PRESENCE_LINE_ROOM_LIMIT,
    "player.buffering": C.STALL_REPORT_LIMIT,  # stall claims that would hold the room
    "vote.skip": C.VOTE_SKIP_LIMIT,
    "vote.clear": C.VOTE_CLEAR_LIMIT,
    "reaction.user": C.REACTION_USER_LIMIT,
    "reaction.room": C.REACTION_ROOM_LIMIT,  # each reaction reaches every socket of the room
}


def storage_uri(message_queue: str | None) -> str:
    """Redis when the processes share one (the message queue), memory otherwise."""
    if message_queue and message_queue.startswith(("redis://", "rediss://")):
        return message_queue
    if message_queue and message_queue.startswith("unix://"):  # redis-py's socket form; `limits` spells it so
        return "redis+" + message_queue
    return f"{window_store.SCHEME}://"  # not limits' memory://: its 10 ms expiry thread (window_store.py)


class Limits:
    """Named rules ("queue.add" → "5 per 5 seconds"), each counted per key (user, IP, room…)."""

    def __init__(self, uri: str, rules: Mapping[str, str] = RULES) -> None:
        self.uri = uri
        self.storage = storage_from_string(uri, key_prefix=KEY_PREFIX) if uri.startswith("redis") \
            else storage_from_string(uri)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.rules: dict[str, list[RateLimitItem]] = {name: parse_many(rule) for name, rule in rules.items()}

    def hit(self, name: str, *key: object) -> int:
        """Count one request; 0 when allowed, else the milliseconds until one would be.

        Every item of the rule must allow it; a refused request is not counted against the
        items that did allow it (a flood cannot push its own release further away)."""
        items = self._items(name)
        ident = self._ident(key)
        try:
            if len(items) > 1:  # (one item: its hit is the test — a refused hit counts nothing)
                for item in items:
                    if not self.strategy.test(item, name, *ident):
                        return self.retry_after_ms(name, *key)
            for item in items:
                if not self.strategy.hit(item, name, *ident):
                    return self.retry_after_ms(name, *key)
        except Exception:  # the shared store is down: serve (unlimited) rather than refuse everyone
            log.warning("event=limits_store_error rule=%s", name, exc_info=True)
        return 0

    def retry_after_ms(self, name: str, *key: object) -> int:
        ident = self._ident(key)
        now = time.time()
        waits = [0.0]
        for item in self._items(name):
            stats = self.strategy.get_window_stats(item, name, *ident)
            if stats.remaining <= 0:
                waits.append(stats.reset_time - now)
        return max(0, math.ceil(max(waits) * 1000))

    def allow(self, name: str, *key: object) -> bool:
        """Count one request; True when it is within the limit (for quiet throttles)."""
        return self.hit(name, *key) == 0

    def check(self, name: str, *key: object, message: str) -> None:
        """Count one request or refuse it with `rate_limited` and the time to wait."""
        wait = self.hit(name, *key)
        if wait:
            # debug only: a flood of refusals must not become a flood of log lines
            log.debug("event=rate_limited rule=%s key=%s retry_ms=%s", name, _brief(key), wait)
            raise ApiError("rate_limited", message, retry_after_ms=max(1, wait))

    def reset(self) -> None:
        self.storage.reset()

    def _items(self, name: str) -> list[RateLimitItem]:
        try:
            return self.rules[name]
        except KeyError:
            raise KeyError(f"no limit named {name!r}") from None

    @staticmethod
    def _ident(key: tuple[object, ...]) -> tuple[str, ...]:
        return tuple(str(part) for part in key)


def _brief(key: tuple[object, ...]) -> str:
    return ":".join(str(part) for part in key)[:80]


# -- client addresses --------------------------------------------------------------------------
def client_ip(environ: Mapping[str, object], trusted_proxies: int) -> str:
    """The client's address: nginx's X-Real-IP when the peer is a local proxy, the n-th address
    from the right of X-Forwarded-For behind TRUSTED_PROXIES proxies, else the peer itself.

    Socket events see the connect request's environ as Engine.IO got it (before ProxyFix), HTTP
    routes after it; both resolve to the same address."""
    peer = str(environ.get("REMOTE_ADDR") or "?")
    if "werkzeug.proxy_fix.orig" in environ:
        return peer  # ProxyFix already resolved it
    if trusted_proxies > 0:
        hops = [h.strip() for h in str(environ.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies][:64]
    real = str(environ.get("HTTP_X_REAL_IP") or "").strip()
    if real and is_loopback(peer):
        return real[:64]
    return peer


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return address == "localhost"


def ip_exempt(ip: str) -> bool:
    """Per-IP limits do not apply: RATE_LIMIT_EXEMPT_LOOPBACK and a loopback client."""
    return bool(current_app.config["ST"].RATE_LIMIT_EXEMPT_LOOPBACK) and is_loopback(ip)


def current_limits() -> Limits:
    return current_app.extensions["sharetube"].limits


def request_ip() -> str:
    return client_ip(request.environ, current_app.config["ST"].TRUSTED_PROXIES)


# -- HTTP routes (Flask-Limiter) ---------------------------------------------------------------
def http_limit(rule: str) -> Callable:
    """Decorate a route with a per-IP limit (429 + Retry-After beyond it)."""
    return limiter.limit(rule, key_func=request_ip, exempt_when=lambda: ip_exempt(request_ip()))


def flask_limiter_settings(uri: str) -> dict:
    return {"RATELIMIT_STORAGE_URI": uri, "RATELIMIT_STRATEGY": STRATEGY, "RATELIMIT_HEADERS_ENABLED": True,
            "RATELIMIT_KEY_PREFIX": KEY_PREFIX + "-http", "RATELIMIT_SWALLOW_ERRORS": True}
