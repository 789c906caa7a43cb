"""ratio: the two-process ratio, and what it is made of, from capacity runs in alternating rounds.

    .venv/bin/python -m tests.bench.ratio --clients 1000 --rounds 2 --floor -- --own-cores 0,1 --duration 30

Issue 15 sets two processes + Redis against one process at the same clients (1,000 and 2,000, each
room's members split across the processes). Each of the two processes then carries half of what the
one process carries, and a process costs more per ack when it carries less: its fixed work (timers,
heartbeats, pings) is spread over fewer acks, and each wake-up of its event loop finds fewer events.
So this bench runs, in each round, one after another and nothing beside them:

    one process at N/2, N and 2N clients; two processes at N and 2N clients

and splits the target's ratio into two factors that multiply to it exactly:

    two at N ÷ one at N  =  (one at N/2 ÷ one at N)  ×  (two at N ÷ one at N/2)
    the target's ratio      the load curve: one process     the second process: each of the two
                            carrying half, alone            carries what the one carries

(and the same at 2N with one at N). `--floor` runs the bare Flask-SocketIO floor through the same
layouts in the same rounds. Arguments after `--` go to every capacity run. A run with errors or
disconnects, or that failed, gives no ratio (its CPU per ack is not comparable); a failed run does
not stop the rounds. `--out DIR` keeps each run's output.
Prints one `BENCH_JSON {…}` line and a markdown table.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.bench import capacity
from tests.bench.common import ROOT, emit_result, machine_facts, md_table, parse_json_line, ratio

# (mode, clients as a multiple of N): the order of a round
LAYOUTS = (("single", 0.5), ("single", 1.0), ("redis", 1.0), ("redis", 2.0), ("single", 2.0))
# each ratio: (name, (mode, multiple) over (mode, multiple))
RATIOS = (
    ("target_at_n", ("redis", 1.0), ("single", 1.0)),
    ("load_curve_at_n", ("single", 0.5), ("single", 1.0)),
    ("second_process_at_n", ("redis", 1.0), ("single", 0.5)),
    ("target_at_2n", ("redis", 2.0), ("single", 2.0)),
    ("load_curve_at_2n", ("single", 1.0), ("single", 2.0)),
    ("second_process_at_2n", ("redis", 2.0), ("single", 1.0)),
)
Runner = Callable[[list[str]], dict]


def plan(clients: int, rounds: int, servers: list[str]) -> list[dict]:
    """Every capacity run, in the order they run: round by round, each server through every layout."""
    if clients < 4 or clients % 2:
        raise ValueError("--clients must be even and at least 4 (N/2 clients is one of the runs)")
    return [{"round": r, "server": server, "mode": mode, "multiple": multiple, "clients": int(clients * multiple)}
            for r in range(1, rounds + 1) for server in servers for mode, multiple in LAYOUTS]


def capacity_argv(step: dict, extra: list[str]) -> list[str]:
    return ["--clients", str(step["clients"]), "--mode", step["mode"], "--server", step["server"], *extra]


def figures(step: dict, res: dict) -> dict:
    """What a ratio needs from one capacity run, and what says whether it can be trusted."""
    server = res["server"]
    overall = res["acks_ms"]["overall"]
    return {**step, "cpu_ms_per_ack": server["cpu_ms_per_ack"], "cpu_pct": server["cpu_pct"],
            "cpu_pct_per_process": server["cpu_pct_per_process"], "acks_per_s": overall["per_s"],
            "p99_ms": overall["p99"], "errors": res["errors_total"], "disconnects": res["disconnects"],
            "loadavg_start": res["machine"]["loadavg_start"], "started_utc": res["machine"]["started_utc"]}


def failed(step: dict, error: str) -> dict:
    """A capacity run that did not finish: in the table, with no figure a ratio could use."""
    return {**step, "cpu_ms_per_ack": None, "cpu_pct": None, "cpu_pct_per_process": {}, "acks_per_s": None,
            "p99_ms": None, "errors": "run failed", "disconnects": None, "loadavg_start": [None],
            "started_utc": None, "failure": error[-500:]}


def cpu_if_clean(run: dict | None) -> float | None:
    """A run's CPU per ack, or None when there is no run or its figure is not comparable (errors,
    disconnects, no acks)."""
    if run is None or run["errors"] or run["disconnects"]:
        return None
    return run["cpu_ms_per_ack"] or None


def ratios(runs: list[dict]) -> list[dict]:
    """Per round and server, each ratio of RATIOS (None when either run is missing or not clean)."""
    out = []
    for key in sorted({(r["round"], r["server"]) for r in runs}):
        mine = {(r["mode"], r["multiple"]): r for r in runs if (r["round"], r["server"]) == key}
        row: dict = {"round": key[0], "server": key[1]}
        for name, top, bottom in RATIOS:
            row[name] = ratio(cpu_if_clean(mine.get(top)), cpu_if_clean(mine.get(bottom)))
        out.append(row)
    return out


def run_capacity(argv: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "tests.bench.capacity", *argv], cwd=ROOT, capture_output=True,
                         text=True)
    if out.returncode != 0:
        raise RuntimeError(f"capacity {' '.join(argv)} failed ({out.returncode}):\n{out.stdout[-2000:]}\n"
                           f"{out.stderr[-2000:]}")
    try:
        res = parse_json_line(out.stdout)
    except ValueError as exc:
        raise RuntimeError(f"capacity {' '.join(argv)} printed no result:\n{out.stdout[-2000:]}") from exc
    res["_stdout"] = out.stdout
    return res


def measure(args: argparse.Namespace, runner: Runner = run_capacity) -> tuple[dict, str]:
    servers = ["sharetube", "floor"] if args.floor else ["sharetube"]
    machine = machine_facts()  # as the rounds start (emit_result adds the load at the end)
    runs = []
    for step in plan(args.clients, args.rounds, servers):
        print(f"[ratio] round {step['round']}: {step['server']} {step['mode']} {step['clients']} clients",
              file=sys.stderr, flush=True)
        name = f"{step['server']}-{step['mode']}-{step['clients']}-r{step['round']}.txt"
        try:
            res = runner(capacity_argv(step, args.extra))
        except RuntimeError as exc:  # one failed run costs its ratios, not the rounds already run
            print(f"[ratio] {exc}", file=sys.stderr, flush=True)
            if args.out:
                (Path(args.out) / name).write_text(str(exc))
            runs.append(failed(step, str(exc)))
            continue
        if args.out:
            (Path(args.out) / name).write_text(res.get("_stdout", ""))
        runs.append(figures(step, res))
    result = {"bench": "ratio", "machine": machine, "clients": args.clients, "rounds": args.rounds,
              "capacity_args": args.extra, "runs": runs, "ratios": ratios(runs)}
    return result, table(result)


def label(name: str, top: tuple[str, float], bottom: tuple[str, float], n: int) -> str:
    """A ratio's column header, from RATIOS itself: "load curve: one at 500 ÷ one at 1000"."""
    def side(layout: tuple[str, float]) -> str:
        return f"{'one' if layout[0] == 'single' else 'two'} at {int(n * layout[1])}"
    return f"{name.rsplit('_at_', 1)[0].replace('_', ' ')}: {side(top)} ÷ {side(bottom)}"


