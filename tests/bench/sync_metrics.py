"""Pure arithmetic of the sync_accuracy bench: the room clock, sample ticks, spreads, convergence.

A tick is one round of harness.browser samples (one per viewer) with every sample's instant on
the system wall clock. The room clock is the server's Playback (DESIGN.md "The room clock"): the
server runs on this machine, so its epoch-ms clock is the same wall clock.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tests.bench.common import percentile

WITHIN_MS = 100.0  # "converged": every pair of viewers within this
AT_TARGET_MS = 500.0  # ... and every viewer this close to the room clock (so at the new position)
SETTLED_TICKS = 3  # ... for this many ticks in a row
ON_CLOCK_MS = 50.0  # "on the room clock": every viewer within this of where the room clock says


def room_position_ms(playback: dict, t_ms: float) -> float:
    """position_ms + (t - anchor_ms) × rate while playing (never below position_ms)."""
    base = float(playback.get("position_ms") or 0)
    if playback.get("state") != "playing":
        return base
    elapsed = max(0.0, t_ms - float(playback.get("anchor_ms") or t_ms))
    return base + elapsed * float(playback.get("rate") or 1)


@dataclass(frozen=True)
class Tick:
    t_ms: float  # the common instant (the latest sample's wall clock)
    positions_ms: tuple[float, ...]  # each viewer's position carried to t_ms
    offsets_ms: tuple[float, ...]  # each viewer's position minus the room clock at t_ms
    playing: tuple[bool, ...]  # not paused, has data, no ad
    rates: tuple[float, ...]
    room_state: str
    room_version: int

    @property
    def all_playing(self) -> bool:
        return all(self.playing)

    @property
    def spread_ms(self) -> float:
        return max(self.positions_ms) - min(self.positions_ms)

    def converged(self, within_ms: float = WITHIN_MS, at_target_ms: float = AT_TARGET_MS) -> bool:
        return (self.room_state == "playing" and self.all_playing and self.spread_ms <= within_ms
                and all(abs(o) <= at_target_ms for o in self.offsets_ms))

    def on_clock(self, within_ms: float = ON_CLOCK_MS) -> bool:
        return self.converged() and all(abs(o) <= within_ms for o in self.offsets_ms)


def make_tick(samples: Sequence, playback: dict) -> Tick:
    """`samples`: harness PlaybackSample objects whose wall_ms is already on the system clock."""
    t = max(s.wall_ms for s in samples)
    positions = tuple(s.position_at(t) * 1000 for s in samples)
    room = room_position_ms(playback, t)
    return Tick(
        t_ms=t,
        positions_ms=positions,
        offsets_ms=tuple(p - room for p in positions),
        playing=tuple(not s.paused and s.ready_state >= 2 and not s.ad_showing for s in samples),
        rates=tuple(s.rate for s in samples),
        room_state=str(playback.get("state")),
        room_version=int(playback.get("version") or 0),
    )


def converged_at(ticks: Sequence[Tick], need: int = SETTLED_TICKS, *, on_clock: bool = False) -> float | None:
    """The instant of the first of `need` converged (or on-clock) ticks in a row, or None."""
    run = 0
    for i, tick in enumerate(ticks):
        ok = tick.on_clock() if on_clock else tick.converged()
        run = run + 1 if ok else 0
        if run >= need:
            return ticks[i - need + 1].t_ms
    return None


def stats(values: Sequence[float], qs: Sequence[int] = (50, 95)) -> dict:
    out: dict = {"n": len(values)}
    for q in qs:
        v = percentile(values, q)
        out[f"p{q}"] = None if v is None else round(v, 1)
    out["max"] = round(max(values), 1) if values else None
    return out


def steady_summary(ticks: Sequence[Tick], names: Sequence[str]) -> dict:
    """Inter-viewer spread (max − min of positions at one instant) over the ticks where every viewer
    plays, each viewer's offset to the room clock, and how many ticks had a viewer off its rate."""
    playing = [t for t in ticks if t.all_playing and t.room_state == "playing"]
    spreads = [t.spread_ms for t in playing]
    per_viewer = []
    for i, name in enumerate(names):
        offs = [t.offsets_ms[i] for t in playing]
        per_viewer.append({
            "name": name,
            "offset_to_room_ms": {"mean": round(sum(offs) / len(offs), 1) if offs else None,
                                  **{k: v for k, v in stats([abs(o) for o in offs]).items() if k != "n"}},
            "ticks_off_rate": sum(1 for t in playing if abs(t.rates[i] - 1.0) > 0.001),
        })
    pairs = [abs(t.positions_ms[i] - t.positions_ms[j]) for t in playing
             for i in range(len(names)) for j in range(i + 1, len(names))]
    return {"ticks": len(ticks), "ticks_all_playing": len(playing), "spread_ms": stats(spreads, (50, 95, 99)),
            "pairwise_offset_ms": stats(pairs, (50, 95, 99)), "per_viewer": per_viewer,
            "noise_ms": sampling_noise(playing)}


def sampling_noise(ticks: Sequence[Tick]) -> dict:
    """How much two successive ticks disagree about one viewer once each is carried to a common
    instant at the first tick's rate: the measurement's own noise (plus any real correction)."""
    diffs = []
    for a, b in zip(ticks, ticks[1:], strict=False):
        for i in range(len(a.positions_ms)):
            predicted = a.positions_ms[i] + (b.t_ms - a.t_ms) * a.rates[i]
            diffs.append(abs(b.positions_ms[i] - predicted))
    return stats(diffs)


def start_instants(probes: Sequence[dict], anchor_ms: float | None) -> dict:
    """From the page probes of one scheduled start: the spread of the effective start instants
    (media clock running, extrapolated back to each video's held position), each one minus the
    anchor, the same for the first visible advance, and where each video was held (minus the
    room's position). A viewer that was never paused near the held position before it played
    missed the hold (its start was a catch-up) and counts in `missed_hold`."""
    def spread(values: list[float | None]) -> float | None:
        got = [x for x in values if x is not None]
        return round(max(got) - min(got), 1) if got and len(got) == len(values) else None

    def minus(values: list[float | None], ref: float | None) -> list[float | None]:
        return [None if x is None or ref is None else round(x - ref, 1) for x in values]

    starts = [p.get("startWall") for p in probes]
    firsts = [p.get("firstMoveWall") for p in probes]
    return {
        "spread_ms": spread(starts),
        "vs_anchor_ms": minus(starts, anchor_ms),
        "first_advance_spread_ms": spread(firsts),
        "first_advance_vs_anchor_ms": minus(firsts, anchor_ms),
        "held_error_ms": [None if p.get("pausedCt") is None or p.get("heldS") is None
                          else round((p["pausedCt"] - p["heldS"]) * 1000, 1) for p in probes],
        "nudged_before_settled": sum(1 for p in probes if p.get("nudged")),
        "missed_hold": sum(1 for p in probes if p.get("pausedCt") is None),
        "missing": sum(1 for s in starts if s is None),
    }


def summarize_runs(values: Sequence[float | None]) -> dict:
    got = [v for v in values if v is not None]
    return {**stats(got), "missing": len(values) - len(got)}
