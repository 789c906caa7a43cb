"""`tests.bench.profiling --diff`: what one run's recordings spent beyond another's, by function —
the bench README's itemization of what a second process costs is read from it."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.profiling import PARTS, busy_by_function, categorize, diff, main, parts_per_ack, write_run

HUB = "run (gevent/hub.py:1);Hub.run (gevent/hub.py:2)"


def write(folder: Path, name: str, stacks: dict[str, int]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("".join(f"{stack} {n}\n" for stack, n in stacks.items()))


def test_diff_sums_every_process_and_ranks_what_the_run_added(tmp_path, capsys) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    write(one, "worker-1.txt", {"loop (a.py:1);handle (server/x.py:3)": 10, HUB: 500})
    write(two, "worker-2.txt", {"loop (a.py:1);handle (server/x.py:3)": 6,
                                "loop (a.py:1);listen (server/b.py:9);parse (redis/p.py:4)": 7})
    write(two, "worker-3.txt", {"loop (a.py:1);handle (server/x.py:3)": 5, HUB: 400})
    counts, total = busy_by_function(two)
    assert total == 18 and counts["loop (a.py)"] == 18  # idle (the hub) is not busy
    lines = diff(two, one).splitlines()
    assert lines[0].endswith("(+8)")
    rows = [line.split(" | ") for line in lines[2:]]
    assert [r[3] for r in rows[:3]] == ["loop (a.py)", "listen (server/b.py)", "parse (redis/p.py)"]
    assert [int(r[0]) for r in rows[:3]] == [8, 7, 7]
    assert any(r[3] == "handle (server/x.py)" and int(r[0]) == 1 for r in rows)
    assert main([str(two), "--diff", str(one), "--match", "redis/"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and out[2].endswith("parse (redis/p.py)")


def test_per_ack_diff_divides_each_run_by_its_own_acks(tmp_path, capsys) -> None:
    """Runs at different loads: the half-load run has fewer samples but more per ack, and the
    per-ack diff says so (raw samples would rank it below the full-load run)."""
    half, full = tmp_path / "half", tmp_path / "full"
    write(half, "worker-1.txt", {"loop (a.py:1);fold (server/f.py:2)": 30, "loop (a.py:1);send (gevent/s.py:3)": 70,
                                 HUB: 900})
    write(full, "worker-2.txt", {"loop (a.py:1);fold (server/f.py:2)": 40, "loop (a.py:1);send (gevent/s.py:3)": 140,
                                 HUB: 800})
    write_run(half, 1000, 30.0)
    write_run(full, 2000, 30.0)
    lines = diff(half, full, per_ack=True).splitlines()
    # 100 samples × 5,000 µs / 1,000 acks = 500 µs per ack; 180 × 5,000 / 2,000 = 450
    assert " 500.0, " in lines[0] and lines[0].endswith("450.0 (× 1.11)")
    rows = {r[3]: (float(r[0]), float(r[1]), float(r[2])) for r in (line.split(" | ") for line in lines[2:])}
    assert rows["fold (server/f.py)"] == (50.0, 150.0, 100.0)  # 30×5000/1000 against 40×5000/2000
    assert rows["send (gevent/s.py)"] == (0.0, 350.0, 350.0)   # the same per ack at both loads
    assert lines[2].endswith("fold (server/f.py)")  # ranked by what the run added per ack, not by raw samples
    assert main([str(half), "--diff", str(full), "--per-ack", "--match", "server/"]) == 0
    assert capsys.readouterr().out.splitlines()[2].endswith("fold (server/f.py)")


def test_per_ack_needs_each_runs_ack_count_and_a_base(tmp_path, capsys) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, "worker-1.txt", {"loop (a.py:1)": 5})
    write(b, "worker-2.txt", {"loop (a.py:1)": 5})
    write_run(a, 100, 30.0)
    with pytest.raises(SystemExit, match="no ack count"):
        diff(a, b, per_ack=True)  # b's recordings were made without capacity's run.json
    write_run(b, 0, 30.0)
    with pytest.raises(SystemExit, match="0 acks"):
        diff(a, b, per_ack=True)
    with pytest.raises(SystemExit):
        main([str(a), "--per-ack"])
    assert "--per-ack compares two runs" in capsys.readouterr().err


def test_parts_put_each_sample_in_its_first_part_only(tmp_path, capsys) -> None:
    """A roster fold's own write counts as a write, not as the fold: no sample counts twice, and
    the parts with the rest add up to the run's total."""
    half, full = tmp_path / "half", tmp_path / "full"
    fold = "loop (s.py:1);flush_pending (server/services/presence/status_reports.py:9)"
    write(half, "worker-1.txt", {f"{fold};write_frame (server/services/broadcast.py:5)": 20, fold: 10,
                                 "loop (s.py:1);other (server/o.py:2)": 4, HUB: 50})
    write(full, "worker-2.txt", {f"{fold};write_frame (server/services/broadcast.py:5)": 30, fold: 10,
                                 "loop (s.py:1);other (server/o.py:2)": 8, HUB: 50})
    write_run(half, 1000, 30.0)
    write_run(full, 2000, 30.0)
    parts, total = parts_per_ack(half)
    assert total == 34 * 5000 / 1000
    assert parts[PARTS[0][0]] == 100.0 and parts[PARTS[1][0]] == 50.0 and parts["the rest"] == 20.0
    assert sum(parts.values()) == total
    assert main([str(half), "--diff", str(full), "--per-ack", "--parts"]) == 0
    rows = [line.split(" | ") for line in capsys.readouterr().out.splitlines()[2:]]
    assert [float(r[2]) for r in rows if r[3] == PARTS[0][0]] == [25.0]   # 100 against 75
    assert [float(r[2]) for r in rows if r[3] == PARTS[1][0]] == [25.0]   # 50 against 25
    with pytest.raises(SystemExit):
        main([str(half), "--diff", str(full), "--parts"])  # parts are per ack only
    assert "--parts goes with" in capsys.readouterr().err


def test_categories_put_each_sample_in_its_first_category(tmp_path) -> None:
    """The same first-match grouping as the parts: a fold's write is the fold's (CATEGORIES name the
    fold first), a stack of no category is "other"."""
    write(tmp_path, "worker-1.txt", {"loop (s.py:1);flush_pending (server/p.py:9);write_frame (server/b.py:5)": 3,
                                     "loop (s.py:1);misc (server/m.py:2)": 1, HUB: 9})
    lines = categorize(tmp_path / "worker-1.txt").splitlines()
    assert lines[0] == "worker-1.txt: 4 busy samples"
    assert lines[2:] == ["  75.0 | roster folds (scheduler flush_pending)", "  25.0 | other"]
