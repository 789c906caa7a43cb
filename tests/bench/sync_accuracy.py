"""sync_accuracy: how closely 3–5 Chromium viewers with the real extension play one room's video.

    .venv/bin/python -m tests.bench.sync_accuracy                     # 3 viewers, every scenario
    .venv/bin/python -m tests.bench.sync_accuracy --viewers 5 --scenario steady --duration 60
    .venv/bin/python -m tests.bench.sync_accuracy --quick             # every scenario, ~60–90 s
    .venv/bin/python -m tests.bench.sync_accuracy --quick --variants default,theater,ad_second_video

One real ShareTube (one Gunicorn `single` process, SQLite), the imitation YouTube over HTTPS
playing a real WebM, N headless Chromium profiles with the built extension joined to one room,
and an owner (python-socketio) who sends play / pause / seek. Every viewer's video is sampled
without user gestures (harness.browser.sample_playback), each sample carried to a common
instant on the system wall clock. Scenarios (the last viewer is the special one):

  steady  N normal viewers
  ad      N normal viewers; viewer 0 gets a 5 s midroll under ad_sync_mode pause_all
  skewed  viewer N−1's clock 3 s ahead (Date replaced in its service worker and content script)
  slow    viewer N−1 behind a delay proxy: 75 ms each way (150 ms added round trip)

Each measuring scenario: a seek back to 5 s, a steady window of --duration s sampled every
250 ms, --starts pause→play cycles (start instants from a 4 ms page probe), --seeks − 1 more
seeks. With --variants the scenarios run once per variant of the imitation watch page
(tests/e2e/harness/page_variants.py), each with freshly launched viewers; results are keyed
`scenario@variant` (plain `scenario` for the default page).
Prints one `BENCH_JSON {…}` line and markdown tables; see tests/bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from tests.bench import sync_metrics as M
from tests.bench import sync_viewers as V
from tests.bench.common import emit_result, loadavg, machine_facts
from tests.bench.delay_proxy import ProxyThread
from tests.bench.sync_report import build_tables
from tests.bench.sync_room import Owner

VIDEO_ID = "stSyncBench"
SCENARIOS = ("steady", "ad", "skewed", "slow")
SPECIAL = {"steady": "normal", "ad": "normal", "skewed": "skewed", "slow": "slow"}
TARGETS = {"offset_p95_ms": 25, "start_spread_ms": 30, "converge_ms": 500, "on_clock_ms": 500}


def progress(text: str) -> None:
    print(f"# {time.strftime('%H:%M:%S')} {text} (load {loadavg()[0]})", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args: argparse.Namespace, playwright, fake, server, extension: Path, workdir: Path,
                 clip_ms: int) -> None:
        self.args, self.playwright, self.fake, self.server = args, playwright, fake, server
        self.extension, self.workdir, self.clip_ms = extension, workdir, clip_ms
        self.owner = Owner(server.base_url)
        self.owner.start_video(VIDEO_ID, clip_ms)
        self.viewers: list[V.Viewer] = []
        self.launched = 0
        self.closed_notes: list[dict] = []

    # --- viewers ------------------------------------------------------------------------
    def use_variant(self, variant) -> None:
        """Every viewer from now on loads the watch page as `variant` (relaunched)."""
        for viewer in self.viewers:
            self.close_viewer(viewer)
        self.viewers = []
        self.fake.variant = variant

    def ensure_viewers(self, special: str) -> None:
        n = self.args.viewers
        if len(self.viewers) == n and self.viewers[-1].kind != special:
            self.close_viewer(self.viewers.pop())
        while len(self.viewers) < n:
            kind = special if len(self.viewers) == n - 1 else "normal"
            self.viewers.append(self.launch_viewer(kind))
        for v in self.viewers:
            V.calibrate(v)

    def launch_viewer(self, kind: str) -> V.Viewer:
        self.launched += 1
        name = f"V{self.launched}-{kind}"
        t = time.monotonic()
        proxy = ProxyThread("127.0.0.1", self.server.port, delay_ms=self.args.delay_ms / 2).start() \
            if kind == "slow" else None
        viewer = V.launch(self.playwright, self.extension, self.fake, self.server.port,
                          self.workdir / f"profile-{name}", name, kind,
                          skew_ms=self.args.skew_ms if kind == "skewed" else 0, proxy=proxy)
        V.sign_in_and_join(viewer, self.fake.watch_url(VIDEO_ID), self.owner.code)
        progress(f"{name} joined in {time.monotonic() - t:.1f} s")
        return viewer

    def close_viewer(self, viewer: V.Viewer) -> None:
        viewer.close()
        if viewer.notes.get("proxy"):
            self.closed_notes.append({"name": viewer.name, "proxy": viewer.notes["proxy"]})

    def names(self) -> list[str]:
        return [v.name for v in self.viewers]

    # --- sampling -------------------------------------------------------------------------
    def tick(self) -> M.Tick:
        return M.make_tick(V.sample(self.viewers), self.owner.playback())

    def follow(self, timeout_s: float, until, interval_s: float = 0.1) -> list[M.Tick]:
        """Ticks every `interval_s` until `until(ticks)` is true or the timeout."""
        ticks: list[M.Tick] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            ticks.append(self.tick())
            if until(ticks):
                break
            time.sleep(max(0.0, interval_s - (time.monotonic() - t0)))
        return ticks

    def until_converged(self, timeout_s: float = 10.0) -> list[M.Tick]:
        """Ticks every 100 ms until the viewers are within 100 ms of each other and on the room clock."""
        return self.follow(timeout_s, lambda ts: M.converged_at(ts, on_clock=True) is not None)

    @staticmethod
    def convergence(ticks: list[M.Tick], t_from: float) -> dict:
        conv, clock = M.converged_at(ticks), M.converged_at(ticks, on_clock=True)
        return {"converge_ms": None if conv is None else round(conv - t_from, 1),
                "on_clock_ms": None if clock is None else round(clock - t_from, 1)}

    def steady_window(self, duration_s: float) -> list[M.Tick]:
        ticks, start = [], time.monotonic()
        n = 0
        while time.monotonic() - start < duration_s:
            ticks.append(self.tick())
            n += 1
            time.sleep(max(0.0, start + n * 0.25 - time.monotonic()))
        return ticks

    # --- one measurement each ----------------------------------------------------------------
    def seek_run(self, target_ms: int) -> dict:
        V.arm_probes(self.viewers, target_ms / 1000)
        t_cmd, pb = self.owner.command("seek", {"position_ms": int(target_ms)})
        ticks = self.until_converged()
        probes = [V.read_probe(v) for v in self.viewers]
        return {"target_ms": int(target_ms), "lead_ms": round(pb["anchor_ms"] - t_cmd, 1),
                **self.convergence(ticks, t_cmd),
                "starts": M.start_instants(probes, pb["anchor_ms"]),
                "last_spread_ms": round(ticks[-1].spread_ms, 1) if ticks else None}

    def start_run(self) -> dict:
        t_pause, paused = self.owner.command("pause")
        ticks = self.follow(6, lambda ts: not any(ts[-1].playing))
        pauses = [self.first_event(v, "pause", t_pause) for v in self.viewers]
        time.sleep(0.6)
        paused = self.owner.playback()
        V.arm_probes(self.viewers, paused["position_ms"] / 1000)
        t_cmd, pb = self.owner.command("play")
        ticks = self.until_converged()
        probes = [V.read_probe(v) for v in self.viewers]
        first_all = next((t for t in ticks if t.all_playing), None)
        got = [p for p in pauses if p is not None]
        return {"lead_ms": round(pb["anchor_ms"] - t_cmd, 1),
                **self.convergence(ticks, t_cmd),
                "starts": M.start_instants(probes, pb["anchor_ms"]),
                "spread_first_all_playing_ms": None if first_all is None else round(first_all.spread_ms, 1),
                "pause_after_command_ms": [None if p is None else round(p - t_pause, 1) for p in pauses],
                "pause_spread_ms": round(max(got) - min(got), 1) if len(got) == len(pauses) else None}

    def first_event(self, viewer: V.Viewer, kind: str, since_ms: float) -> float | None:
        return next((e["wall"] for e in V.event_log(viewer, since_ms) if e["type"] == kind), None)

    def ad_run(self, ad_ms: int) -> dict:
        ad_viewer, others = self.viewers[0], self.viewers[1:]
        t_ad = V.start_ad(ad_viewer, ad_ms)
        midroll = self.owner.wait_playback(lambda p: p.get("state") == "midroll", timeout_s=8)
        arrived = next((at for at, p in self.owner.playbacks_since(t_ad - 50) if p.get("state") == "midroll"), None)
        self.follow(6, lambda ts: not any(ts[-1].playing[1:]))
        V.arm_probes(self.viewers, midroll["position_ms"] / 1000, timeout_ms=ad_ms + 15000)
        deadline = time.monotonic() + ad_ms / 1000 + 10
        t_end = None
        while t_end is None and time.monotonic() < deadline:
            t_end = self.first_event(ad_viewer, "ad-off", t_ad)
            time.sleep(0.05)
        if t_end is None:
            raise RuntimeError("the ad never ended on the ad viewer's page")
        resumed = self.owner.wait_playback(lambda p: p.get("state") == "playing"
                                           and p.get("version", 0) > midroll.get("version", 0), timeout_s=10)
        ticks = self.until_converged(15)
        probes = [V.read_probe(v) for v in self.viewers]
        after = self.steady_window(self.args.after_ad_s)
        conv = self.convergence(ticks, t_end)
        pauses = [self.first_event(v, "pause", t_ad) for v in others]
        starts = M.start_instants(probes, resumed["anchor_ms"])
        start_walls = [p.get("startWall") for p in probes]
        return {
            "ad_ms": ad_ms,
            "room_midroll_after_ad_start_ms": None if arrived is None else round(arrived - t_ad, 1),
            "others_paused_after_ad_start_ms": [None if p is None else round(p - t_ad, 1) for p in pauses],
            "ad_end_to_anchor_ms": round(resumed["anchor_ms"] - t_end, 1),
            "all_resumed_after_ad_end_ms": (round(max(start_walls) - t_end, 1)
                                            if all(s is not None for s in start_walls) else None),
            "resume_starts": starts,
            "converge_after_ad_end_ms": conv["converge_ms"], "on_clock_after_ad_end_ms": conv["on_clock_ms"],
            "after_resume": M.steady_summary(after, self.names()),
        }

    # --- scenarios ---------------------------------------------------------------------------
    def scenario(self, name: str) -> dict:
        self.ensure_viewers(SPECIAL[name])
        viewers = [{"name": v.name, "kind": v.kind, "clock_fix_ms": round(v.clock_fix_ms, 2)} for v in self.viewers]
        out: dict = {"scenario": name, "viewers": viewers,
                     "loadavg_start": loadavg()}
        progress(f"scenario {name}: {', '.join(self.names())}")
        seeks = [self.seek_run(5000)]  # back to the start of the clip (itself a measured seek)
        if name == "ad":
            out["ad_runs"] = []
            for _ in range(self.args.ads):
                self.until_converged()
                out["ad_runs"].append(self.ad_run(self.args.ad_ms))
        else:
            settle = self.until_converged(15)
            out["settled"] = M.converged_at(settle) is not None
            out["steady"] = M.steady_summary(self.steady_window(self.args.duration), self.names())
            out["starts"] = [self.start_run() for _ in range(self.args.starts)]
            for i in range(self.args.seeks - 1):
                here = M.room_position_ms(self.owner.playback(), time.time() * 1000)
                seeks.append(self.seek_run(int(here + (20000 if i % 2 == 0 else -12000))))
            out["seeks"] = seeks
            out["summary"] = {
                "offset_p50_ms": out["steady"]["spread_ms"]["p50"], "offset_p95_ms": out["steady"]["spread_ms"]["p95"],
                "offset_max_ms": out["steady"]["spread_ms"]["max"],
                "start_spread_ms": M.summarize_runs([s["starts"]["spread_ms"] for s in out["starts"]]),
                "seek_start_spread_ms": M.summarize_runs([s["starts"]["spread_ms"] for s in seeks]),
                "converge_after_seek_ms": M.summarize_runs([s["converge_ms"] for s in seeks]),
                "converge_after_play_ms": M.summarize_runs([s["converge_ms"] for s in out["starts"]]),
                "on_clock_after_seek_ms": M.summarize_runs([s["on_clock_ms"] for s in seeks]),
                "on_clock_after_play_ms": M.summarize_runs([s["on_clock_ms"] for s in out["starts"]]),
                "start_vs_anchor_ms": M.summarize_runs([x for s in out["starts"] for x in s["starts"]["vs_anchor_ms"]]),
                "missed_holds": sum(s["starts"]["missed_hold"] for s in [*out["starts"], *seeks]),
            }
        out["members"] = self.member_facts()
        out["special"] = self.special_facts()
        out["loadavg_end"] = loadavg()
        return out

    def member_facts(self) -> list[dict]:
        by_name = {m.get("name"): m for m in self.owner.members()}
        keys = ("offset_ms", "rtt_ms", "drift_ms")
        return [{"name": v.name, **{k: by_name.get(v.name, {}).get(k) for k in keys}} for v in self.viewers]

    def special_facts(self) -> dict:
        last = self.viewers[-1]
        facts: dict = {"name": last.name, "kind": last.kind}
        if last.kind == "skewed":
            facts.update(skew_ms=last.skew_ms, how="Date replaced in service worker + content-script world",
                         at_launch=last.notes.get("worker_skew"), content=last.notes.get("content_skew"),
                         after=V.skew_still_applied(last))
        if last.proxy is not None:
            facts["proxy"] = last.proxy.stats()
        return facts

    def close(self) -> None:
        for v in self.viewers:
            try:
                self.close_viewer(v)
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        self.owner.close()


def run(args: argparse.Namespace) -> dict:
    from harness.page_variants import DEFAULT, VARIANTS
    from playwright.sync_api import sync_playwright

    from tests.bench.sync_env import bench_environment

    machine = machine_facts()
    scenarios = list(SCENARIOS) if args.scenario == "all" else args.scenario.split(",")
    variants = [DEFAULT if v == "default" else VARIANTS[v] for v in args.variants.split(",")]
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="st-sync-"))
    result: dict = {"bench": "sync_accuracy", "machine": machine, "targets": TARGETS, "scenarios": {},
                    "args": {k: v for k, v in vars(args).items() if k not in ("workdir", "save")}}
    t0 = time.monotonic()
    with bench_environment(workdir, args.duration) as env, sync_playwright() as playwright:
        result["clip_s"] = env.clip_ms / 1000
        progress(f"server {env.server.base_url}, imitation YouTube :{env.fake.port}, extension {env.extension}")
        bench = Bench(args, playwright, env.fake, env.server, env.extension, env.run_dir, env.clip_ms)
        try:
            for variant in variants:
                bench.use_variant(variant)
                for name in scenarios:
                    key = name if variant is DEFAULT else f"{name}@{variant.name}"
                    try:
                        result["scenarios"][key] = {**bench.scenario(name), "variant": variant.name}
                    except Exception as exc:  # noqa: BLE001 - report it and go on with the next scenario
                        progress(f"scenario {key} failed: {exc!r}")
                        result["scenarios"][key] = {"scenario": name, "variant": variant.name, "error": repr(exc),
                                                    "trace": traceback.format_exc()[-2000:]}
        finally:
            bench.close()
            result["closed_viewers"] = bench.closed_notes
            result["server_log"] = env.log_summary()
    result["elapsed_s"] = round(time.monotonic() - t0, 1)
    if not args.keep_workdir and not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--viewers", type=int, default=3, choices=range(3, 6), metavar="3-5")
    p.add_argument("--duration", type=float, default=60.0, help="steady window per scenario, seconds")
    p.add_argument("--scenario", default="all", help=f"all, or one or more of {','.join(SCENARIOS)} (comma-separated)")
    p.add_argument("--quick", action="store_true", help="short windows and one run of each (about a minute)")
    p.add_argument("--starts", type=int, default=3, help="pause→play cycles per scenario")
    p.add_argument("--seeks", type=int, default=3, help="seeks per scenario (the first goes back to 5 s)")
    p.add_argument("--ads", type=int, default=2, help="midrolls in the ad scenario")
    p.add_argument("--ad-ms", type=int, default=5000)
    p.add_argument("--after-ad-s", type=float, default=5.0, help="window sampled after the room resumes")
    p.add_argument("--skew-ms", type=int, default=3000)
    p.add_argument("--delay-ms", type=float, default=150.0, help="round trip added for the slow viewer")
    p.add_argument("--variants", default="default",
                   help="page variants to run the scenarios on (comma-separated; see harness/page_variants.py)")
    p.add_argument("--workdir", default=None, help="keep the server folder, profiles and logs here")
    p.add_argument("--keep-workdir", action="store_true")
    p.add_argument("--save", default=None, help="also write the JSON result to this file")
    args = p.parse_args(argv)
    unknown = set(args.scenario.split(",")) - {"all", *SCENARIOS}
    if unknown:
        p.error(f"unknown scenario {sorted(unknown)}; choose all or from {SCENARIOS}")
    from harness.page_variants import VARIANTS

    unknown_variants = set(args.variants.split(",")) - {"default", *VARIANTS}
    if unknown_variants:
        p.error(f"unknown variant {sorted(unknown_variants)}; choose from default,{','.join(VARIANTS)}")
    if args.quick:
        args.duration = min(args.duration, 6.0)
        args.starts, args.seeks, args.ads, args.after_ad_s = 1, 1, 1, 2.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = run(args)
    result["machine"]["loadavg_end"] = loadavg()
    if args.save:
        Path(args.save).write_text(json.dumps(result, sort_keys=True, indent=1) + "\n")
    emit_result(result, build_tables(result))
    failed = [n for n, s in result["scenarios"].items() if "error" in s]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
