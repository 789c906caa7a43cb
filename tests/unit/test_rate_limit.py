"""Duplicate collapse (the one hand-written limit left), with explicit clocks."""

from __future__ import annotations

from server.domain.rate_limit import DuplicateWindow

T0 = 1_700_000_000_000  # server epoch ms


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
