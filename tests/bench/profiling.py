"""Optional server profiling for the benches: py-spy (installed in the venv by hand, not a
requirement) records the Gunicorn workers as collapsed stacks; `summarize` ranks functions.

    .venv/bin/python -m tests.bench.profiling DIR [--top 30] [--match server/] [--categories]
    .venv/bin/python -m tests.bench.profiling DIR --diff BASE_DIR [--top 40]   # what DIR's run added
    .venv/bin/python -m tests.bench.profiling DIR --diff BASE_DIR --per-ack    # ... per ack, at any loads
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

RATE_HZ = 200
# leaves that mean "waiting": the gevent hub in libev, gevent's threadpool workers on their queue
IDLE_LEAVES = ("Hub.run (gevent/hub.py)", "acquire_with_timeout (gevent/_threading.py)", "<idle>")
FRAME = re.compile(r"^(?P<fn>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def py_spy() -> str | None:
    exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return exe if Path(exe).exists() else None


def start(pids: list[int], out_dir: Path, label: str = "worker") -> list[subprocess.Popen]:
    """Record each pid until stop(): wall-clock samples (--idle), nonblocking (the server is never paused)."""
    exe = py_spy()
    if exe is None:
        print("# profiling: py-spy not found (.venv/bin/pip install py-spy)", file=sys.stderr)
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    return [subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", str(RATE_HZ), "--format", "raw",
                              "--nonblocking", "--idle", "-o", str(out_dir / f"{label}-{pid}.txt")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for pid in pids]


def stop(recorders: list[subprocess.Popen]) -> None:
    for p in recorders:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
    for p in recorders:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()


def _name(frame: str) -> str:
    m = FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    path = m.group("file")
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{m.group('fn')} ({path})"


def stacks(path: Path) -> Iterator[tuple[list[str], int, bool]]:
    """Each recorded stack of a py-spy raw file: its frames (named by _name, root first), its
    sample count, and whether it was waiting (its leaf one of IDLE_LEAVES)."""
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            frames = [_name(f) for f in stack.split(";")]
            yield frames, int(count), frames[-1].startswith(IDLE_LEAVES)


def summarize(path: Path, top: int = 30, match: str = "") -> str:
    inclusive: Counter = Counter()
    self_time: Counter = Counter()
    total = idle = 0
    for frames, n, waiting in stacks(path):
        if waiting:
            idle += n
            continue
        total += n
        for f in set(frames):
            inclusive[f] += n
        self_time[frames[-1]] += n
    if not total:
        return f"{path.name}: no busy samples ({idle} idle)"
    lines = [f"{path.name}: {total + idle} wall samples at {RATE_HZ} Hz; busy (not waiting) "
             f"{total} = {100 * total / (total + idle):.1f}% of wall; shares below are of busy samples",
             "inclusive % | function"]
    lines += [f"{100 * c / total:6.1f} | {f}" for f, c in inclusive.most_common()
              if match in f][:top]
    lines += ["self % | function"] + [f"{100 * c / total:6.1f} | {f}" for f, c in self_time.most_common(15)]
    return "\n".join(lines)


# (category, function names that put a stack in it), first match wins: where a ShareTube worker's time goes
CATEGORIES = (
    ("roster folds (scheduler flush_pending)", ("flush_pending",)),
    ("roster folds (inline in player.status)", ("_emit", "broadcast_presence")),
    ("background scheduler (other)", ("_local_loop", "slot_loop")),
    ("player.status handler", ("player_status",)),
    ("chat.send handler", ("chat_send",)),
    ("control handlers (pause/play/seek/…)", ("_control",)),
    ("join/leave/other handlers", ("on_event.<locals>.decorate.<locals>.handler",)),
    ("Flask-SocketIO dispatch (request context, session)", ("SocketIO._handle_event",)),
    ("engine.io writer greenlets (sending frames)", ("Socket._websocket_handler.<locals>.writer",)),
    ("Socket.IO decode/dispatch", ("Server._handle_eio_message", "Server._handle_event_internal",
                                   "Server._trigger_event")),
    ("event reader (decode, spawn, ack write; SOCKETIO_FAST_EVENTS)", ("EventReader.take", "EventReader.run")),
    ("engine.io reader (receive, decode, spawn)", ("Socket._websocket_handler",)),
)


def busy_by_function(folder: Path) -> tuple[Counter, int]:
    """Inclusive busy samples per function over every recording in `folder` (all the processes of
    one run together), and the run's busy total."""
    inclusive: Counter = Counter()
    total = 0
    for path in sorted(folder.glob("*.txt")):
        for frames, n, waiting in stacks(path):
            if not waiting:
                total += n
                for f in set(frames):
                    inclusive[f] += n
    return inclusive, total


RUN_FILE = "run.json"  # written beside a run's recordings by the bench: the acks of its window


def write_run(folder: Path, acks: float, window_s: float) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RUN_FILE).write_text(json.dumps({"acks": round(acks), "window_s": round(window_s, 1)}))


