"""Who may do what: every role against every control mode, queue lock, settings, roles, kicks."""

from __future__ import annotations

import pytest

from server.domain.constants import CONTROL_MODES, ROLES
from server.domain.permissions import (
    Verdict,
    may_add_to_queue,
    may_change_settings,
    may_control,
    may_kick,
    may_remove_entry,
    may_set_role,
    role_changes,
    role_rank,
)

OWNER_ID, ALICE_ID = 1, 2

CONTROL = {
    "owner_only": {"owner": True, "operator": False, "participant": False},
    "operators": {"owner": True, "operator": True, "participant": False},
    "any": {"owner": True, "operator": True, "participant": True},
}


@pytest.mark.parametrize(
    ("mode", "role"), [(mode, role) for mode in CONTROL_MODES for role in ROLES]
)
def test_control_follows_the_control_mode(mode: str, role: str) -> None:
    verdict = may_control(role, mode)
    assert bool(verdict) is CONTROL[mode][role]
    allowed, reason = verdict
    assert allowed is CONTROL[mode][role]
    assert (reason == "") is allowed  # a refusal always says why


def test_refusal_reasons_name_who_may_do_it() -> None:
    assert "owner" in may_control("operator", "owner_only").reason
    assert "operators" in may_control("participant", "operators").reason


def test_strangers_control_nothing_and_unknown_modes_are_a_bug() -> None:
    assert not may_control("banned", "any")
    with pytest.raises(ValueError):
        may_control("owner", "everyone")


@pytest.mark.parametrize(
    ("role", "locked", "allowed"),
    [
        ("participant", False, True),
        ("participant", True, False),
        ("operator", True, True),
        ("owner", True, True),
    ],
)
def test_a_locked_queue_takes_videos_from_owner_and_operators_only(
    role: str, locked: bool, allowed: bool
) -> None:
    verdict = may_add_to_queue(role, locked)
    assert bool(verdict) is allowed
    if not allowed:
        assert "locked" in verdict.reason


@pytest.mark.parametrize(
    ("role", "mode", "added_by", "allowed"),
    [
        ("participant", "owner_only", ALICE_ID, True),  # own entry: always
        ("participant", "operators", OWNER_ID, False),
        ("participant", "any", OWNER_ID, True),
        ("operator", "operators", OWNER_ID, True),
        ("operator", "owner_only", OWNER_ID, False),
        ("owner", "owner_only", ALICE_ID, True),
        ("participant", "operators", None, False),  # added by a user since deleted
    ],
)
def test_removing_an_entry(
    role: str, mode: str, added_by: int | None, allowed: bool
) -> None:
    assert bool(may_remove_entry(role, mode, added_by, ALICE_ID)) is allowed


@pytest.mark.parametrize(
    ("role", "keys", "allowed"),
    [
        ("owner", ["name", "control_mode"], True),
        ("operator", ["name", "ad_sync_mode", "queue_locked"], True),
        ("operator", ["control_mode"], False),
        ("participant", ["name"], False),
        ("participant", [], False),
    ],
)
def test_settings_belong_to_owner_and_operators_control_mode_to_the_owner(
    role: str, keys: list[str], allowed: bool
) -> None:
    assert bool(may_change_settings(role, keys)) is allowed


@pytest.mark.parametrize(
    ("actor", "target", "new", "allowed"),
    [
        ("owner", "participant", "operator", True),
        ("owner", "operator", "participant", True),
        ("owner", "operator", "owner", True),  # handover
        ("owner", "owner", "participant", False),  # the owner cannot just step down
        ("owner", "owner", "operator", False),
        ("operator", "participant", "operator", False),
        ("operator", "operator", "participant", False),
        ("participant", "participant", "operator", False),
        ("owner", "participant", "admin", False),
    ],
)
def test_only_the_owner_sets_roles(
    actor: str, target: str, new: str, allowed: bool
) -> None:
    verdict = may_set_role(actor, target, new)
    assert bool(verdict) is allowed
    assert bool(verdict.reason) is not allowed


def test_handing_ownership_over_makes_the_old_owner_an_operator() -> None:
    assert role_changes(OWNER_ID, ALICE_ID, "owner") == [
        (ALICE_ID, "owner"),
        (OWNER_ID, "operator"),
    ]
    assert role_changes(OWNER_ID, ALICE_ID, "operator") == [(ALICE_ID, "operator")]


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("owner", "operator", True),
        ("owner", "participant", True),
        ("owner", "owner", False),
        ("operator", "participant", True),
        ("operator", "operator", False),
        ("operator", "owner", False),
        ("participant", "participant", False),
    ],
)
def test_kicking(actor: str, target: str, allowed: bool) -> None:
    assert bool(may_kick(actor, target)) is allowed


def test_nobody_kicks_themself() -> None:
    verdict = may_kick("owner", "participant", same_user=True)
    assert not verdict and "yourself" in verdict.reason


def test_roles_rank_owner_first() -> None:
    assert [role_rank(role) for role in ("owner", "operator", "participant")] == [
        0,
        1,
        2,
    ]
    with pytest.raises(ValueError):
        role_rank("admin")


def test_a_verdict_is_truthy_only_when_allowed() -> None:
    assert Verdict(True) and not Verdict(False, "no")
