"""Run one room-clock command: load → apply (pure) → persist with compare-and-set → emit.

A transition is one short transaction guarded by the room's version, so two processes (or two
greenlets) can never both advance a room: the loser reloads and applies its command to the new
state. Emits happen only after the commit.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, overload

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from server.domain import room_clock as clock
from server.domain.room_clock import Advanced, Command, EntryRef, MemberView, Playback, Refused, RoomContext, System
from server.errors import ApiError
from server.extensions import db, socketio
from server.models import QueueEntry, Room
from server.services import room_snapshots
from server.services.audit import audit_now
from server.services.presence.roster import connected_views
from server.services.queue_broadcast import bump_queue_version, emit_queue
from server.services.room_codes import normalize_code
from server.services.room_locks import room_lock
from server.services.room_settings import clock_settings
from server.services.rooms import fresh_room, load_playback, queue_entries
from server.services.runtime import rt
from server.services.system_messages import command_text, effect_text, stage_lines
from server.timeutil import now_ms as clock_now

log = logging.getLogger("sharetube.clock")
MAX_CAS_ATTEMPTS = 12
# Called after a committed change that put a new entry on the room (or none): (room, playback).
# Services that follow the current entry register here (segment_jobs), so this module needs none.
ENTRY_CHANGED_HOOKS: list[Callable[[Room, Playback], None]] = []


@dataclass
class Outcome:
    room: Room
    playback: Playback
    effects: list = field(default_factory=list)
    changed: bool = False


class RoomMembers(Sequence[MemberView]):
    """The room's connected members as the clock reads them (connected_views), read when a
    transition first looks: a pause, a seek while paused or a settings change never does, and the
    read is O(N) in the room's size (its presence, a roster's roles)."""

    def __init__(self, room: Room) -> None:
        self._room = room
        self._views: tuple[MemberView, ...] | None = None

    def _read(self) -> tuple[MemberView, ...]:
        if self._views is None:
            self._views = tuple(connected_views(self._room))
        return self._views

    @overload
    def __getitem__(self, index: int) -> MemberView: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[MemberView, ...]: ...

    def __getitem__(self, index: int | slice) -> MemberView | tuple[MemberView, ...]:
        return self._read()[index]

    def __len__(self) -> int:
        return len(self._read())

    def __iter__(self) -> Iterator[MemberView]:
        return iter(self._read())


def build_context(room: Room, entries: list[QueueEntry], current_id: int | None) -> RoomContext:
    cfg = current_app.config["ST"]
    members = RoomMembers(room)
    nxt = next((e for e in entries if e.status == "queued" and e.id != current_id), None)
    ref = entry_ref(nxt) if nxt else None
    playing = next((e for e in entries if e.id == current_id), None) if current_id is not None else None
    return RoomContext(members=members, next_entry=ref, current_entry=entry_ref(playing) if playing else None,
                       **clock_settings(room),
                       start_buffer_ms=cfg.PLAYBACK_START_BUFFER_MS, start_timeout_ms=cfg.START_TIMEOUT_MS,
                       ad_hold_timeout_ms=cfg.AD_HOLD_TIMEOUT_MS, end_grace_ms=cfg.END_GRACE_MS)


def entry_ref(entry: QueueEntry) -> EntryRef:
    return EntryRef(entry.id, entry.video_id, entry.duration_ms, entry.start_ms or 0)


def run_command(code: str, make_command: Callable[[Room, Playback], Command], *,
                actor_id: int | None, check: Callable[[Room, Playback], None] | None = None,
                now: int | None = None, actor_name: str | None = None) -> Outcome:
    """Apply a command built from the room's state; retry on a lost compare-and-set.
    `actor_name` (the caller's connection knows it) saves looking the actor up for the line."""
    norm = normalize_code(code) or code
    with room_lock(norm):
        return _run_locked(norm, make_command, actor_id=actor_id, actor_name=actor_name, check=check, now=now)


def _load(norm: str, use_snapshot: bool) -> tuple[Room, list[QueueEntry] | None, bool]:
    """The room and its queued/playing entries: this process's snapshot of its last commit when
    it has one (no query; the compare-and-set checks it is still current), else a fresh read of
    the room (its entries None: read when the command needs them)."""
    attached = room_snapshots.attach(norm) if use_snapshot else None
    if attached is not None:
        return attached[0], attached[1], True
    room = fresh_room(norm)  # (a room this session loaded before an earlier commit is read again)
    if room is None or room.closed_ms is not None:
        room_snapshots.forget(norm)
        raise ApiError("not_found", "No room has that code (it may have been closed)")
    return room, None, False


def _run_locked(norm: str, make_command, *, actor_id, actor_name, check, now) -> Outcome:
    use_snapshot = True
    attempts = 0
    while attempts < MAX_CAS_ATTEMPTS:
        room, entries, from_snapshot = _load(norm, use_snapshot)
        pb = load_playback(room)
        try:
            if check is not None:
                check(room, pb)
            command = make_command(room, pb)
            t = clock_now() if now is None else now
            if not command.may_change(pb):  # (a join into a room that is not starting)
                if from_snapshot and not _snapshot_current(room, pb.version):
                    room_snapshots.forget(norm)
                    use_snapshot = False
                    continue
                db.session.rollback()
                return Outcome(room, pb)
            if entries is None:  # (a fresh read: a command that cannot change the room never reads them)
                entries = queue_entries(room)
            ctx = build_context(room, entries, pb.entry_id)
            new, effects = clock.apply(pb, command, ctx, t)
        except (Refused, ApiError) as exc:
            # refused on a snapshot: it stands when the row still holds every fact it was decided
            # on (one small read; the snapshot is kept), else decide again on what the database holds
            if from_snapshot and not _snapshot_current(room, pb.version):
                room_snapshots.forget(norm)
                use_snapshot = False
                continue
            db.session.rollback()
            if isinstance(exc, Refused):
                raise ApiError(exc.code, exc.message) from None
            raise
        if new is pb:  # nothing to change: as a refusal, on a snapshot only while it is current
            if from_snapshot and not _snapshot_current(room, pb.version):
                room_snapshots.forget(norm)
                use_snapshot = False
                continue
            db.session.rollback()
            return Outcome(room, pb)
        if not _compare_and_set(room, pb, new, t):
            db.session.rollback()
            room_snapshots.forget(norm)
            use_snapshot = False
            attempts += 1
            continue
        queue_changed = _apply_effects(room, effects, t)
        if command.AUDITED:
            audit_now(room.id, actor_id, command.audit_action(), before=_brief(pb), after=_brief(new),
                      version=new.version)
        lines = [effect_text(e) for e in effects if isinstance(e, System)]
        lines.append(command_text(command, actor_id, pb, new, actor_name=actor_name))
        staged = stage_lines(room, *lines)  # in the same transaction: one commit per command
        db.session.commit()
        rt().due_board.note(norm, room.due_ms)  # (inside the lock: notes reach the board in order)
        if queue_changed:  # entries moved on: the next command reads the queue afresh
            room_snapshots.forget(norm)
        else:
            room_snapshots.keep(room, entries)
        log.info("room=%s %s", room.code, clock.describe_transition(pb, new, command))
        # the lines ride in the change's own room.playback (`notes`): no second frame to everyone
        emit_playback(room.code, new, [msg.to_wire() for msg in staged])
        if queue_changed:
            emit_queue(room)
        if new.entry_id != pb.entry_id:
            for hook in ENTRY_CHANGED_HOOKS:
                hook(room, new)
        return Outcome(room, new, effects, True)
    raise ApiError("conflict", "The room is changing too fast; try again")


def _snapshot_current(room: Room, version: int) -> bool:
    """Whether the room's row still holds every fact a decision on its snapshot read — the version
    and the compare-and-set's guards (room_snapshots.guards) — so a refusal or a no-op decided on
    it is what a fresh read would decide: one small read, where deciding again on a fresh load
    would read the room and its queue (another process, or the background pool's clock, may have
    moved the room since this process's last commit). Ends the transaction either way."""
    guard = room_snapshots.guarded(room, version)  # (before the rollback)
    found = db.session.execute(_confirm_statement(guard.shape), guard.params).first()
    db.session.rollback()
    return found is not None


@lru_cache(maxsize=16)
def _confirm_statement(shape: frozenset[str]) -> Any:
    return select(room_snapshots.ROOMS.c.id).where(*room_snapshots.guard_terms(shape))


@lru_cache(maxsize=16)
def _cas_statement(shape: frozenset[str]) -> Any:
    """The compare-and-set: Core, built once per guard shape. The ORM's bulk UPDATE built afresh
    for each command cost ~440 µs more CPU than this one (SQLite, this machine; issue 15)."""
    return (update(room_snapshots.ROOMS).where(*room_snapshots.guard_terms(shape))
            .values(playback=bindparam("n_playback"), version=bindparam("n_version"), due_ms=bindparam("n_due_ms"),
                    updated_ms=bindparam("n_now"), last_active_ms=bindparam("n_now")))


def _compare_and_set(room: Room, old: Playback, new: Playback, now: int) -> bool:
    """One UPDATE guarded by the version and every other fact the command was decided on
    (room_snapshots.guarded); on success the loaded room takes the new values (no re-read)."""
    due = clock.next_due_ms(new, current_app.config["ST"].END_GRACE_MS, now)
    record = json.dumps(new.to_record())
    guard = room_snapshots.guarded(room, old.version)
    result: Any = db.session.execute(_cas_statement(guard.shape), {
        **guard.params, "n_playback": record, "n_version": new.version, "n_due_ms": due, "n_now": now})
    if result.rowcount != 1:
        return False
    set_committed_value(room, "version", new.version)
    set_committed_value(room, "playback", record)
    set_committed_value(room, "due_ms", due)
    set_committed_value(room, "updated_ms", now)
    set_committed_value(room, "last_active_ms", now)
    return True


def _apply_effects(room: Room, effects: list, now: int) -> bool:
    changed = False
    for effect in effects:
        if not isinstance(effect, Advanced):
            continue
        if effect.from_entry_id is not None and effect.from_status:
            prev = db.session.get(QueueEntry, effect.from_entry_id)
            if prev is not None and prev.room_id == room.id:
                prev.status = effect.from_status
                prev.finished_ms = now
                if effect.requeue:
                    requeue_copy(room, prev)
        if effect.to_entry_id is not None:
            nxt = db.session.get(QueueEntry, effect.to_entry_id)
            if nxt is not None and nxt.room_id == room.id:
                nxt.status = "playing"
        changed = True
    if changed:
        bump_queue_version(room)
    return changed


def requeue_copy(room: Room, entry: QueueEntry) -> QueueEntry:
    """repeat "all": the played entry again, as a new queued entry at the end (its history row stays)."""
    top = db.session.execute(db.select(func.max(QueueEntry.position))
                             .where(QueueEntry.room_id == room.id)).scalar()
    copy = QueueEntry(room_id=room.id, video_id=entry.video_id, url=entry.url, title=entry.title,
                      author=entry.author, thumbnail_url=entry.thumbnail_url, duration_ms=entry.duration_ms,
                      start_ms=entry.start_ms or 0, added_by=entry.added_by, status="queued",
                      position=(top or 0) + 1)
    db.session.add(copy)
    db.session.flush()
    log.info("room=%s event=repeat.requeue entry=%s as=%s", room.code, entry.id, copy.id)
    return copy


def _brief(pb: Playback) -> dict:
    return {"state": pb.state, "entry_id": pb.entry_id, "position_ms": pb.position_ms, "rate": pb.rate}


def emit_playback(code: str, pb: Playback, notes: list[dict] | None = None) -> None:
    """The new playback to the room; the system chat lines of the change ride along as `notes`
    (one frame per change instead of a room.playback and a chat.message each)."""
    payload = pb.to_wire()
    if notes:
        payload["notes"] = notes
    socketio.emit("room.playback", payload, to=code)
