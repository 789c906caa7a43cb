"""The due board in one process (services/due_board.py): which rooms' clocks are due, without a query."""
from __future__ import annotations

from server.services.due_board import LocalDueBoard


def test_due_gives_the_rooms_whose_time_passed_earliest_first_and_keeps_them_until_noted_again():
    board = LocalDueBoard()
    board.note("B", 200)
    board.note("A", 100)
    board.note("C", 300)
    assert board.due(99, 10) == []
    assert board.due(250, 10) == ["A", "B"]
    assert board.due(250, 10) == ["A", "B"], "a due room stays due until its tick notes a new time"
    board.note("A", 400)
    board.note("B", None)
    assert board.due(350, 10) == ["C"]
    assert board.entries() == {"A": 400, "C": 300}


def test_a_run_takes_at_most_its_limit_and_the_rest_stay_due():
    board = LocalDueBoard()
    for i in range(5):
        board.note(f"R{i}", 100 + i)
    assert board.due(1000, 2) == ["R0", "R1"]
    board.note("R0", None)
    board.note("R1", None)
    assert board.due(1000, 2) == ["R2", "R3"]


def test_the_earliest_time_is_kept_so_a_quiet_tick_is_one_comparison():
    board = LocalDueBoard()
    board.note("A", 500)
    assert board.due(100, 10) == []
    board.note("B", 150)  # an earlier time noted later still counts
    assert board.due(160, 10) == ["B"]
    board.note("B", None)
    assert board.due(170, 10) == [] and board.due(500, 10) == ["A"]


def test_note_earlier_adds_and_moves_times_earlier_but_never_later():
    board = LocalDueBoard()
    board.note("A", 100)
    board.note("B", 500)
    board.note_earlier({"A": 300, "B": 200, "C": 400})
    assert board.entries() == {"A": 100, "B": 200, "C": 400}