def table(result: dict) -> str:
    runs = md_table(
        ["round", "server", "processes", "clients", "CPU ms/ack", "CPU % (per process)", "acks/s", "p99 ms",
         "errors", "disconnects", "load at start"],
        [[r["round"], r["server"], 1 if r["mode"] == "single" else 2, r["clients"], r["cpu_ms_per_ack"],
          f"{r['cpu_pct']} ({', '.join(str(v) for v in r['cpu_pct_per_process'].values())})"
          if r["cpu_pct"] is not None else None, r["acks_per_s"],
          r["p99_ms"], r["errors"], r["disconnects"], r["loadavg_start"][0]] for r in result["runs"]])
    n = result["clients"]
    parts = md_table(["round", "server", *(label(name, top, bottom, n) for name, top, bottom in RATIOS)],
                     [[r["round"], r["server"], *(r[name] for name, _top, _bottom in RATIOS)]
                      for r in result["ratios"]])
    return runs + "\n\n" + parts


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    own = argv[:argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=1000, help="N: the runs use N/2, N and 2N clients")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--floor", action="store_true", help="the floor through the same layouts in each round")
    p.add_argument("--out", default=None, help="a folder to keep each capacity run's output in")
    args = p.parse_args(own)
    for forbidden in ("--clients", "--mode", "--server"):
        if any(a == forbidden or a.startswith(forbidden + "=") for a in extra):
            p.error(f"{forbidden} is set by this bench for each run; do not pass it after --")
    if args.rounds < 1:
        p.error("--rounds must be at least 1")
    try:
        first = plan(args.clients, 1, ["sharetube"])[0]
    except ValueError as exc:
        p.error(str(exc))
    capacity.parse_args(capacity_argv(first, extra))  # capacity refuses what it does not take, before any run
    args.extra = extra
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result, text = measure(args)
    emit_result(result, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
