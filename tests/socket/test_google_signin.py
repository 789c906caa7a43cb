"""Google sign-in (OpenID Connect via authlib) against a real local provider (oidc-provider-mock).

The Flask test client plays the browser on the app's side (it keeps the session cookie that
holds state and nonce); `requests` plays it on the provider's side (its consent form).
"""
from __future__ import annotations

import itertools
from urllib.parse import parse_qs, urlparse

import pytest

from tests.support.oidc_provider import EXTENSION_ID, oidc_provider

CHROMIUMAPP = f"https://{EXTENSION_ID}.chromiumapp.org/"
STATE_PREFIX = "_state_google_"
_subs = itertools.count(1)


@pytest.fixture(scope="module")
def provider():
    with oidc_provider() as running:
        yield running


@pytest.fixture
def google_app(make_app, provider):
    return make_app(**provider.app_settings(ADMIN_EMAILS=["boss@example.com"]))


@pytest.fixture
def user(provider) -> dict:
    """A fresh provider account: its sub and claims."""
    n = next(_subs)
    claims = {"email": f"user{n}@example.com", "email_verified": True, "name": f"Google User {n}",
              "picture": f"https://example.com/u{n}.png"}
    sub = f"google-sub-{n}"
    provider.set_user(sub, **claims)
    return {"sub": sub, **claims}


def start(client, redirect_uri: str | None = CHROMIUMAPP, method: str = "GET") -> str:
    """Begin sign-in; return the provider's authorization URL the app redirects to."""
    values = {} if redirect_uri is None else {"redirect_uri": redirect_uri}
    resp = client.get("/auth/google", query_string=values) if method == "GET" else client.post(
        "/auth/google", data=values)
    assert resp.status_code == 302, resp.get_json()
    return resp.headers["Location"]


def callback(client, location: str):
    """Follow the provider's redirect back into the app."""
    parts = urlparse(location)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "localhost", "/auth/google/callback"), location
    return client.get(f"{parts.path}?{parts.query}")


def token_from(resp, redirect_uri: str = CHROMIUMAPP) -> str:
    assert resp.status_code == 302, (resp.status_code, resp.get_data(as_text=True))
    location = resp.headers["Location"]
    parts = urlparse(location)
    assert location.startswith(redirect_uri + "#"), location
    assert parts.query == "", "the token must never travel in a query string"
    fragment = parse_qs(parts.fragment)
    assert fragment["token_type"] == ["Bearer"] and int(fragment["expires_in"][0]) > 0
    return fragment["access_token"][0]


def me(client, token: str) -> dict:
    resp = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["user"]


def assert_refused(resp, status: int, code: str) -> None:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True))
    body = resp.get_json()
    assert body["ok"] is False and body["error"] == code and body["message"], body
    assert "access_token" not in resp.get_data(as_text=True)
    assert "access_token" not in resp.headers.get("Location", "")


def session_states(client) -> dict:
    with client.session_transaction() as sess:
        return {k: v for k, v in sess.items() if k.startswith(STATE_PREFIX)}


# -- success ---------------------------------------------------------------------------------------

def test_sign_in_hands_the_token_to_the_extension_in_the_fragment(google_app, provider, user):
    client = google_app.test_client()
    authorize_url = start(client)
    query = parse_qs(urlparse(authorize_url).query)
    assert authorize_url.startswith(provider.base_url)
    assert query["redirect_uri"] == ["http://localhost/auth/google/callback"]
    assert query["state"][0] and query["nonce"][0] and "openid" in query["scope"][0].split()

    token = token_from(callback(client, provider.approve(authorize_url, user["sub"])))
    who = me(client, token)
    assert who["name"] == user["name"] and who["picture"] == user["picture"]
    assert who["role"] == "user" and who["guest"] is False


def test_signing_in_again_is_the_same_account(google_app, provider, user):
    client = google_app.test_client()
    first = me(client, token_from(callback(client, provider.approve(start(client), user["sub"]))))
    second = me(client, token_from(callback(client, provider.approve(start(client), user["sub"]))))
    assert first["id"] == second["id"]


def test_an_address_in_admin_emails_makes_the_user_an_admin(google_app, provider):
    provider.set_user("boss-sub", email="Boss@Example.com", email_verified=True, name="The Boss")
    client = google_app.test_client()
    token = token_from(callback(client, provider.approve(start(client), "boss-sub")))
    assert me(client, token)["role"] == "admin"


def test_an_unverified_admin_address_does_not_make_an_admin(google_app, provider):
    provider.set_user("fake-boss", email="boss@example.com", email_verified=False, name="Not The Boss")
    client = google_app.test_client()
    token = token_from(callback(client, provider.approve(start(client), "fake-boss")))
    assert me(client, token)["role"] == "user"


def test_sign_in_from_the_services_own_pages_lands_on_auth_done(google_app, provider, user):
    client = google_app.test_client()
    authorize_url = start(client, redirect_uri=None, method="POST")
    token = token_from(callback(client, provider.approve(authorize_url, user["sub"])),
                       redirect_uri="http://localhost/auth/done")
    assert me(client, token)["name"] == user["name"]


# -- failures ----------------------------------------------------------------------------------------

def test_a_wrong_state_is_refused(google_app, provider, user):
    client = google_app.test_client()
    back = provider.approve(start(client), user["sub"])
    forged = back.replace("state=", "state=forged")
    assert_refused(callback(client, forged), 401, "unauthorized")


