"""Issue 14 finding 10: headers on every page, cookies and CORS under https/production,
short secrets refused, `/metrics` only for local scrapers or a token."""
from __future__ import annotations

import pytest

from server.config import ConfigError

PAGES = ["/", "/dashboard", "/dashboard/", "/mobile-remote", "/mobile-remote/", "/api/health", "/api/stats",
         "/auth/done", "/join/NOPE1234", "/no-such-page", "/metrics"]


@pytest.mark.parametrize("path", PAGES)
def test_every_answer_carries_the_security_headers(client, path):
    resp = client.get(path)
    csp = resp.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, (path, csp)
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    assert resp.headers.get("Referrer-Policy") in ("same-origin", "no-referrer")
    assert "Strict-Transport-Security" not in resp.headers  # plain http: no HSTS


def test_behind_tls_hsts_and_secure_cookies(make_app):
    app = make_app(BACKEND_BASE_URL="https://watch.example.org")
    resp = app.test_client().get("/dashboard")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["JWT_COOKIE_SECURE"] is True


def test_plain_http_keeps_cookies_usable(app):
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_metrics_answer_loopback_only_without_a_token(make_app):
    app = make_app()
    local = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert local.status_code == 200
    remote = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert remote.status_code == 403 and remote.json["error"] == "forbidden"


def test_metrics_with_a_token_off_loopback(make_app):
    token = "m" * 40
    app = make_app(METRICS_TOKEN=token)
    remote = {"REMOTE_ADDR": "203.0.113.7"}
    assert app.test_client().get("/metrics", environ_base=remote).status_code == 403
    wrong = app.test_client().get("/metrics", environ_base=remote, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    ok = app.test_client().get("/metrics", environ_base=remote, headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and b"sharetube" in ok.data.lower()


# -- production configuration ----------------------------------------------------------------
@pytest.fixture
def prod_env(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "JWT_SECRET", "DATABASE_URL", "CORS_ORIGINS", "METRICS_TOKEN", "BACKEND_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    monkeypatch.setenv("JWT_SECRET", "j" * 48)
    monkeypatch.setenv("BACKEND_BASE_URL", "https://watch.example.org")
    return monkeypatch


def _config():
    from server.config import Config
    cfg = Config()
    cfg.finalize()
    return cfg


@pytest.mark.parametrize("name", ["SECRET_KEY", "JWT_SECRET"])
def test_production_refuses_a_secret_shorter_than_32_bytes(prod_env, name):
    prod_env.setenv(name, "s" * 31)
    with pytest.raises(ConfigError, match=name):
        _config()
    prod_env.setenv(name, "s" * 32)
    _config()


def test_production_cors_leaves_out_loopback(prod_env):
    cfg = _config()
    assert "https://watch.example.org" in cfg.CORS_ORIGINS
    assert not any("127.0.0.1" in o or "localhost" in o for o in cfg.CORS_ORIGINS), cfg.CORS_ORIGINS


@pytest.mark.parametrize("origins", ["http://127.0.0.1:5077", "*", "https://watch.example.org,http://localhost:5077"])
def test_production_refuses_loopback_or_wildcard_cors(prod_env, origins):
    prod_env.setenv("CORS_ORIGINS", origins)
    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        _config()


def test_production_refuses_a_short_metrics_token(prod_env):
    prod_env.setenv("METRICS_TOKEN", "short")
    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        _config()


def test_development_still_allows_the_local_origins(monkeypatch, tmp_path):
    for name in ("ENV", "CORS_ORIGINS", "BACKEND_BASE_URL", "LISTEN_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "instance"))
    cfg = _config()
    assert "http://127.0.0.1:5077" in cfg.CORS_ORIGINS and "http://localhost:5077" in cfg.CORS_ORIGINS
