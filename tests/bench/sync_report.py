"""The markdown tables the sync_accuracy bench prints after its JSON line."""
from __future__ import annotations

from tests.bench.common import fmt, md_table


def _pair(d: dict | None, a: str, b: str) -> str:
    if not d:
        return "–"
    return f"{fmt(d.get(a))} / {fmt(d.get(b))}"


def _load(s: dict) -> str:
    start, end = s.get("loadavg_start") or [None], s.get("loadavg_end") or [None]
    return f"{fmt(start[0])}→{fmt(end[0])}"


def _special(s: dict) -> str:
    sp = s.get("special") or {}
    members = {m["name"]: m for m in s.get("members") or []}
    m = members.get(sp.get("name"), {})
    if sp.get("kind") == "skewed":
        return f"clock +{sp.get('skew_ms')} ms; its offset_ms {fmt(m.get('offset_ms'))}"
    if sp.get("kind") == "slow":
        held = ((sp.get("proxy") or {}).get("server_to_client") or {}).get("held_ms") or {}
        return f"proxy hold p50 {fmt(held.get('p50'))} ms each way; its rtt_ms {fmt(m.get('rtt_ms'))}"
    return ""


def scenario_rows(result: dict) -> list[list[object]]:
    rows = []
    for name, s in result["scenarios"].items():
        if "error" in s:
            rows.append([name, "error", s["error"][:80], *[""] * 8])
            continue
        if s.get("scenario", name) == "ad":
            continue
        su = s["summary"]
        st = s["steady"]
        rows.append([
            name, _load(s),
            f"{fmt(su['offset_p50_ms'])} / {fmt(su['offset_p95_ms'])} / {fmt(su['offset_max_ms'])}",
            f"{st['ticks_all_playing']}/{st['ticks']}",
            _pair(su["start_spread_ms"], "p50", "max"),
            _pair(su["start_vs_anchor_ms"], "p50", "max"),
            _pair(su["converge_after_play_ms"], "p50", "max"),
            _pair(su["converge_after_seek_ms"], "p50", "max"),
            f"{fmt(su['on_clock_after_play_ms']['p50'])} / {fmt(su['on_clock_after_seek_ms']['p50'])}",
            su["missed_holds"],
            _special(s),
        ])
    return rows


def ad_rows(result: dict) -> list[list[object]]:
    rows = []
    for key, s in result["scenarios"].items():
        if s.get("scenario", key) != "ad" or "error" in s:
            continue
        rows += _ad_rows_of(key, s)
    return rows


def _ad_rows_of(key: str, s: dict) -> list[list[object]]:
    rows = []
    for i, r in enumerate(s["ad_runs"], 1):
        paused = [p for p in r["others_paused_after_ad_start_ms"] if p is not None]
        after = r["after_resume"]["spread_ms"]
        rows.append([
            f"{key} {i}", _load(s), fmt(r["room_midroll_after_ad_start_ms"]),
            fmt(max(paused)) if paused else "–",
            fmt(r["ad_end_to_anchor_ms"]), fmt(r["all_resumed_after_ad_end_ms"]),
            fmt(r["resume_starts"]["spread_ms"]), fmt(r["converge_after_ad_end_ms"]),
            f"{fmt(after['p50'])} / {fmt(after['p95'])}",
        ])
    return rows


def build_tables(result: dict) -> str:
    t = result["targets"]
    parts = [md_table(
        ["scenario", "load 1-min", "offset p50 / p95 / max ms", "ticks all playing",
         "start spread p50 / max ms", "start − anchor p50 / max ms", "converge after play p50 / max ms",
         "converge after seek p50 / max ms", "on room clock after play / seek p50 ms", "missed holds",
         "special viewer"],
        scenario_rows(result))]
    ads = ad_rows(result)
    if ads:
        parts.append(md_table(
            ["ad run", "load 1-min", "room midroll after ad start ms", "others paused after ad start (max) ms",
             "ad end → resume anchor ms", "all resumed after ad end ms", "resume start spread ms",
             "converge after ad end ms", "offset after resume p50 / p95 ms"], ads))
    m = result["machine"]
    parts.append(f"targets: offset p95 < {t['offset_p95_ms']} ms, start spread < {t['start_spread_ms']} ms, "
                 f"convergence < {t['converge_ms']} ms · viewers {result['args']['viewers']} · nproc {m['nproc']}"
                 f" · loadavg {m['loadavg_start']} → {m.get('loadavg_end')} · {result.get('elapsed_s')} s")
    return "\n\n".join(parts)
