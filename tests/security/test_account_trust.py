"""Issue 14 findings 4 and 6: who an account is, and what a phone remote's sign-out ends.

4. An unverified Google email is neither stored nor matched, and `admin-link EMAIL` never
   promotes an account whose address Google did not verify.
6. A phone remote's `/auth/logout` ends only that pairing, never the user's other sessions.
"""
from __future__ import annotations

from server.extensions import db
from server.models import RemotePairing, User
from tests.support.socket_clients import Guest, create_room, sign_in


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# -- finding 4 -----------------------------------------------------------------------------
def test_an_unverified_google_email_is_not_stored(app):
    from server.auth.routes import upsert_google_user
    with app.app_context():
        user = upsert_google_user({"sub": "g-unverified", "email": "Victim@Example.com",
                                   "email_verified": False, "name": "Mallory"})
        assert user.email is None
        verified = upsert_google_user({"sub": "g-verified", "email": "Real@Example.com",
                                       "email_verified": True, "name": "Real"})
        assert verified.email == "real@example.com"
        # A later sign-in whose address is no longer verified drops it.
        again = upsert_google_user({"sub": "g-verified", "email": "real@example.com",
                                    "email_verified": "false", "name": "Real"})
        assert again.id == verified.id and again.email is None


def test_email_verified_must_be_explicit(app):
    """A provider answer without `email_verified` does not vouch for the address."""
    from server.auth.routes import upsert_google_user
    with app.app_context():
        user = upsert_google_user({"sub": "g-silent", "email": "silent@example.com", "name": "S"})
        assert user.email is None


def test_admin_link_never_promotes_an_unverified_google_account(app):
    from server.auth.routes import upsert_google_user
    from server.services.admin.auth import create_admin_link
    with app.app_context():
        mallory = upsert_google_user({"sub": "g-mallory", "email": "boss@example.com",
                                      "email_verified": False, "name": "Mallory"})
        mallory_id = mallory.id
        # Even a row carrying the address from before this fix (stored, never verified) is not matched.
        legacy = db.session.get(User, mallory_id)
        legacy.email, legacy.email_verified = "boss@example.com", False
        db.session.commit()
        url, admin = create_admin_link("boss@example.com")
        assert admin.id != mallory_id and admin.role == "admin"
        assert db.session.get(User, mallory_id).role == "user"


def test_admin_link_promotes_a_verified_google_account(app):
    from server.auth.routes import upsert_google_user
    from server.services.admin.auth import create_admin_link
    with app.app_context():
        real = upsert_google_user({"sub": "g-real", "email": "Boss@Example.com", "email_verified": True,
                                   "name": "Boss"})
        _url, admin = create_admin_link("boss@example.com")
        assert admin.id == real.id and admin.role == "admin"


# -- finding 6 -----------------------------------------------------------------------------
def _paired_remote(app, owner: Guest, code: str) -> Guest:
    made = app.test_client().post(f"/api/rooms/{code}/remote-pairings", json={}, headers=bearer(owner.token))
    assert made.status_code == 201, made.json
    secret = made.json["pair_url"].split("#pair=", 1)[1]
    resp = app.test_client().post("/api/remote/pair", json={"code": secret})
    assert resp.status_code == 200, resp.json
    return Guest(app, resp.json["access_token"], resp.json["user"])


def test_a_remotes_logout_ends_only_that_pairing(app):
    alice = sign_in(app, "Alice").connect()
    code = create_room(app, alice)["code"]
    alice.join(code)
    phone = _paired_remote(app, alice, code).connect()
    other_phone = _paired_remote(app, alice, code).connect()
    phone.join(code)
    resp = app.test_client().post("/auth/logout", headers=bearer(phone.token))
    assert resp.status_code == 200, resp.json
    assert resp.json.get("scope") == "remote"
    # The phone's token is dead and its socket dropped ...
    assert app.test_client().get("/auth/me", headers=bearer(phone.token)).status_code == 401
    assert not phone.sio.is_connected()
    # ... while the extension and the other phone keep working.
    assert app.test_client().get("/auth/me", headers=bearer(alice.token)).status_code == 200
    assert app.test_client().get("/auth/me", headers=bearer(other_phone.token)).status_code == 200
    assert alice.sio.is_connected() and other_phone.sio.is_connected()
    assert alice.emit("room.sync")["ok"]
    with app.app_context():
        user = db.session.get(User, alice.user["id"])
        assert user.token_version == 1
        revoked = db.session.execute(
            db.select(RemotePairing).where(RemotePairing.revoked_ms.is_not(None))).scalars().all()
        assert len(revoked) == 1


def test_an_extension_logout_still_signs_out_everywhere(app):
    alice = sign_in(app, "Alice").connect()
    code = create_room(app, alice)["code"]
    phone = _paired_remote(app, alice, code)
    assert app.test_client().post("/auth/logout", headers=bearer(alice.token)).status_code == 200
    assert app.test_client().get("/auth/me", headers=bearer(alice.token)).status_code == 401
    assert app.test_client().get("/auth/me", headers=bearer(phone.token)).status_code == 401