def test_an_answer_without_a_session_is_refused(google_app, provider, user):
    starter, stranger = google_app.test_client(), google_app.test_client()
    back = provider.approve(start(starter), user["sub"])
    assert_refused(callback(stranger, back), 400, "invalid")


def test_an_answer_cannot_be_replayed(google_app, provider, user):
    client = google_app.test_client()
    back = provider.approve(start(client), user["sub"])
    token_from(callback(client, back))
    assert callback(client, back).status_code in (400, 401)


def test_an_id_token_with_another_nonce_is_refused(google_app, provider, user):
    client = google_app.test_client()
    back = provider.approve(start(client), user["sub"], nonce="a-nonce-the-app-never-sent")
    assert_refused(callback(client, back), 401, "unauthorized")


@pytest.mark.parametrize("tamper", ["changed", "removed"])
def test_a_nonce_that_does_not_match_the_session_is_refused(google_app, provider, user, tamper):
    client = google_app.test_client()
    authorize_url = start(client)
    with client.session_transaction() as sess:
        (key,) = [k for k in sess if k.startswith(STATE_PREFIX)]
        state = dict(sess[key])
        data = dict(state["data"])
        if tamper == "changed":
            data["nonce"] = "tampered-" + data["nonce"]
        else:
            del data["nonce"]
        sess[key] = {**state, "data": data}
    assert_refused(callback(client, provider.approve(authorize_url, user["sub"])), 401, "unauthorized")


def test_a_user_who_denies_consent_gets_no_token(google_app, provider):
    import requests

    client = google_app.test_client()
    resp = requests.post(start(client), data={"action": "deny"}, allow_redirects=False, timeout=5)
    assert resp.status_code == 302 and "error=access_denied" in resp.headers["Location"]
    assert_refused(callback(client, resp.headers["Location"]), 401, "unauthorized")


def test_a_banned_account_gets_no_token(google_app, provider, user):
    from server.extensions import db
    from server.models import User

    client = google_app.test_client()
    me(client, token_from(callback(client, provider.approve(start(client), user["sub"]))))
    with google_app.app_context():
        account = db.session.execute(db.select(User).filter_by(google_sub=user["sub"])).scalar_one()
        account.banned = True
        db.session.commit()
    assert_refused(callback(client, provider.approve(start(client), user["sub"])), 403, "forbidden")


@pytest.mark.parametrize("redirect_uri", [
    "https://evil.example/",
    f"http://{EXTENSION_ID}.chromiumapp.org/",
    "https://ponmlkjihgfedcbaponmlkjihgfedcba.chromiumapp.org/",
    f"https://{EXTENSION_ID}.chromiumapp.org/?next=1",
    f"https://{EXTENSION_ID}.chromiumapp.org/#x",
    f"https://{EXTENSION_ID}.chromiumapp.org.evil.example/",
    f"https://evil.example@{EXTENSION_ID}.chromiumapp.org/",
    f"https://{EXTENSION_ID}.chromiumapp.org:8443/",
    "http://localhost.evil.example/auth/done",
    "https://localhost/auth/done",
    "//evil.example/",
    "javascript:alert(1)",
    "chrome-extension://" + EXTENSION_ID + "/popup.html",
    "https://" + "a" * 600 + ".chromiumapp.org/",
])
def test_a_redirect_uri_that_is_not_allowed_is_refused_before_the_provider(google_app, redirect_uri):
    client = google_app.test_client()
    assert_refused(client.get("/auth/google", query_string={"redirect_uri": redirect_uri}), 400, "invalid")
    assert_refused(client.post("/auth/google", data={"redirect_uri": redirect_uri}), 400, "invalid")
    assert session_states(client) == {}, "no sign-in may start for a refused redirect_uri"


def test_google_sign_in_unconfigured_or_unreachable_is_unavailable(make_app, provider):
    unconfigured = make_app(EXTENSION_IDS=[EXTENSION_ID], GOOGLE_CLIENT_ID="").test_client()
    assert_refused(unconfigured.get("/auth/google", query_string={"redirect_uri": CHROMIUMAPP}), 503, "unavailable")
    unreachable = make_app(**provider.app_settings(
        OIDC_DISCOVERY_URL="http://127.0.0.1:9/.well-known/openid-configuration")).test_client()
    assert_refused(unreachable.get("/auth/google", query_string={"redirect_uri": CHROMIUMAPP}), 503, "unavailable")


def test_google_sign_in_links_an_account_made_for_that_email(make_app):
    """An admin created by `sharetube admin-link` who later signs in with Google stays one user."""
    from server.auth.routes import upsert_google_user
    from server.extensions import db
    from server.models import User
    app = make_app()
    with app.app_context():
        made = User(name="boss", email="boss@example.com", email_verified=True, role="admin")  # as admin-link makes it
        db.session.add(made)
        db.session.commit()
        linked = upsert_google_user({"sub": "google-123", "email": "Boss@Example.com", "email_verified": True,
                                     "name": "Boss"})
        assert linked.id == made.id and linked.google_sub == "google-123" and linked.role == "admin"
        stranger = upsert_google_user({"sub": "google-999", "email": "boss@example.com", "email_verified": False})
        assert stranger.id != made.id  # an unverified address never takes over an account
