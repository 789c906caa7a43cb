"""Who may do what in a room. Pure: roles and settings in, a Verdict out.

A `Verdict` is truthy when allowed and carries the human-readable reason when refused, so
both `if may_control(role, mode):` and `allowed, reason = may_control(role, mode)` work.
Roles rank owner > operator > participant; a room has exactly one owner.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from server.domain.constants import CONTROL_MODES, ROLES
from server.domain.room_settings import OWNER_ONLY

OPERATOR_ROLES = ("owner", "operator")
OWNER_ONLY_SETTINGS = OWNER_ONLY  # declared per setting in room_settings.py


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def __iter__(self) -> Iterator[bool | str]:
        yield self.allowed
        yield self.reason


ALLOWED = Verdict(True)


def _refused(reason: str) -> Verdict:
    return Verdict(False, reason)


def role_rank(role: str) -> int:
    """0 for the owner, 1 for an operator, 2 for a participant; ValueError for anything else."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return ROLES.index(role)


def is_operator_or_owner(role: str) -> bool:
    return role in OPERATOR_ROLES


def may_control(role: str, control_mode: str) -> Verdict:
    """Playback and queue-order controls under the room's control_mode."""
    if role not in ROLES:
        return _refused("You are not a member of this room")
    if control_mode not in CONTROL_MODES:
        raise ValueError(f"unknown control_mode {control_mode!r}")
    if control_mode == "owner_only" and role != "owner":
        return _refused("Only the room owner controls playback in this room")
    if control_mode == "operators" and not is_operator_or_owner(role):
        return _refused("Only the owner and operators control playback in this room")
    return ALLOWED


def may_add_to_queue(role: str, queue_locked: bool) -> Verdict:
    if role not in ROLES:
        return _refused("You are not a member of this room")
    if queue_locked and not is_operator_or_owner(role):
        return _refused("The queue is locked: only the owner and operators add videos")
    return ALLOWED


def may_shuffle(role: str) -> Verdict:
    """Shuffling (and undoing a shuffle) reorders everyone's entries: owner and operators, in
    every control mode."""
    if role not in ROLES:
        return _refused("You are not a member of this room")
    if not is_operator_or_owner(role):
        return _refused("Only the owner and operators shuffle the queue")
    return ALLOWED


def may_remove_entry(
    role: str, control_mode: str, added_by: int | None, user_id: int
) -> Verdict:
    """Anyone removes their own entries; someone else's needs playback control."""
    if role not in ROLES:
        return _refused("You are not a member of this room")
    if added_by is not None and added_by == user_id:
        return ALLOWED
    if not may_control(role, control_mode):
        return _refused("You can only remove videos you added")
    return ALLOWED


def may_change_settings(role: str, keys: Iterable[str] = ()) -> Verdict:
    """Owner and operators change settings; only the owner changes control_mode."""
    if not is_operator_or_owner(role):
        return _refused("Only the owner and operators change room settings")
    if role != "owner" and OWNER_ONLY_SETTINGS.intersection(keys):
        return _refused("Only the room owner changes who controls playback")
    return ALLOWED


def may_set_role(actor_role: str, target_role_before: str, new_role: str) -> Verdict:
    """The owner promotes and demotes; handing ownership over is the only way it moves."""
    if new_role not in ROLES:
        return _refused(f"Unknown role {new_role!r}")
    if actor_role != "owner":
        return _refused("Only the room owner changes roles")
    if target_role_before == "owner":
        return _refused(
            "The owner's role changes only by handing ownership to someone else"
        )
    if target_role_before not in ROLES:
        return _refused("That user is not a member of this room")
    return ALLOWED


def role_changes(actor_id: int, target_id: int, new_role: str) -> list[tuple[int, str]]:
    """The role updates to store for an allowed change: a handover also demotes the old owner."""
    if new_role == "owner":
        return [(target_id, "owner"), (actor_id, "operator")]
    return [(target_id, new_role)]


def may_kick(actor_role: str, target_role: str, same_user: bool = False) -> Verdict:
    """The owner kicks anyone but themself; operators kick participants only."""
    if same_user:
        return _refused("You cannot kick yourself; leave the room instead")
    if target_role not in ROLES:
        return _refused("That user is not a member of this room")
    if target_role == "owner":
        return _refused("The room owner cannot be kicked")
    if actor_role == "owner":
        return ALLOWED
    if actor_role == "operator" and target_role == "participant":
        return ALLOWED
    if actor_role == "operator":
        return _refused("Operators can only kick participants")
    return _refused("Only the owner and operators kick members")


def may_see_bans(actor_role: str) -> Verdict:
    """The room's ban list is for the owner and operators (they are the ones who ban)."""
    if not is_operator_or_owner(actor_role):
        return _refused("Only the owner and operators see the ban list")
    return ALLOWED


def may_unban(actor_role: str, target_role: str) -> Verdict:
    """Who may lift a ban is who may have made it: the owner anyone, operators participants."""
    if not is_operator_or_owner(actor_role):
        return _refused("Only the owner and operators lift bans")
    if actor_role == "operator" and target_role != "participant":
        return _refused("Operators can only lift bans of participants")
    return ALLOWED
