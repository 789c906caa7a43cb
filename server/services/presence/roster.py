"""The roster a room shows: connected members with role, devices and sync health.

Built from the presence records (in this process, or the Redis hash with a message queue): each
socket's record carries its user's name, picture and role as its connection keeps them
(presence/membership.py), so a roster costs no query; only a role a membership change left
unknown is read from the database."""
from __future__ import annotations

from dataclasses import dataclass

from server.domain.constants import ROSTER_READ_SHARE_MS
from server.domain.room_clock import MemberView, Playback
from server.extensions import db, socketio
from server.models import Room, RoomMembership
from server.services.presence.store import Conn
from server.services.rooms import load_playback
from server.services.runtime import rt
from server.timeutil import now_ms


def broadcast_presence(room: Room, users: dict[int, list[dict]] | None = None) -> None:
    """The room's roster to everyone in it; `users`: its presence already read (the folds read
    a chunk of rooms in one round trip), else read here."""
    pb = load_playback(room)
    members = roster(room, pb, users)
    socketio.emit("presence.update", {"members": members, "version": room.version, "owner_id": room.owner_id},
                  to=room.code)


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


ROLE_ORDER = {"owner": 0, "operator": 1, "participant": 2}


def roster(room: Room, playback: Playback, users: dict[int, list[dict]] | None = None) -> list[dict]:
    return roster_and_players(room, playback, users=users)[0]


def roster_and_players(room: Room, playback: Playback, *, limit: int | None = None,
                       reader: Conn | None = None, users: dict[int, list[dict]] | None = None,
                       ) -> tuple[list[dict], list[MemberView], int]:
    """The roster (owner, operators, then by name), its members that have a player as the room
    clock reads them (the same as connected_views), and how many members there are.

    With `limit` (a room read by one member, see ROSTER_READ_MAX) only the first `limit` rows are
    built, the reader's own always among them, and a room bigger than `limit` is ordered once for
    all reads within ROSTER_READ_SHARE_MS: a crowd joining at 250/s would otherwise order the
    whole room (and read its presence) for every one of them. Such a shared read can miss who
    joined in its last few hundred milliseconds (the reader's own row is always added); the
    room's next presence.update is exact. A join's ack counts the votes from the players read
    here instead of reading the room's presence a second time."""
    ordered = _shared_order(room, limit)
    if ordered is None:
        if users is None:
            users = rt().presence.users_in_room(room.code)
        ordered = _order(room, users)
        if limit is not None and len(ordered.keyed) > limit:
            _remember_order(room.code, ordered)
    keyed, players = ordered.keyed, ordered.players
    total = len(keyed)
    if limit is not None and len(keyed) > limit:
        page = keyed[:limit]
        if reader is not None and all(k[0][2] != reader.user_id for k in page):
            found = ordered.row_of(reader.user_id)
            own = [found] if found is not None else []
            if not own and reader.room_code == room.code:  # joined after the shared order was made
                rec = reader.record()
                role = member_roles(room, {reader.user_id: [rec]}).get(reader.user_id)  # (its own, or read)
                if role is not None:
                    own = [(_key(reader.user_id, role, rec), role, rec, [rec])]
                    total += 1
            page = keyed[:limit - len(own)] + own
    else:
        page = keyed
    ready, in_ad = set(playback.ready), set(playback.in_ad)  # (tuples: a lookup per member would be O(N))
    rows = [member_row(key[2], role, main, recs, playback, ready, in_ad) for key, role, main, recs in page]
    return rows, players, total


Row = tuple[tuple[int, str, int], str, dict, list[dict]]  # (sort key, role, main record, records)


@dataclass
class Ordered:
    """A room's members in roster order, and those with a player as the clock reads them."""

    keyed: list[Row]
    players: list[MemberView]
    _at: dict[int, int] | None = None

    def row_of(self, user_id: int) -> Row | None:
        """A member's row (an index built once: a shared order serves a crowd of readers)."""
        if self._at is None:
            self._at = {key[2]: i for i, (key, _role, _main, _recs) in enumerate(self.keyed)}
        at = self._at.get(user_id)
        return None if at is None else self.keyed[at]


def _order(room: Room, users: dict[int, list[dict]]) -> Ordered:
    keyed, players = [], []
    for user_id, role in member_roles(room, users).items():
        recs = users[user_id]
        main = recs[0] if len(recs) == 1 else next((r for r in recs if r["device"] == PLAYER_DEVICE), recs[0])
        keyed.append((_key(user_id, role, main), role, main, recs))
        view = player_view(user_id, role, recs)
        if view is not None:
            players.append(view)
    keyed.sort(key=lambda k: k[0])
    players.sort(key=lambda view: view.user_id)
    return Ordered(keyed, players)


def _key(user_id: int, role: str, main: dict) -> tuple[int, str, int]:
    """Where a member stands in the roster: owner, operators, then the rest, each by name."""
    return ROLE_ORDER.get(role, 3), (main.get("name") or "").lower(), user_id


def _shared_order(room: Room, limit: int | None) -> Ordered | None:
    if limit is None:
        return None
    shared = rt().limiters.get("roster_reads", {}).get(room.code)
    if shared is None or now_ms() - shared[0] > ROSTER_READ_SHARE_MS or len(shared[1].keyed) <= limit:
        return None
    return shared[1]


def _remember_order(code: str, ordered: Ordered) -> None:
    reads = rt().limiters.setdefault("roster_reads", {})
    now = now_ms()
    for stale in [c for c, (at, _o) in reads.items() if now - at > ROSTER_READ_SHARE_MS]:
        del reads[stale]  # (only big rooms' orders are kept, each for a moment)
    reads[code] = (now, ordered)


def member_row(user_id: int, role: str, main: dict, recs: list[dict], playback: Playback,
               ready: set[int], in_ad: set[int]) -> dict:
    """One member as the roster shows them (`main`: the record of their player, if any)."""
    status = main.get("status") or {}
    return {
        "user_id": user_id, "name": main.get("name") or "", "picture": main.get("picture"), "role": role,
        "devices": sorted({r["device"] for r in recs}), "connected": True,
        "ready": user_id in ready, "in_ad": user_id in in_ad,
        "offset_ms": main.get("offset_ms", 0), "rtt_ms": main.get("rtt_ms", 0),
        "position_ms": status.get("position_ms"), "buffering": bool(status.get("buffering")),
        "drift_ms": drift_ms(playback, status), "status_ms": status.get("at_ms"),
        # another extension (SponsorBlock) skips a segment there: knowingly ahead of the room
        "skipping": bool(status.get("skipping")) and status.get("entry_id") == playback.entry_id,
    }


def player_view(user_id: int, role: str, recs: list[dict]) -> MemberView | None:
    """A member as the room clock reads them, or None without a player (a remote alone has
    nothing to load): role, worst rtt — the server's own measure (`lead_rtt_ms`), never what a
    client claims — and when their player last reported (player.status, stamped by the server:
    vote-skip counts those watching)."""
    if len(recs) == 1:  # (most members: one device; a quicker path, the same answer)
        rec = recs[0]
        if rec["device"] != PLAYER_DEVICE:
            return None
        at = (rec.get("status") or {}).get("at_ms")
        return MemberView(user_id, role, int(rec.get("lead_rtt_ms") or 0), None if at is None else int(at))
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
