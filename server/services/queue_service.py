"""The shared queue: add, remove, move, durations; limits and duplicate collapse."""
from __future__ import annotations

import logging

from sqlalchemy import func

from server.domain import queue_order
from server.domain.duration_trust import DurationReport, DurationReports, Verdict, judge_duration
from server.domain.permissions import may_add_to_queue, may_control, may_remove_entry
from server.domain.queue_chat_limits import MAX_QUEUED
from server.domain.rate_limit import DuplicateWindow
from server.domain.room_clock import Duration
from server.domain.youtube_urls import VideoRef
from server.errors import ApiError, forbidden, not_found
from server.extensions import db
from server.models import QueueEntry, Room
from server.services.audit import audit
from server.services.clock_runner import run_command
from server.services.queue_broadcast import bump_queue_version, emit_queue
from server.services.request_limits import current_limits
from server.services.room_locks import room_lock
from server.services.rooms import load_playback, queue_entries, role_of
from server.services.runtime import rt
from server.timeutil import now_ms

log = logging.getLogger("sharetube.queue")


def duplicates() -> DuplicateWindow:
    return rt().limiters.setdefault("dup_add", DuplicateWindow())


def member_role(room: Room, user_id: int) -> str:
    role = role_of(room, user_id)
    if role is None:
        raise forbidden("You are not a member of this room")
    return role


def check_add(room: Room, user_id: int, count: int = 1) -> None:
    verdict = may_add_to_queue(member_role(room, user_id), room.queue_locked)
    if not verdict:
        raise forbidden(verdict.reason)
    queued = db.session.execute(db.select(func.count()).select_from(QueueEntry).where(
        QueueEntry.room_id == room.id, QueueEntry.status == "queued")).scalar_one()
    if not queue_order.can_add(queued, count):
        raise ApiError("conflict", f"The queue is full ({MAX_QUEUED} entries)")


def add_entries(room: Room, user_id: int,
                refs: list[tuple[VideoRef, dict]]) -> tuple[list[QueueEntry], list[QueueEntry]]:
    """Add videos (with page metadata the client read); returns (created, collapsed duplicates).

    Caller has checked permission. Each created entry counts against the queue.add limit.
    """
    now = now_ms()
    created: list[QueueEntry] = []
    reused: list[QueueEntry] = []
    position = next_position(room)
    for ref, meta in refs:
        key = (room.id, user_id, ref.video_id)
        earlier = duplicates().recall(key, now)
        if earlier is not None:
            entry = db.session.get(QueueEntry, earlier)
            if entry is not None and entry.status in queue_order.LIVE_STATUSES:
                reused.append(entry)
                continue
        wait = current_limits().hit("queue.add", user_id)
        if wait:
            if created or reused:
                break
            raise ApiError("rate_limited", "You are adding videos too fast; wait a moment", retry_after_ms=wait)
        entry = new_entry(room, user_id, ref, meta, position)
        position += 1
        db.session.flush()
        duplicates().remember(key, now, entry.id)
        created.append(entry)
    if created:
        bump_queue_version(room)
        audit(room.id, user_id, "queue.add", after=[e.video_id for e in created], version=room.queue_version)
    return created, reused


def next_position(room: Room) -> int:
    """The position after every entry the room ever had (history included: positions only grow)."""
    top = db.session.execute(db.select(func.max(QueueEntry.position)).where(QueueEntry.room_id == room.id)).scalar()
    return (top or 0) + 1


def new_entry(room: Room, user_id: int, ref: VideoRef, meta: dict, position: int) -> QueueEntry:
    """A queued entry for `ref`, added to the session; `meta` is what is known of the video
    (title, author, thumbnail_url, duration_ms; each may be missing)."""
    entry = QueueEntry(room_id=room.id, video_id=ref.video_id, url=ref.canonical_url, start_ms=ref.start_ms,
                       added_by=user_id, status="queued", position=position, title=meta.get("title"),
                       author=meta.get("author"), thumbnail_url=meta.get("thumbnail_url"),
                       duration_ms=meta.get("duration_ms"))
    db.session.add(entry)
    return entry


