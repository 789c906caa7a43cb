"""The rate limits' in-process storage (server/services/window_store.py): exact moving windows,
expired when read, idle keys swept at most every SWEEP_EVERY_S — and no timer thread (limits'
memory:// walked every key every 10 ms: half a busy server's CPU at 1,000 clients)."""
from __future__ import annotations

import threading

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from server.services.request_limits import Limits
from server.services.window_store import SWEEP_EVERY_S, LazyWindowStorage


class Clock:
    def __init__(self, t: float = 1_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_a_moving_window_refuses_beyond_its_limit_and_frees_each_slot_one_period_after_it_was_used():
    clock = Clock()
    store = LazyWindowStorage(clock=clock)
    limiter = MovingWindowRateLimiter(store)
    rule = parse("3 per 10 seconds")
    for step in (0.0, 1.0, 2.0):
        clock.t = 1_000 + step
        assert limiter.hit(rule, "u1")
    clock.t = 1_005
    assert not limiter.hit(rule, "u1"), "a fourth within ten seconds"
    assert limiter.hit(rule, "u2"), "another key has its own window"
    stats = limiter.get_window_stats(rule, "u1")
    assert stats.remaining == 0 and stats.reset_time == 1_010.0, "the first slot frees at 1000 + 10"
    clock.t = 1_010.001
    assert limiter.hit(rule, "u1"), "the first slot is free again"
    assert not limiter.hit(rule, "u1"), "only that one"
    clock.t = 1_011.001
    assert limiter.hit(rule, "u1")


def test_a_cost_larger_than_the_limit_is_refused_and_reset_clears_everything():
    store = LazyWindowStorage(clock=Clock())
    assert not store.acquire_entry("k", limit=2, expiry=5, amount=3)
    assert store.acquire_entry("k", limit=2, expiry=5, amount=2)
    assert store.get_moving_window("k", 2, 5)[1] == 2
    assert store.incr("c", 10) == 1 and store.incr("c", 10) == 2 and store.get("c") == 2
    assert store.reset() == 2 and store.keys_held() == 0


def test_idle_keys_are_swept_on_a_later_use_not_by_a_thread():
    clock = Clock()
    threads_before = {t.ident for t in threading.enumerate()}
    store = LazyWindowStorage(clock=clock)
    for user in range(500):
        assert store.acquire_entry(f"chat/u{user}", limit=5, expiry=5)
    assert {t.ident for t in threading.enumerate()} == threads_before, "no timer thread"
    assert store.keys_held() == 500
    clock.t += 6  # every window is empty now, but nothing ran: nothing is walked until a use
    assert store.keys_held() == 500
    clock.t += SWEEP_EVERY_S
    assert store.acquire_entry("chat/u-new", limit=5, expiry=5)
    assert store.keys_held() == 1, "the use after the sweep period dropped the 500 idle keys"
    assert store.acquire_entry("chat/u-new", limit=5, expiry=5)  # a kept key keeps counting
    assert store.get_moving_window("chat/u-new", 5, 5)[1] == 2


def test_the_service_and_flask_limiter_use_it_without_redis(make_app):
    assert isinstance(storage_from_string("sharetube-memory://"), LazyWindowStorage)
    app = make_app()
    assert isinstance(app.extensions["sharetube"].limits.storage, LazyWindowStorage)
    from server.extensions import limiter
    with app.app_context():
        assert isinstance(limiter.storage, LazyWindowStorage), "the HTTP routes' limits too"
    limits = Limits("sharetube-memory://", {"x": "2 per 1 second"})
    assert limits.hit("x", 1) == 0 and limits.hit("x", 1) == 0 and limits.hit("x", 1) > 0
