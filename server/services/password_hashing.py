"""Room password hashes, computed off the event loop.

A werkzeug scrypt hash costs ~90 ms of CPU. Run on the gevent loop, every wrong-password join
froze every room of the process for that long; in gevent's threadpool (a real OS thread:
hashlib's scrypt releases the GIL) the loop keeps serving other sockets meanwhile. Outside gevent
(tests in threading mode, CLI) the call simply runs in the caller's thread.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from werkzeug.security import check_password_hash, generate_password_hash

T = TypeVar("T")


def _gevent_patched() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return False
    return monkey.is_module_patched("threading")


def off_loop(fn: Callable[..., T], *args: object) -> T:
    """Run a CPU-bound call in gevent's threadpool when on the gevent loop, else inline."""
    if _gevent_patched():
        import gevent
        return gevent.get_hub().threadpool.apply(fn, args)
    return fn(*args)


def check_password(password_hash: str, password: str) -> bool:
    return bool(off_loop(check_password_hash, password_hash, password))


def hash_password(password: str) -> str:
    return off_loop(generate_password_hash, password)