def get_entry(room: Room, entry_id: int) -> QueueEntry:
    entry = db.session.get(QueueEntry, entry_id)
    if entry is None or entry.room_id != room.id:
        raise not_found("No such entry in this room's queue")
    return entry


def remove_entry(room: Room, user_id: int, entry_id: int) -> None:
    with room_lock(room.code):
        _remove_entry(room, user_id, entry_id)


def _remove_entry(room: Room, user_id: int, entry_id: int) -> None:
    entry = get_entry(room, entry_id)
    if entry.status != "queued":
        raise ApiError("conflict", "Only queued entries can be removed (skip the one playing)")
    verdict = may_remove_entry(member_role(room, user_id), room.control_mode, entry.added_by, user_id)
    if not verdict:
        raise forbidden(verdict.reason)
    entry.status = "skipped"
    entry.finished_ms = now_ms()
    bump_queue_version(room)
    audit(room.id, user_id, "queue.remove", before={"entry_id": entry.id, "video_id": entry.video_id},
          version=room.queue_version)
    db.session.commit()
    log.info("room=%s event=queue.remove entry=%s qv=%s by=u%s", room.code, entry.id, room.queue_version, user_id)
    emit_queue(room)


def move_entry(room: Room, user_id: int, entry_id: int, to_index: int) -> None:
    with room_lock(room.code):
        _move_entry(room, user_id, entry_id, to_index)


def _move_entry(room: Room, user_id: int, entry_id: int, to_index: int) -> None:
    verdict = may_control(member_role(room, user_id), room.control_mode)
    if not verdict:
        raise forbidden(verdict.reason)
    queued = [e for e in queue_entries(room) if e.status == "queued"]
    order = [e.id for e in queued]
    try:
        new_order = queue_order.move(order, entry_id, to_index)
    except queue_order.UnknownEntry:
        raise not_found("No such queued entry in this room") from None
    if new_order == order:
        return
    by_id = {e.id: e for e in queued}
    base = min((e.position for e in queued), default=1)
    for offset, eid in enumerate(new_order):
        by_id[eid].position = base + offset
    bump_queue_version(room)
    audit(room.id, user_id, "queue.move", before=order, after=new_order, version=room.queue_version)
    db.session.commit()
    log.info("room=%s event=queue.move entry=%s to=%s qv=%s by=u%s", room.code, entry_id, to_index,
             room.queue_version, user_id)
    emit_queue(room)


def duration_reports() -> DurationReports:
    return rt().limiters.setdefault("duration_reports", DurationReports())


def set_duration(room: Room, entry_id: int, duration_ms: int, user_id: int, *, operator: bool,
                 is_player: bool) -> Verdict:
    """A client reported an entry's duration: store it (on the entry and, if current, on the
    clock) only when `judge_duration` trusts it; say why either way."""
    entry = get_entry(room, entry_id)
    pb = load_playback(room)
    current = pb.entry_id == entry.id
    position = pb.raw_position_at(now_ms()) if current and pb.state in ("playing", "paused") else None
    report = DurationReport(user_id, duration_ms, operator=operator, shows_video=is_player and current)
    reports = duration_reports()
    verdict = judge_duration(entry.duration_ms, report, reports.others(entry.id, user_id), position)
    reports.record(entry.id, user_id, duration_ms)
    log.info("room=%s event=duration_report entry=%s ms=%s known=%s accept=%s reason=%s by=u%s", room.code,
             entry.id, duration_ms, entry.duration_ms, verdict.accept, verdict.reason, user_id)
    if not verdict.accept:
        return verdict
    entry.duration_ms = duration_ms
    bump_queue_version(room)
    db.session.commit()
    emit_queue(room)
    run_command(room.code, lambda _r, _p: Duration(actor=user_id, entry_id=entry_id, duration_ms=duration_ms),
                actor_id=None)
    return verdict
