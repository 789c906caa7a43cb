"""Bursts, refill timing, typing throttle and duplicate collapse, with explicit clocks."""

from __future__ import annotations

import pytest

from server.domain.rate_limit import (
    CHAT_SEND,
    QUEUE_ADD,
    DuplicateWindow,
    RateLimiter,
    RateRule,
    Throttle,
    TokenBucket,
)

T0 = 1_700_000_000_000  # server epoch ms


def test_a_burst_of_five_then_one_per_second() -> None:
    bucket = TokenBucket(capacity=5, refill_per_s=1.0)
    assert [bucket.take(T0) for _ in range(6)] == [True] * 5 + [False]
    assert bucket.retry_after_ms(T0) == 1000
    assert bucket.take(T0 + 999) is False
    assert bucket.retry_after_ms(T0 + 999) == 1
    assert bucket.take(T0 + 1000) is True
    assert bucket.take(T0 + 1000) is False
    assert bucket.take(T0 + 2000) is True


def test_a_refused_request_costs_nothing() -> None:
    bucket = TokenBucket(capacity=2, refill_per_s=1.0)
    assert bucket.take(T0) and bucket.take(T0)
    for offset in range(0, 1000, 100):
        assert bucket.take(T0 + offset) is False
    assert bucket.take(T0 + 1000) is True


def test_refill_never_exceeds_the_burst() -> None:
    bucket = TokenBucket(capacity=5, refill_per_s=1.0)
    bucket.take(T0)
    assert bucket.tokens(T0 + 3_600_000) == 5
    assert [bucket.take(T0 + 3_600_000) for _ in range(6)] == [True] * 5 + [False]


def test_fractional_rates_add_up_exactly() -> None:
    bucket = TokenBucket(capacity=1, refill_per_s=1 / 3)
    assert bucket.take(T0)
    assert bucket.retry_after_ms(T0) == 3000
    assert bucket.take(T0 + 2999) is False
    assert bucket.take(T0 + 3000) is True


def test_a_clock_stepping_back_neither_refills_nor_locks_out() -> None:
    bucket = TokenBucket(capacity=1, refill_per_s=1.0)
    assert bucket.take(T0)
    assert bucket.take(T0 - 60_000) is False  # no refill from going back
    assert bucket.take(T0 - 59_000) is True  # one second after the step


def test_retry_after_is_zero_when_allowed() -> None:
    assert TokenBucket().retry_after_ms(T0) == 0


@pytest.mark.parametrize(("capacity", "rate"), [(0, 1.0), (5, 0), (-1, 1.0)])
def test_nonsense_buckets_are_refused(capacity: float, rate: float) -> None:
    with pytest.raises(ValueError):
        TokenBucket(capacity, rate)


def test_limiter_keys_users_and_kinds_apart() -> None:
    limiter = RateLimiter()
    assert all(limiter.take("u1", CHAT_SEND, T0) for _ in range(5))
    assert limiter.take("u1", CHAT_SEND, T0) is False
    assert limiter.retry_after_ms("u1", CHAT_SEND, T0) == 1000
    # another user, and the same user's queue adds, are untouched
    assert all(limiter.take("u2", CHAT_SEND, T0) for _ in range(5))
    assert all(limiter.take("u1", QUEUE_ADD, T0) for _ in range(5))
    assert limiter.take("u1", QUEUE_ADD, T0) is False
    assert limiter.retry_after_ms("u3", QUEUE_ADD, T0) == 0


def test_a_flood_from_one_user_never_slows_another() -> None:
    limiter = RateLimiter()
    refused = sum(not limiter.take("flooder", CHAT_SEND, T0 + i) for i in range(10_000))
    assert refused > 9_900
    assert limiter.take("calm", CHAT_SEND, T0 + 10_000) is True


def test_limiter_refuses_an_unknown_kind() -> None:
    with pytest.raises(KeyError):
        RateLimiter().take("u1", "queue.nuke", T0)
    with pytest.raises(KeyError):
        RateLimiter().retry_after_ms("u1", "queue.nuke", T0)


def test_idle_keys_are_pruned_and_busy_ones_kept() -> None:
    limiter = RateLimiter({"x": RateRule(2, 1.0)}, prune_every_ms=10**9)
    limiter.take("idle", "x", T0)
    limiter.take("busy", "x", T0 + 4_000)
    limiter.take("busy", "x", T0 + 4_000)
    assert limiter.prune(T0 + 4_500) == 1  # "idle" refilled long ago
    assert len(limiter) == 1
    assert limiter.take("busy", "x", T0 + 4_500) is False  # its state survived


def test_memory_stays_bounded_under_many_users() -> None:
    limiter = RateLimiter({"x": RateRule(5, 1.0)}, max_keys=100, prune_every_ms=1_000)
    for user in range(1_000):
        limiter.take(user, "x", T0)
    assert len(limiter) == 100
    limiter.take("late", "x", T0 + 10_000)  # a periodic sweep drops the refilled keys
    assert len(limiter) == 1


def test_typing_is_throttled_to_once_per_interval_per_user() -> None:
    throttle = Throttle(interval_ms=2_000)
    assert throttle.allow("u1", T0) is True
    assert throttle.allow("u1", T0 + 1_999) is False
    assert throttle.allow("u2", T0 + 1) is True
    assert throttle.allow("u1", T0 + 2_000) is True
    assert throttle.allow("u1", T0 + 3_000) is False  # measured from the last allowed one


def test_throttle_survives_a_clock_step_back_and_prunes() -> None:
    throttle = Throttle(interval_ms=2_000, prune_every_ms=10**9)
    assert throttle.allow("u1", T0)
    assert throttle.allow("u1", T0 - 3_600_000) is True
    throttle.allow("u2", T0)
    assert throttle.prune(T0 + 5_000) == 2
    assert len(throttle) == 0


def test_duplicate_adds_within_the_window_collapse() -> None:
    window: DuplicateWindow[int] = DuplicateWindow(window_ms=5_000)
    key = ("ab12", 7, "dQw4w9WgXcQ")
    assert window.seen(key, T0) is False
    assert window.seen(key, T0 + 4_999) is True
    assert window.seen(("ab12", 8, "dQw4w9WgXcQ"), T0) is False  # another user
    assert window.seen(("cd34", 7, "dQw4w9WgXcQ"), T0) is False  # another room
    assert window.seen(key, T0 + 5_000) is False  # window over: a real new add
    assert window.seen(key, T0 + 9_999) is True


def test_a_duplicate_can_answer_with_the_first_entry() -> None:
    window: DuplicateWindow[int] = DuplicateWindow(window_ms=5_000)
    key = ("ab12", 7, "dQw4w9WgXcQ")
    assert window.recall(key, T0) is None
    window.remember(key, T0, 41)
    assert window.recall(key, T0 + 4_000) == 41
    window.remember(key, T0 + 4_000, 42)  # does not extend the window
    assert window.recall(key, T0 + 4_999) == 42
    assert window.recall(key, T0 + 5_000) is None


def test_a_failed_first_add_can_be_forgotten() -> None:
    window: DuplicateWindow[int] = DuplicateWindow()
    key = ("ab12", 7, "dQw4w9WgXcQ")
    window.seen(key, T0)
    window.forget(key)
    assert window.seen(key, T0 + 1) is False


def test_duplicate_window_memory_is_bounded() -> None:
    window: DuplicateWindow[int] = DuplicateWindow(window_ms=5_000, max_keys=50)
    for n in range(500):
        window.seen(("room", n, "dQw4w9WgXcQ"), T0)
    assert len(window) == 50
    assert window.prune(T0 + 5_000) == 50
