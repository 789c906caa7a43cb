"""Background slots: a task runs in exactly one place at a time, and somewhere always.

With Redis a slot is a lease: `SET key owner NX PX lease`, renewed while held (a compare-and-
renew script, so only the holder renews), taken over by another worker once it lapses — so a
killed holder hands its tasks over within one lease. Without Redis it is an exclusive file
lock in BACKGROUND_TASK_LOCK_DIR, which the kernel releases when the holder dies.
"""
from __future__ import annotations

import fcntl
import os
import socket
import uuid
from pathlib import Path

RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
         "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end")
RELEASE = """if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"""


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class RedisLease:
    def __init__(self, client, name: str, lease_s: float, owner: str | None = None) -> None:
        self.r = client
        self.key = f"st:slot:{name}"
        self.lease_ms = int(lease_s * 1000)
        self.owner = owner or owner_id()
        self.held = False

    def acquire(self) -> bool:
        self.held = bool(self.r.set(self.key, self.owner, nx=True, px=self.lease_ms))
        return self.held

    def renew(self) -> bool:
        self.held = bool(self.r.eval(RENEW, 1, self.key, self.owner, self.lease_ms))
        return self.held

    def release(self) -> None:
        try:
            self.r.eval(RELEASE, 1, self.key, self.owner)
        finally:
            self.held = False

    def holder(self) -> str | None:
        value = self.r.get(self.key)
        return value.decode() if isinstance(value, bytes) else value


class FileLease:
    def __init__(self, lock_dir: str, name: str) -> None:
        Path(lock_dir).mkdir(parents=True, exist_ok=True)
        self.path = Path(lock_dir) / f"{name}.lock"
        self._fd: int | None = None
        self.held = False

    def acquire(self) -> bool:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.held = False
            return False
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())
        self.held = True
        return True

    def renew(self) -> bool:
        return self.held

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None
        self.held = False
