"""The authorization table: ONE row per socket event and REST route, saying who may do it.

Every case of the matrix (action × room role × control mode × credential) takes its expected
answer from `expected(...)`, which reads only the row's `rule`. The runner
(`authz_runner.py`) builds the situation for real and checks the answer and that a refused
action changed nothing in the room.

Room roles: owner, operator, participant (members, their socket in the room); non_member
(never joined); kicked and banned (were in the room, removed by `member.kick`).
Credentials: guest, google (a Google account), admin (a site admin: no room powers),
remote_here (a phone paired with this room), remote_elsewhere (a phone paired with another
room), revoked (a token signed out: `/auth/logout` bumped its user's token version).
"""
from __future__ import annotations

from dataclasses import dataclass

from server.domain.permissions import may_control

ROLES = ("owner", "operator", "participant", "non_member", "kicked", "banned")
MODES = ("owner_only", "operators", "any")
CREDS = ("guest", "google", "admin", "remote_here", "remote_elsewhere", "revoked")
MEMBER_ROLES = ("owner", "operator", "participant")
OPERATOR_ROLES = ("owner", "operator")
EXTENSION_CREDS = ("guest", "google", "admin")
REMOTE_CREDS = ("remote_here", "remote_elsewhere")


@dataclass(frozen=True)
class Action:
    name: str  # a socket event, or "METHOD /path" for a REST route
    rule: str  # a key of RULES: who may
    payload: str = ""  # a key of the runner's payload builders ("" = {})
    state: str = "playing"  # the room's playback state before the action
    kind: str = "event"  # event | rest | admin (the `/admin` namespace: credentials only, no room role)
    private: bool = False  # the room is private (is_private, with an invite secret)


def inside(role: str, cred: str) -> bool:
    """The actor's socket is in the room (a member who joined, with a credential that can)."""
    return role in MEMBER_ROLES and cred not in ("remote_elsewhere", "revoked")


def has_socket(cred: str) -> bool:
    return cred != "revoked"


# rule → (role, mode, cred) → allowed?
RULES = {
    "any_socket": lambda r, m, c: has_socket(c),
    "member": lambda r, m, c: inside(r, c),
    "operator": lambda r, m, c: inside(r, c) and r in OPERATOR_ROLES,
    "owner": lambda r, m, c: inside(r, c) and r == "owner",
    "control": lambda r, m, c: inside(r, c) and bool(may_control(r, m)),
    "start_now": lambda r, m, c: inside(r, c) and (bool(may_control(r, m)) or r in OPERATOR_ROLES),
    # vote-skip: the members the control mode keeps from skipping (those who may, skip instead)
    "voter": lambda r, m, c: inside(r, c) and not may_control(r, m),
    "player": lambda r, m, c: inside(r, c) and c in EXTENSION_CREDS,
    "join": lambda r, m, c: c not in ("remote_elsewhere", "revoked") and r != "banned",
    "knock": lambda r, m, c: inside(r, c) and c in EXTENSION_CREDS,  # a public room: members only hear "admitted"
    # a private room: members (active memberships) get in, no one else without the secret or a knock
    "join_private": lambda r, m, c: r in MEMBER_ROLES and c not in ("remote_elsewhere", "revoked"),
    "join_with_secret": lambda r, m, c: c not in ("remote_elsewhere", "revoked") and r != "banned",
    "knock_private": lambda r, m, c: c in EXTENSION_CREDS and r != "banned",
    # REST
    "signed_in": lambda r, m, c: c != "revoked",
    "extension_signed_in": lambda r, m, c: c in EXTENSION_CREDS,
    "extension_member": lambda r, m, c: c in EXTENSION_CREDS and r in MEMBER_ROLES,
    "member_or_its_remote": lambda r, m, c: c in (*EXTENSION_CREDS, "remote_here") and r in MEMBER_ROLES,
    "site_admin": lambda r, m, c: c == "admin",
    "nobody": lambda r, m, c: False,
}