def run_acks(folder: Path) -> int:
    """The acks of the window a run's recordings cover (RUN_FILE); a run without them cannot be
    compared per ack, and says so."""
    try:
        acks = int(json.loads((folder / RUN_FILE).read_text())["acks"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SystemExit(f"{folder}: no ack count ({RUN_FILE}: {exc}); record it with capacity --profile") from None
    if acks <= 0:
        raise SystemExit(f"{folder}: {acks} acks in its window: nothing to divide by")
    return acks


# (part, function names that put a stack in it), first match wins, so no sample counts twice:
# where a run's per-ack cost goes, the writes apart from whatever made them (`--per-ack --parts`)
PARTS = (
    ("writing frames to sockets (write_frame, any caller; the floor's writer greenlets)",
     ("write_frame", "Socket._websocket_handler.<locals>.writer")),
    ("the roster folds, outside their writes (flush_pending)", ("flush_pending",)),
    ("a chat line's INSERT (insert_line)", ("insert_line",)),
    ("controls, outside their writes (run_command)", ("run_command",)),
    ("the background loop's other work", ("_local_loop", "slot_loop")),
    ("reading frames, decoding and dispatching events, the handlers not above",
     ("FramedWebSocket.wait", "Socket.receive", "WebSocket.receive")),
)


def parts_per_ack(folder: Path) -> tuple[dict[str, float], float]:
    """µs of a core per ack in each of PARTS (and "the rest"), and the run's total, over its acks."""
    k = us_per_ack(folder)
    counts, total = first_match_counts(sorted(folder.glob("*.txt")), PARTS, "the rest")
    return {part: counts[part] * k for part, _ in PARTS + (("the rest", ()),)}, total * k


def diff_parts_per_ack(folder: Path, base: Path) -> str:
    now, now_total = parts_per_ack(folder)
    was, was_total = parts_per_ack(base)
    lines = [f"busy µs per ack: {folder} {now_total:.1f}, {base} {was_total:.1f} ({now_total - was_total:+.1f})",
             "this run | base | extra | part (first match in the stack)"]
    return "\n".join(lines + [f"{now[p]:7.1f} | {was[p]:7.1f} | {now[p] - was[p]:+7.1f} | {p}" for p in now])


def us_per_ack(folder: Path) -> float:
    """What one busy sample of `folder`'s run is worth in µs of a core per ack of its window."""
    return 1e6 / RATE_HZ / run_acks(folder)


def diff(folder: Path, base: Path, top: int = 40, match: str = "", per_ack: bool = False) -> str:
    """What one run spent beyond another, function by function (inclusive busy samples, every
    process of each run summed): e.g. two processes' recordings against one process's, both taken
    over the same window length at RATE_HZ, so a sample is the same CPU time in both. `per_ack`:
    each run's samples as µs of a core per ack over its own acks (run.json), for runs at
    different loads, where raw samples would mostly say that more events cost more (one process
    at 500 clients against one at 1,000: the ratio bench's load curve)."""
    now, now_total = busy_by_function(folder)
    was, was_total = busy_by_function(base)
    k_now, k_was = (us_per_ack(folder), us_per_ack(base)) if per_ack else (1, 1)

    def row(f: str) -> tuple[float, float]:
        return now[f] * k_now, was[f] * k_was

    ranked = sorted(set(now) | set(was), key=lambda f: (-(row(f)[0] - row(f)[1]), f))
    if per_ack:
        lines = [f"busy µs per ack: {folder} {now_total * k_now:.1f}, {base} {was_total * k_was:.1f} "
                 f"(× {now_total * k_now / max(was_total * k_was, 1e-9):.2f})",
                 "extra µs/ack | this run | base | function (inclusive)"]
        cells = [f"{x - y:+7.2f} | {x:7.2f} | {y:7.2f}" for x, y in map(row, ranked)]
    else:
        lines = [f"busy samples: {folder} {now_total}, {base} {was_total} ({now_total - was_total:+d})",
                 "extra | this run | base | function (inclusive)"]
        cells = [f"{now[f] - was[f]:+5d} | {now[f]:5d} | {was[f]:5d}" for f in ranked]
    return "\n".join(lines + [f"{c} | {f}" for c, f in zip(cells, ranked, strict=True) if match in f][:top])


def first_match_counts(paths: list[Path], groups: tuple, default: str) -> tuple[Counter, int]:
    """Busy samples by the first of `groups` ((label, function names)) a stack contains, else
    `default`: no sample counts twice. CATEGORIES for one recording, PARTS for a run."""
    counts: Counter = Counter()
    for path in paths:
        for frames, n, waiting in stacks(path):
            if not waiting:
                names = {f.split(" (")[0] for f in frames}
                counts[next((label for label, fns in groups if names & set(fns)), default)] += n
    return counts, sum(counts.values())


def categorize(path: Path) -> str:
    """Busy samples grouped into CATEGORIES (what a stack is doing, by the frames it contains)."""
    counts, total = first_match_counts([path], CATEGORIES, "other")
    lines = [f"{path.name}: {total} busy samples", "share % | category"]
    return "\n".join(lines + [f"{100 * n / total:6.1f} | {c}" for c, n in counts.most_common()]) if total else path.name


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="rank functions in py-spy collapsed stacks")
    p.add_argument("dir")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--match", default="", help="only functions whose name/path contains this")
    p.add_argument("--categories", action="store_true", help="group busy time by what the worker was doing")
    p.add_argument("--diff", metavar="BASE_DIR", default=None,
                   help="rank functions by the busy samples DIR's run spent beyond BASE_DIR's (all processes)")
    p.add_argument("--per-ack", action="store_true",
                   help="with --diff: µs per ack, each run over its own acks (run.json), for runs at different loads")
    p.add_argument("--parts", action="store_true",
                   help="with --diff --per-ack: by PARTS (first match wins), not function by function")
    args = p.parse_args(argv)
    if args.per_ack and not args.diff:
        p.error("--per-ack compares two runs: give --diff BASE_DIR")
    if args.parts and not args.per_ack:
        p.error("--parts goes with --diff BASE_DIR --per-ack")
    if args.parts:
        print(diff_parts_per_ack(Path(args.dir), Path(args.diff)))
        return 0
    if args.diff:
        print(diff(Path(args.dir), Path(args.diff), args.top, args.match, per_ack=args.per_ack))
        return 0
    for f in sorted(Path(args.dir).glob("*.txt")):
        print(categorize(f) if args.categories else summarize(f, args.top, args.match), end="\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
