"""The roster a room shows: connected members with role, devices and sync health.

Built from the presence records (in this process, or the Redis hash with a message queue): each
socket's record carries its user's name, picture and role as its connection keeps them
(presence/membership.py), so a roster costs no query; only a role a membership change left
unknown is read from the database."""
from __future__ import annotations

from server.domain.room_clock import MemberView, Playback
from server.extensions import db, socketio
from server.models import Room, RoomMembership
from server.services.rooms import load_playback
from server.services.runtime import rt


def broadcast_presence(room: Room) -> None:
    pb = load_playback(room)
    members = roster(room, pb)
    socketio.emit("presence.update", {"members": members, "members_total": len(members), "version": room.version,
                                      "owner_id": room.owner_id}, to=room.code)


def member_roles(room: Room, users: dict[int, list[dict]]) -> dict[int, str]:
    """The role of each present user: from their records, or (unknown or disagreeing) from the
    database. A user missing from the answer is not a member (any more)."""
    roles: dict[int, str] = {}
    unknown = []
    for user_id, recs in users.items():
        known = {r.get("role") for r in recs}
        role = known.pop() if len(known) == 1 else None
        if isinstance(role, str):
            roles[user_id] = role
        else:
            unknown.append(user_id)
    if unknown:
        rows = db.session.execute(
            db.select(RoomMembership.user_id, RoomMembership.role)
            .where(RoomMembership.room_id == room.id, RoomMembership.user_id.in_(unknown),
                   RoomMembership.banned.is_(False), RoomMembership.active.is_(True))).all()
        roles.update({user_id: role for user_id, role in rows})
    return roles


PLAYER_DEVICE = "extension"  # the device that plays the video: the clock and the votes count it


def roster(room: Room, playback: Playback) -> list[dict]:
    return roster_and_players(room, playback)[0]


def roster_and_players(room: Room, playback: Playback) -> tuple[list[dict], list[MemberView]]:
    """The roster, and its members that have a player as the room clock reads them (the same
    rows as connected_views): a join's ack counts the votes from the roster it builds anyway
    instead of reading the room's presence a second time (an O(N) read per join in a room of N)."""
    users = rt().presence.users_in_room(room.code)
    if not users:
        return [], []
    members, players = [], []
    ready, in_ad = set(playback.ready), set(playback.in_ad)  # (tuples: a lookup per member would be O(N))
    for user_id, role in member_roles(room, users).items():
        recs = users[user_id]
        main = recs[0] if len(recs) == 1 else next((r for r in recs if r["device"] == PLAYER_DEVICE), recs[0])
        status = main.get("status") or {}
        members.append({
            "user_id": user_id, "name": main.get("name") or "", "picture": main.get("picture"), "role": role,
            "devices": sorted({r["device"] for r in recs}), "connected": True,
            "ready": user_id in ready, "in_ad": user_id in in_ad,
            "offset_ms": main.get("offset_ms", 0), "rtt_ms": main.get("rtt_ms", 0),
            "position_ms": status.get("position_ms"), "buffering": bool(status.get("buffering")),
            "drift_ms": drift_ms(playback, status), "status_ms": status.get("at_ms"),
            # another extension (SponsorBlock) skips a segment there: knowingly ahead of the room
            "skipping": bool(status.get("skipping")) and status.get("entry_id") == playback.entry_id,
        })
        view = player_view(user_id, role, recs)
        if view is not None:
            players.append(view)
    order = {"owner": 0, "operator": 1, "participant": 2}
    members.sort(key=lambda x: (order.get(x["role"], 3), x["name"].lower(), x["user_id"]))
    return members, sorted(players, key=lambda view: view.user_id)


def player_view(user_id: int, role: str, recs: list[dict]) -> MemberView | None:
    """A member as the room clock reads them, or None without a player (a remote alone has
    nothing to load): role, worst rtt — the server's own measure (`lead_rtt_ms`), never what a
    client claims — and when their player last reported (player.status, stamped by the server:
    vote-skip counts those watching)."""
    players = [r for r in recs if r["device"] == PLAYER_DEVICE]
    if not players:
        return None
    reports = [int(at) for r in players if (at := (r.get("status") or {}).get("at_ms")) is not None]
    return MemberView(user_id, role, max(int(r.get("lead_rtt_ms") or 0) for r in players),
                      max(reports) if reports else None)


def drift_ms(playback: Playback, status: dict) -> int | None:
    """How far a member's last reported position is from the room clock (positive: ahead)."""
    pos, at = status.get("position_ms"), status.get("at_ms")
    if pos is None or at is None or status.get("in_ad") or status.get("entry_id") != playback.entry_id:
        return None
    if playback.state != "playing" or at < playback.anchor_ms:
        return None
    return int(pos - playback.position_at(at))


def connected_views(room: Room) -> list[MemberView]:
    """Connected, non-banned members with a player, as the room clock may read them (player_view)."""
    users = rt().presence.users_in_room(room.code)
    if not users:
        return []
    views = [view for user_id, role in member_roles(room, users).items()
             if (view := player_view(user_id, role, users[user_id])) is not None]
    return sorted(views, key=lambda view: view.user_id)
