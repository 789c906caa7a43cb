"""A real OpenID Connect provider for tests: oidc-provider-mock served on 127.0.0.1:<free>.

    with oidc_provider() as provider:
        provider.set_user("sub-1", email="ann@example.com", name="Ann")
        app = make_app(**provider.app_settings())
        ...
        back = provider.approve(authorize_url, sub="sub-1")   # → the redirect back to the app

The provider signs id_tokens with its own RSA key and publishes it at /jwks; authlib in the app
fetches the discovery document, the token and the keys over real HTTP.
"""
from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import requests
from werkzeug.serving import make_server

with warnings.catch_warnings(record=True):  # the mock imports authlib modules authlib itself deprecates
    warnings.simplefilter("ignore")
    import oidc_provider_mock

CLIENT_ID = "sharetube-test-client"
CLIENT_SECRET = "sharetube-test-secret"
EXTENSION_ID = "abcdefghijklmnopabcdefghijklmnop"


@dataclass
class Provider:
    base_url: str

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    def app_settings(self, **extra: object) -> dict:
        """make_app overrides that point Google sign-in at this provider."""
        return {"OIDC_DISCOVERY_URL": self.discovery_url, "GOOGLE_CLIENT_ID": CLIENT_ID,
                "GOOGLE_CLIENT_SECRET": CLIENT_SECRET, "BACKEND_BASE_URL": "http://localhost",
                "EXTENSION_IDS": [EXTENSION_ID], **extra}

    def set_user(self, sub: str, **claims: object) -> None:
        resp = requests.put(f"{self.base_url}/users/{sub}", json=claims, timeout=5)
        assert resp.status_code == 204, resp.text

    def approve(self, authorize_url: str, sub: str, **override_params: str) -> str:
        """Submit the provider's consent form as `sub`; return the Location it redirects to.

        `override_params` replace query parameters of the authorization request before the
        provider sees them (e.g. nonce="other" makes it issue an id_token with another nonce).
        """
        url = with_params(authorize_url, **override_params) if override_params else authorize_url
        assert url.startswith(self.base_url), url
        resp = requests.post(url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert resp.status_code == 302, (resp.status_code, resp.text[:500])
        return resp.headers["Location"]


def with_params(url: str, **params: str) -> str:
    parts = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    query.update(params)
    return urlunparse(parts._replace(query=urlencode(query)))


@contextmanager
def oidc_provider(*, require_nonce: bool = True) -> Iterator[Provider]:
    """Serve oidc-provider-mock on a free loopback port for the duration of the block."""
    previous = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback
    server = make_server("127.0.0.1", 0, oidc_provider_mock.app(require_nonce=require_nonce), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        if previous is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = previous
