"""The roster a room shows: connected members with role, devices and sync health."""
from __future__ import annotations

from server.domain.room_clock import MemberView, Playback
from server.extensions import db, socketio
from server.models import Room, RoomMembership, User
from server.services.rooms import load_playback
from server.services.runtime import rt


def broadcast_presence(room: Room) -> None:
    pb = load_playback(room)
    socketio.emit("presence.update", {"members": roster(room, pb), "version": room.version}, to=room.code)


def roster(room: Room, playback: Playback) -> list[dict]:
    users = rt().presence.users_in_room(room.code)
    if not users:
        return []
    rows = db.session.execute(
        db.select(RoomMembership, User).join(User, User.id == RoomMembership.user_id)
        .where(RoomMembership.room_id == room.id, RoomMembership.user_id.in_(list(users)))
    ).all()
    members = []
    for m, user in rows:
        if m.banned or not m.active:
            continue
        recs = users[user.id]
        main = next((r for r in recs if r["device"] == "extension"), recs[0])
        status = main.get("status") or {}
        members.append({
            "user_id": user.id, "name": user.name, "picture": user.picture, "role": m.role,
            "devices": sorted({r["device"] for r in recs}), "connected": True,
            "ready": user.id in playback.ready, "in_ad": user.id in playback.in_ad,
            "offset_ms": main.get("offset_ms", 0), "rtt_ms": main.get("rtt_ms", 0),
            "position_ms": status.get("position_ms"), "buffering": bool(status.get("buffering")),
            "drift_ms": drift_ms(playback, status), "status_ms": status.get("at_ms"),
            # another extension (SponsorBlock) skips a segment there: knowingly ahead of the room
            "skipping": bool(status.get("skipping")) and status.get("entry_id") == playback.entry_id,
        })
    order = {"owner": 0, "operator": 1, "participant": 2}
    members.sort(key=lambda x: (order.get(x["role"], 3), x["name"].lower(), x["user_id"]))
    return members


def drift_ms(playback: Playback, status: dict) -> int | None:
    """How far a member's last reported position is from the room clock (positive: ahead)."""
    pos, at = status.get("position_ms"), status.get("at_ms")
    if pos is None or at is None or status.get("in_ad") or status.get("entry_id") != playback.entry_id:
        return None
    if playback.state != "playing" or at < playback.anchor_ms:
        return None
    return int(pos - playback.position_at(at))


def connected_views(room: Room) -> list[MemberView]:
    """Connected, non-banned members with a player, as the room clock may read them: role, worst
    rtt — the server's own measure (`lead_rtt_ms`), never what a client claims — and when their
    player last reported (player.status, stamped by the server: vote-skip counts those watching)."""
    users = rt().presence.users_in_room(room.code)
    if not users:
        return []
    rows = db.session.execute(
        db.select(RoomMembership.user_id, RoomMembership.role)
        .where(RoomMembership.room_id == room.id, RoomMembership.user_id.in_(list(users)),
               RoomMembership.banned.is_(False), RoomMembership.active.is_(True))
    ).all()
    views = []
    for user_id, role in rows:
        # Only devices that play video count for ready checks: a remote alone has nothing to load.
        players = [r for r in users[user_id] if r["device"] == "extension"]
        if players:
            reports = [int(at) for r in players if (at := (r.get("status") or {}).get("at_ms")) is not None]
            views.append(MemberView(user_id, role, max(int(r.get("lead_rtt_ms") or 0) for r in players),
                                    max(reports) if reports else None))
    return sorted(views, key=lambda view: view.user_id)
