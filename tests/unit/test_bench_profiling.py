"""`tests.bench.profiling --diff`: what one run's recordings spent beyond another's, by function —
the bench README's itemization of what a second process costs is read from it."""
from __future__ import annotations

from pathlib import Path

from tests.bench.profiling import busy_by_function, diff, main

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
