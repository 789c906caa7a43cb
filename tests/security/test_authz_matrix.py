"""The authorization matrix on one process: every row of authz_table.TABLE × room role ×
control mode × credential, each case built fresh and run for real. A case fails when the answer
differs from the table, or when a refused action (or one by someone outside the room) changed
anything in the room. The summary line counts the cases and the unauthorized changes (0)."""
from __future__ import annotations

import logging

import pytest

from tests.security import authz_runner as runner
from tests.security.authz_table import (
    CREDS,
    MODES,
    OUTSIDER_MAY_CHANGE,
    ROLES,
    ROOM_CHANGING_WHEN_ALLOWED,
    TABLE,
    expected,
    inside,
)

log = logging.getLogger("authz")


def run_case(app, action, role: str, mode: str, cred: str, scenes: dict) -> list[str]:
    """Problems found in one case (empty when it behaved as the table says)."""
    case = runner.Case(app, action, role, mode, cred)
    problems: list[str] = []
    with app.app_context():
        try:
            scene = runner.build(case, scenes)
            if action.kind == "event" or (action.kind == "rest" and cred != "revoked"):
                sock = runner.connect(case)
                if cred == "revoked" and sock is not None:
                    problems.append("a revoked token was let in")
                if sock is not None:
                    runner.enter(case)
            before = runner.snapshot(case.ids)
            allowed = runner.act(case)
            after = runner.snapshot(case.ids)
        finally:
            runner.close(case)
        # The actor leaving may move the room on (a start no longer waits for it): next case, new room.
        if after != before or runner.snapshot(case.ids) != after:
            scene.clean = False
    want = expected(action, role, mode, cred)
    label = f"{action.name} role={role} mode={mode} cred={cred}"
    if allowed != want:
        problems.append(f"{label}: {'allowed' if allowed else 'refused'}, table says "
                        f"{'allow' if want else 'deny'}")
    may_change = allowed and want and action.name in ROOM_CHANGING_WHEN_ALLOWED and (
        inside(role, cred) or action.kind in ("rest", "admin") or action.name in OUTSIDER_MAY_CHANGE)
    if before != after and not may_change:
        problems.append(f"{label}: UNAUTHORIZED CHANGE {diff(before, after)}")
    return problems


def diff(before: dict, after: dict) -> dict:
    return {k: (before[k], after[k]) for k in before if before[k] != after[k]}


@pytest.mark.parametrize("cred", CREDS)
def test_authorization_matrix(loopback_app, cred):
    problems: list[str] = []
    scenes: dict = {}
    cases = 0
    for mode in MODES:
        for action in TABLE:
            if action.kind == "admin":
                continue  # below: the dashboard has no room role or control mode
            if action.kind == "rest" and mode != "operators":
                continue  # REST routes do not read the control mode: one mode is the whole story
            for role in ROLES:
                problems += run_case(loopback_app, action, role, mode, cred, scenes)
                cases += 1
    unauthorized = [p for p in problems if "UNAUTHORIZED" in p]
    print(f"authz cred={cred}: {cases} cases, {len(problems)} mismatches, {len(unauthorized)} unauthorized changes")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("cred", CREDS)
def test_admin_namespace_matrix(loopback_app, cred):
    """Every `/admin` request × credential: only a site admin's dashboard session gets an answer;
    no other credential can open one, so nothing it sends changes a room or a user."""
    problems: list[str] = []
    scenes: dict = {}
    for action in (a for a in TABLE if a.kind == "admin"):
        problems += run_case(loopback_app, action, "non_member", "operators", cred, scenes)
    assert problems == [], "\n".join(problems)


def test_every_registered_request_has_a_row(loopback_app):
    """A new event without its row in the table fails here (each namespace's handlers as the app
    registered them; rows may split one event by case, `name#case`)."""
    from server.extensions import socketio
    rows = {action.name.split("#")[0] for action in TABLE if action.kind != "rest"}
    registered = {event for namespace in ("/", "/admin")
                  for event in socketio.server.handlers.get(namespace, {})
                  if event not in ("connect", "disconnect", "*")}
    assert registered, "no handlers seen: the scan is vacuous"
    assert not registered - rows, f"add rows to tests/security/authz_table.py for {sorted(registered - rows)}"
