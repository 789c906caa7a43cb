"""Configuration: one class that reads the environment, one for tests.

Every variable of the product description is read here with its documented default,
plus ShareTube's own. Nothing else in the server reads os.environ.
"""
from __future__ import annotations

import ipaddress
import json
import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

from server.domain import constants as C

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "change-me"
MIN_SECRET_BYTES = 32  # a production secret shorter than this is refused
GOOGLE_DISCOVERY_URL = "https://accounts.google.com/.well-known/openid-configuration"
YOUTUBE_OEMBED_URL = "https://www.youtube.com/oembed"
SPONSORBLOCK_API_URL = "https://sponsor.ajay.app"
YOUTUBE_API_URL = "https://www.googleapis.com/youtube/v3"
# The extension's stable ID (derived from the `key` in extension/manifest.json).
EXTENSION_ID_FILE = REPO_ROOT / "extension" / "EXTENSION_ID"


class ConfigError(RuntimeError):
    """A configuration that must not run; the message says what to change."""


def product_version() -> str:
    """The product's release (`MAJOR.MINOR.PATCH`): one source of truth, "version" in the
    repository's package.json (the extension build writes it into the manifest; /api/health
    reports it as "release"). Not the VERSION variable, which names an instance (folder, logs,
    units). "unknown" if package.json cannot be read."""
    try:
        version = json.loads((REPO_ROOT / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return "unknown"
    return version if isinstance(version, str) else "unknown"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def default_extension_ids() -> list[str]:
    try:
        return [EXTENSION_ID_FILE.read_text().strip()]
    except OSError:
        return []


def is_loopback_url(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Config:
    """Reads the environment once, at construction."""

    TESTING = False

    def __init__(self) -> None:
        self.ENV = env_str("ENV", "development")
        self.APP_NAME = env_str("APP_NAME", "ShareTube")
        self.VERSION = env_str("VERSION", "v1-03")
        self.INSTANCE_DIR = Path(env_str("INSTANCE_DIR", str(REPO_ROOT / "instance" / f"ShareTube-{self.VERSION}")))
        self.SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET)
        self.JWT_SECRET = env_str("JWT_SECRET", DEFAULT_SECRET)
        self.DATABASE_URL = env_str("DATABASE_URL", "")
        self.SQLALCHEMY_ECHO = env_bool("SQLALCHEMY_ECHO", False)
        self.GOOGLE_CLIENT_ID = env_str("GOOGLE_CLIENT_ID")
        self.GOOGLE_CLIENT_SECRET = env_str("GOOGLE_CLIENT_SECRET")
        self.ACCESS_TOKEN_EXPIRES_SECONDS = env_int("ACCESS_TOKEN_EXPIRES_SECONDS", 14 * 24 * 3600)
        self.LISTEN_HOST = env_str("LISTEN_HOST", "127.0.0.1")
        self.LISTEN_PORT = env_int("LISTEN_PORT", 5077)
        self.BACKEND_BASE_URL = env_str("BACKEND_BASE_URL", f"http://127.0.0.1:{self.LISTEN_PORT}").rstrip("/")
        self.EXTENSION_IDS = env_list("EXTENSION_IDS", default_extension_ids())
        self.CORS_ORIGINS = env_list("CORS_ORIGINS", self.default_origins())
        self.SOCKETIO_MESSAGE_QUEUE = env_str("SOCKETIO_MESSAGE_QUEUE") or None
        self.SOCKETIO_ASYNC_MODE = env_str("SOCKETIO_ASYNC_MODE", "gevent")
        self.PONG_TIMEOUT_SECONDS = env_int("PONG_TIMEOUT_SECONDS", 20)
        self.HEARTBEAT_INTERVAL_SECONDS = env_int("HEARTBEAT_INTERVAL_SECONDS", 20)
        # Engine.IO ping interval: under 20 s so an extension service worker stays alive.
        self.SOCKETIO_PING_INTERVAL = min(env_int("SOCKETIO_PING_INTERVAL", 15), 19)
        self.PLAYBACK_START_BUFFER_MS = env_int("PLAYBACK_START_BUFFER_MS", C.PLAYBACK_START_BUFFER_MS)
        self.START_TIMEOUT_MS = env_int("START_TIMEOUT_MS", C.START_TIMEOUT_MS)
        self.AD_HOLD_TIMEOUT_MS = env_int("AD_HOLD_TIMEOUT_MS", C.AD_HOLD_TIMEOUT_MS)
        self.END_GRACE_MS = env_int("END_GRACE_MS", C.END_GRACE_MS)
        # An owner away (no socket in the room) this long hands the room over; 0 turns it off.
        self.OWNER_AWAY_MS = env_int("OWNER_AWAY_MS", C.OWNER_AWAY_MS)
        # How long a phone remote's one-time pairing code (the overlay's QR code) works.
        self.PAIRING_TTL_MS = env_int("PAIRING_TTL_MS", C.PAIRING_TTL_MS)
        self.BACKGROUND_TASK_SLOTS = env_int("BACKGROUND_TASK_SLOTS", 2)
        self.BACKGROUND_TASK_LOCK_DIR = env_str("BACKGROUND_TASK_LOCK_DIR", str(self.INSTANCE_DIR / "locks"))
        self.BACKGROUND_TASK_LEASE_SECONDS = env_int("BACKGROUND_TASK_LEASE_SECONDS", 60)
        self.SHARETUBE_POOL = env_str("SHARETUBE_POOL", "single")
        self.ROOM_IDLE_EXPIRY_HOURS = env_int("ROOM_IDLE_EXPIRY_HOURS", 7 * 24)
        self.STATS_SNAPSHOT_SECONDS = env_int("STATS_SNAPSHOT_SECONDS", 10)
        self.CLOCK_TICK_SECONDS = float(env_str("CLOCK_TICK_SECONDS", "0.1"))
        self.DEBUG = env_bool("DEBUG", False)
        self.TEMPLATES_AUTO_RELOAD = env_bool("TEMPLATES_AUTO_RELOAD", False)
        self.LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
        self.ENABLE_SYSTEM_STATS = env_bool("ENABLE_SYSTEM_STATS", False)
        self.ALLOW_GUESTS = env_bool("ALLOW_GUESTS", True)
        self.OIDC_DISCOVERY_URL = env_str("OIDC_DISCOVERY_URL", GOOGLE_DISCOVERY_URL)
        self.ADMIN_EMAILS = [e.lower() for e in env_list("ADMIN_EMAILS", [])]
        self.YOUTUBE_OEMBED_URL = env_str("YOUTUBE_OEMBED_URL", YOUTUBE_OEMBED_URL)
        # a SponsorBlock-compatible segment API (rooms with skip_segments on ask it by hash prefix)
        self.SPONSORBLOCK_API_URL = env_str("SPONSORBLOCK_API_URL", SPONSORBLOCK_API_URL)
        self.YOUTUBE_API_KEY = env_str("YOUTUBE_API_KEY") or None
        # the YouTube Data API's base (…/videos for metadata, …/playlistItems for list= links); used with the key
        self.YOUTUBE_API_URL = env_str("YOUTUBE_API_URL", YOUTUBE_API_URL).rstrip("/")
        self.EXTENSION_STORE_URL = env_str("EXTENSION_STORE_URL") or None
        self.AUTO_MIGRATE = env_bool("AUTO_MIGRATE", True)
        # How many reverse proxies (nginx) stand in front: their X-Forwarded-* headers are trusted.
        self.TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
        self.RUN_SCHEDULER = env_bool("RUN_SCHEDULER", True)
        # /metrics answers loopback callers; anyone else needs `Authorization: Bearer <METRICS_TOKEN>`.
        self.METRICS_TOKEN = env_str("METRICS_TOKEN") or None
        # Lifts every per-IP limit for clients on a loopback address: for benchmarks that run
        # thousands of clients from 127.0.0.1. Off by default; refused in production.
        self.RATE_LIMIT_EXEMPT_LOOPBACK = env_bool("RATE_LIMIT_EXEMPT_LOOPBACK", False)
        # A room broadcast builds its websocket frame once and writes it to every socket (and, with
        # a Redis message queue, is published once, pre-encoded): services/broadcast.py.
        self.BROADCAST_ENCODE_ONCE = env_bool("BROADCAST_ENCODE_ONCE", True)
        # With it: write frames (and acks) at once from the emitting greenlet when a socket's writer
        # is idle (one non-blocking send; what the kernel does not take waits for the writer), not a
        # queue hand-off and a writer wake-up per frame: tests/bench/README.md, issue 15's 7th pass.
        self.BROADCAST_DIRECT_WRITE = env_bool("BROADCAST_DIRECT_WRITE", True)
        # Room events are handed to their handlers inside an app context only, not through
        # Flask-SocketIO's per-event Flask request context (URL matching, session; ~60 µs an
        # event): events/base.py. Connect, disconnect and the admin namespace keep the request.
        self.SOCKETIO_DIRECT_DISPATCH = env_bool("SOCKETIO_DIRECT_DISPATCH", True)
        # With both above: each socket's reader decodes the room events itself and writes their
        # acks as frames, ahead of Engine.IO's and Socket.IO's per-packet path (anything else still
        # takes that path): services/event_reader.py, issue 15.
        self.SOCKETIO_FAST_EVENTS = env_bool("SOCKETIO_FAST_EVENTS", True)

    # -- derived -----------------------------------------------------------------
    def default_origins(self) -> list[str]:
        own = {self.BACKEND_BASE_URL}
        if not self.is_production:  # a production service is reached at its public address only
            own |= {f"http://127.0.0.1:{self.LISTEN_PORT}", f"http://localhost:{self.LISTEN_PORT}"}
        return sorted(own) + [f"chrome-extension://{ext}" for ext in self.EXTENSION_IDS]

    @property
    def is_https(self) -> bool:
        return self.BACKEND_BASE_URL.lower().startswith("https://")

    @property
    def is_production(self) -> bool:
        return self.ENV.lower() == "production"

    def finalize(self) -> None:
        """Resolve secrets and the database URL; refuse unsafe production settings."""
        self.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        if not self.DATABASE_URL:
            self.DATABASE_URL = f"sqlite:///{self.INSTANCE_DIR / 'sharetube.db'}"
        if self.PAIRING_TTL_MS < C.PAIRING_TTL_MIN_MS:
            raise ConfigError(f"PAIRING_TTL_MS must be at least {C.PAIRING_TTL_MIN_MS} (ms), got "
                              f"{self.PAIRING_TTL_MS}: a pairing code must live long enough to be scanned")
        if self.is_production and self.RATE_LIMIT_EXEMPT_LOOPBACK:
            raise ConfigError(
                "Refusing to start in production with RATE_LIMIT_EXEMPT_LOOPBACK=true: behind nginx "
                "every client may look local. It is for loopback benchmarks only; unset it."
            )
        if self.is_production:
            self._refuse_unsafe_production()
        else:
            if self.SECRET_KEY == DEFAULT_SECRET:
                self.SECRET_KEY = self._instance_secret("secret_key")
            if self.JWT_SECRET == DEFAULT_SECRET:
                self.JWT_SECRET = self._instance_secret("jwt_secret")

    def _refuse_unsafe_production(self) -> None:
        weak = [n for n in ("SECRET_KEY", "JWT_SECRET") if getattr(self, n) in ("", DEFAULT_SECRET)]
        if weak:
            raise ConfigError(
                f"Refusing to start in production with the default {' and '.join(weak)}: "
                "set them to long random values (deploy/setup_deploy.py generates them)."
            )
        short = [n for n in ("SECRET_KEY", "JWT_SECRET") if len(getattr(self, n).encode()) < MIN_SECRET_BYTES]
        if short:
            raise ConfigError(
                f"Refusing to start in production: {' and '.join(short)} must be at least {MIN_SECRET_BYTES} "
                "bytes (deploy/setup_deploy.py generates 64-character values)."
            )
        if self.METRICS_TOKEN is not None and len(self.METRICS_TOKEN.encode()) < MIN_SECRET_BYTES:
            raise ConfigError(f"Refusing to start in production: METRICS_TOKEN must be at least "
                              f"{MIN_SECRET_BYTES} bytes.")
        loose = [o for o in self.CORS_ORIGINS
                 if o == "*" or (is_loopback_url(o) and o.rstrip("/") != self.BACKEND_BASE_URL)]
        if loose:
            raise ConfigError(
                f"Refusing to start in production with CORS_ORIGINS {', '.join(loose)}: list the service's "
                "public origin and the extension's chrome-extension:// origin only."
            )

    def _instance_secret(self, name: str) -> str:
        path = self.INSTANCE_DIR / name
        if path.exists():
            return path.read_text().strip()
        value = secrets.token_urlsafe(48)
        path.write_text(value)
        path.chmod(0o600)
        return value

    def flask_settings(self) -> dict:
        return {
            "SECRET_KEY": self.SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": self.DATABASE_URL,
            "SQLALCHEMY_ECHO": self.SQLALCHEMY_ECHO,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(self.DATABASE_URL),
            "JWT_SECRET_KEY": self.JWT_SECRET,
            "JWT_ACCESS_TOKEN_EXPIRES": self.ACCESS_TOKEN_EXPIRES_SECONDS,
            "JWT_TOKEN_LOCATION": ["headers", "cookies"],
            "JWT_COOKIE_SAMESITE": "Strict",
            "JWT_COOKIE_SECURE": self.is_https,
            "JWT_COOKIE_CSRF_PROTECT": True,
            "JWT_ACCESS_COOKIE_PATH": "/",
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SECURE": self.is_https,
            "DEBUG": self.DEBUG,
            "TEMPLATES_AUTO_RELOAD": self.TEMPLATES_AUTO_RELOAD,
            "TESTING": self.TESTING,
            "MAX_CONTENT_LENGTH": 64 * 1024,
        }


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 10, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}


class TestConfig(Config):
    """Tests: a temp instance folder and database, no background scheduler noise."""

    TESTING = True

    def __init__(self, instance_dir: Path, **overrides: object) -> None:
        os.environ.setdefault("INSTANCE_DIR", str(instance_dir))
        super().__init__()
        self.INSTANCE_DIR = Path(instance_dir)
        self.BACKGROUND_TASK_LOCK_DIR = str(self.INSTANCE_DIR / "locks")
        self.DATABASE_URL = os.environ.get("SHARETUBE_TEST_DATABASE_URL", "") or self.DATABASE_URL
        if self.DATABASE_URL == "" or "sharetube.db" in self.DATABASE_URL:
            self.DATABASE_URL = ""
        self.SECRET_KEY = "test-secret-key-" + "x" * 32
        self.JWT_SECRET = "test-jwt-secret-" + "y" * 32
        self.SOCKETIO_ASYNC_MODE = "threading"
        self.RUN_SCHEDULER = False
        for key, value in overrides.items():
            setattr(self, key, value)
