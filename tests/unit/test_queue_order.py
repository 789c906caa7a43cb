"""Drag-and-drop order, renumbering, what plays next, and the 500-entry limit."""

from __future__ import annotations

import pytest

from server.domain.queue_order import (
    MAX_QUEUED,
    UnknownEntry,
    can_add,
    changed_positions,
    free_slots,
    move,
    next_entry,
    remove,
    renumber,
)

ORDER = [10, 20, 30, 40]


@pytest.mark.parametrize(
    ("entry_id", "to_index", "expected"),
    [
        (30, 0, [30, 10, 20, 40]),  # to the top
        (10, 3, [20, 30, 40, 10]),  # to the bottom
        (10, 1, [20, 10, 30, 40]),  # one down
        (40, 2, [10, 20, 40, 30]),  # one up
        (20, 1, [10, 20, 30, 40]),  # onto itself
        (20, 99, [10, 30, 40, 20]),  # clamped to the end
        (30, -5, [30, 10, 20, 40]),  # clamped to the start
    ],
)
def test_move_puts_the_entry_where_it_was_dropped(
    entry_id: int, to_index: int, expected: list[int]
) -> None:
    assert move(ORDER, entry_id, to_index) == expected
    assert ORDER == [10, 20, 30, 40]  # the input is never changed


def test_move_in_a_queue_of_one() -> None:
    assert move([7], 7, 5) == [7]


def test_moving_an_unknown_entry_is_refused() -> None:
    with pytest.raises(UnknownEntry) as refused:
        move(ORDER, 99, 0)
    assert refused.value.entry_id == 99
    with pytest.raises(UnknownEntry):
        move([], 1, 0)


@pytest.mark.parametrize("to_index", [True, 1.5, "2", None])
def test_move_needs_a_whole_index(to_index: object) -> None:
    with pytest.raises(TypeError):
        move(ORDER, 10, to_index)  # type: ignore[arg-type]


def test_remove_keeps_the_rest_in_order() -> None:
    assert remove(ORDER, 20) == [10, 30, 40]
    with pytest.raises(UnknownEntry):
        remove(ORDER, 99)


def test_renumber_gives_dense_zero_based_positions() -> None:
    assert renumber([30, 10, 20]) == {30: 0, 10: 1, 20: 2}
    assert renumber([]) == {}
    with pytest.raises(ValueError):
        renumber([1, 2, 1])


def test_only_entries_that_moved_need_writing() -> None:
    assert changed_positions(ORDER, move(ORDER, 40, 2)) == {40: 2, 30: 3}
    assert changed_positions(ORDER, ORDER) == {}
    assert changed_positions(ORDER, remove(ORDER, 10)) == {20: 0, 30: 1, 40: 2}
    assert changed_positions(ORDER, [*ORDER, 50]) == {50: 4}


def test_next_entry() -> None:
    assert next_entry(ORDER) == 10
    assert next_entry(ORDER, 20) == 30
    assert next_entry(ORDER, 40) is None  # the end of the queue
    assert next_entry(ORDER, 99) == 10  # current is not queued (already played)
    assert next_entry([]) is None
    assert next_entry([], 5) is None


def test_the_queue_holds_at_most_five_hundred() -> None:
    assert MAX_QUEUED == 500
    assert can_add(0)
    assert can_add(499)
    assert not can_add(500)
    assert can_add(495, adding=5)
    assert not can_add(496, adding=5)
    assert not can_add(0, adding=-1)
    assert free_slots(497) == 3
    assert free_slots(500) == 0
    assert free_slots(600) == 0
