"""tests/bench/ratio.py: the runs it makes, the ratios it reads from them (the target's ratio is the
load curve times the second process's factor), and the runs and options it refuses."""
from __future__ import annotations

import pytest

from tests.bench import capacity, ratio

CPU = {("single", 0.5): 0.50, ("single", 1.0): 0.40, ("redis", 1.0): 0.64, ("redis", 2.0): 0.50,
       ("single", 2.0): 0.34}


def fake_result(argv: list[str], errors: int = 0) -> dict:
    args = capacity.parse_args(argv)  # what ratio passes must be what capacity takes
    n = args.clients
    multiple = {500: 0.5, 1000: 1.0, 2000: 2.0}[n]
    cpu = CPU[(args.mode, multiple)] * (1.2 if args.server == "floor" else 1.0)
    return {"server": {"cpu_ms_per_ack": cpu, "cpu_pct": 10.0, "cpu_pct_per_process": {"1": 10.0}},
            "acks_ms": {"overall": {"per_s": n * 0.567, "p99": 9.0}}, "errors_total": errors, "disconnects": 0,
            "machine": {"loadavg_start": [0.5, 0.5, 0.5], "started_utc": "2026-12-07T00:00:00Z"}}


def test_each_round_runs_every_layout_of_each_server_in_turn() -> None:
    steps = ratio.plan(1000, 2, ["sharetube", "floor"])
    assert len(steps) == 20
    assert [(s["mode"], s["clients"]) for s in steps[:5]] == [
        ("single", 500), ("single", 1000), ("redis", 1000), ("redis", 2000), ("single", 2000)]
    assert [(s["round"], s["server"]) for s in steps[::5]] == [
        (1, "sharetube"), (1, "floor"), (2, "sharetube"), (2, "floor")]


def test_the_target_ratio_is_the_load_curve_times_the_second_process() -> None:
    args = ratio.parse_args(["--clients", "1000", "--rounds", "1", "--floor", "--", "--duration", "30",
                             "--own-cores", "0,1"])
    seen: list[list[str]] = []

    def runner(argv: list[str]) -> dict:
        seen.append(argv)
        return fake_result(argv)

    result, text = ratio.measure(args, runner)
    assert all(argv[-4:] == ["--duration", "30", "--own-cores", "0,1"] for argv in seen)
    row = next(r for r in result["ratios"] if r["server"] == "sharetube")
    assert row["target_at_n"] == 1.6 and row["load_curve_at_n"] == 1.25 and row["second_process_at_n"] == 1.28
    assert row["target_at_2n"] == 1.47 and row["load_curve_at_2n"] == 1.18 and row["second_process_at_2n"] == 1.25
    assert row["target_at_n"] == pytest.approx(row["load_curve_at_n"] * row["second_process_at_n"], abs=0.01)
    floor = next(r for r in result["ratios"] if r["server"] == "floor")
    assert floor["target_at_n"] == 1.6  # the floor's own runs, not ShareTube's
    assert "load curve: one at 500 ÷ one at 1000" in text and "second process: two at 2000 ÷ one at 1000" in text


def test_a_run_with_errors_gives_no_ratio() -> None:
    args = ratio.parse_args(["--clients", "1000", "--rounds", "1"])

    def runner(argv: list[str]) -> dict:
        return fake_result(argv, errors=3 if argv[:4] == ["--clients", "2000", "--mode", "redis"] else 0)

    result, _text = ratio.measure(args, runner)
    (row,) = result["ratios"]
    assert row["target_at_2n"] is None and row["second_process_at_2n"] is None
    assert row["target_at_n"] == 1.6 and row["load_curve_at_2n"] == 1.18


def test_it_keeps_each_runs_output_when_asked(tmp_path) -> None:
    args = ratio.parse_args(["--clients", "4", "--rounds", "1", "--out", str(tmp_path / "runs")])
    ratio.measure(args, lambda argv: {**fake_result(argv[:1] + ["1000"] + argv[2:]), "_stdout": "BENCH_JSON {}"})
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [
        "sharetube-redis-4-r1.txt", "sharetube-redis-8-r1.txt", "sharetube-single-2-r1.txt",
        "sharetube-single-4-r1.txt", "sharetube-single-8-r1.txt"]


@pytest.mark.parametrize("argv", [
    ["--clients", "999"],  # N/2 would not be whole
    ["--clients", "2"],
    ["--rounds", "0"],
    ["--", "--clients", "10"],  # set per run by the bench
    ["--", "--mode=redis"],
    ["--", "--no-such-option"],  # capacity refuses it before any run
])
def test_it_refuses_what_it_cannot_run(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        ratio.parse_args(argv)


def test_a_run_that_fails_costs_its_ratios_not_the_rounds() -> None:
    args = ratio.parse_args(["--clients", "1000", "--rounds", "2"])
    calls = []

    def runner(argv: list[str]) -> dict:
        calls.append(argv)
        if len(calls) == 1:  # round 1's first run: one process at 500 clients
            raise RuntimeError("capacity --clients 500 failed (1): setup timed out")
        return fake_result(argv)

    result, text = ratio.measure(args, runner)
    assert len(calls) == 10, "every run of both rounds still ran"
    first, second = result["ratios"]
    assert first["load_curve_at_n"] is None and first["second_process_at_n"] is None
    assert first["target_at_n"] == 1.6, "the ratios that do not need the failed run are kept"
    assert second["load_curve_at_n"] == 1.25
    assert result["runs"][0]["errors"] == "run failed" and "setup timed out" in result["runs"][0]["failure"]
    assert "run failed" in text


def test_a_capacity_run_without_its_result_line_is_a_failed_run(monkeypatch) -> None:
    class Done:
        returncode, stdout, stderr = 0, "# setup only\n", ""

    monkeypatch.setattr(ratio.subprocess, "run", lambda *a, **kw: Done())
    with pytest.raises(RuntimeError, match="printed no result"):
        ratio.run_capacity(["--clients", "10"])


def test_the_machine_facts_are_those_from_before_the_first_run(monkeypatch) -> None:
    stamps = iter(range(100))
    monkeypatch.setattr(ratio, "machine_facts", lambda: {"stamp": next(stamps)})
    ran: list[int] = []

    def runner(argv: list[str]) -> dict:
        ran.append(next(stamps))
        return fake_result(argv)

    result, text = ratio.measure(ratio.parse_args(["--clients", "1000", "--rounds", "1"]), runner)
    assert result["machine"] == {"stamp": 0} and ran[0] == 1, "taken before any run, not after the last"
    headers = text.split("\n\n")[1].splitlines()[0]
    assert headers == ("| round | server | target: two at 1000 ÷ one at 1000 | load curve: one at 500 ÷ one at 1000 "
                       "| second process: two at 1000 ÷ one at 500 | target: two at 2000 ÷ one at 2000 "
                       "| load curve: one at 1000 ÷ one at 2000 | second process: two at 2000 ÷ one at 1000 |")