TABLE: tuple[Action, ...] = (
    # connection and rooms
    Action("time.sync", "any_socket", "time_sync"),
    Action("join", "join", "join"),
    Action("leave", "any_socket"),
    Action("room.sync", "member"),
    Action("room.settings", "operator", "settings_name"),
    Action("room.settings#password", "operator", "settings_password"),
    Action("room.settings#private", "operator", "settings_private"),
    Action("room.settings#control_mode", "owner", "settings_control_mode"),
    Action("room.settings#listed", "operator", "settings_listed"),
    Action("room.knock", "knock", "join"),
    Action("join#private", "join_private", "join", private=True),
    Action("join#private_with_secret", "join_with_secret", "join_secret", private=True),
    Action("room.knock#private", "knock_private", "join", private=True),
    Action("room.knock_answer", "operator", "knock_answer"),
    # playback
    Action("play", "control", state="paused"),
    Action("pause", "control", "pause"),
    Action("seek", "control", "seek"),
    Action("skip", "control"),
    Action("restart", "control"),
    Action("rate", "control", "rate"),
    Action("start_now", "start_now", state="starting"),
    Action("player.ready", "player", "ready", state="starting"),
    Action("player.ad", "player", "ad"),
    Action("player.buffering", "player", "buffering"),
    Action("player.ended", "player", "ended"),
    Action("player.duration", "player", "duration"),
    Action("player.status", "member", "status"),
    # vote-skip and reactions (issue 16)
    Action("vote.skip", "voter", "vote_skip"),
    Action("vote.clear", "operator"),
    Action("reaction.send", "member", "reaction"),
    # queue
    Action("queue.add", "member", "queue_add"),
    Action("queue.remove#own", "member", "remove_own"),
    Action("queue.remove#other", "control", "remove_other"),
    Action("queue.move", "control", "move"),
    Action("queue.play", "control", "queue_play"),
    Action("queue.load", "member"),
    Action("queue.replay", "member", "replay"),
    Action("queue.playlist", "member", "playlist"),
    Action("queue.shuffle", "operator"),
    # chat
    Action("chat.send", "member", "chat"),
    Action("chat.history", "member"),
    Action("chat.typing", "member"),
    # members
    Action("member.role", "owner", "promote"),
    Action("member.kick", "operator", "kick"),
    Action("room.bans", "operator"),
    Action("room.unban", "operator", "unban"),  # the banned user's role was participant
    # REST
    Action("GET /api/rooms/<code>", "signed_in", kind="rest"),
    Action("POST /api/rooms", "extension_signed_in", kind="rest"),
    Action("POST /api/rooms/<code>/remote-pairings", "extension_member", kind="rest"),
    Action("GET /api/rooms/<code>/remotes", "member_or_its_remote", kind="rest"),
    Action("DELETE /api/remotes/<own other pairing>", "extension_signed_in", kind="rest"),
    Action("DELETE /api/remotes/<host's pairing>", "nobody", kind="rest"),
    Action("GET /auth/me", "signed_in", kind="rest"),
    Action("POST /auth/logout", "signed_in", kind="rest"),
    Action("POST /api/admin/session", "site_admin", kind="rest"),
    # the `/admin` namespace: the dashboard session comes from the credential (POST /api/admin/session)
    Action("admin.history", "site_admin", kind="admin"),
    Action("admin.rooms", "site_admin", kind="admin"),
    Action("admin.room", "site_admin", "admin_code", kind="admin"),
    Action("admin.users", "site_admin", kind="admin"),
    Action("admin.audit", "site_admin", kind="admin"),
    Action("admin.close_room", "site_admin", "admin_code", kind="admin"),
    Action("admin.kick", "site_admin", "admin_kick", kind="admin"),
    Action("admin.ban", "site_admin", "admin_ban", kind="admin"),
    Action("admin.role", "site_admin", "admin_role", kind="admin"),
)

# Actions that may change the room when allowed; any other action must never change it.
ROOM_CHANGING_WHEN_ALLOWED = {
    "join", "join#private", "join#private_with_secret", "room.knock#private", "leave", "room.settings",
    "room.settings#password", "room.settings#private", "room.settings#control_mode",
    "room.settings#listed", "room.knock_answer", "play",
    "pause", "seek", "skip", "restart", "rate", "start_now", "player.ready", "player.ad", "player.ended",
    "player.duration", "queue.add", "queue.remove#own", "queue.remove#other", "queue.move", "queue.play",
    "queue.playlist", "queue.shuffle", "chat.send", "member.role", "member.kick", "room.unban", "queue.replay",
    "POST /api/rooms/<code>/remote-pairings",
    "DELETE /api/remotes/<own other pairing>", "POST /auth/logout",
    "admin.close_room", "admin.kick", "admin.ban", "admin.role",
    "vote.skip", "vote.clear", "reaction.send",
}


def expected(action: Action, role: str, mode: str, cred: str) -> bool:
    return RULES[action.rule](role, mode, cred)


# Allowed actions by someone outside the room that may still change it (entering, knocking).
OUTSIDER_MAY_CHANGE = {"join", "join#private", "join#private_with_secret", "room.knock#private"}


def event_name(action: Action) -> str:
    return action.name.split("#", 1)[0]
