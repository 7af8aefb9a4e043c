"""A real OpenID Connect provider for the single sign-on tests: oidc-provider-mock (Authlib's
server) on a free port of 127.0.0.1, with signed ID tokens, discovery, JWKS and end_session.

Two things are added around it, as WSGI middleware, for what the tests must observe or break:
- every end_session request is recorded, so a test can see which person's session the app
  asked the provider to end;
- ``tamper_next_id_token`` rewrites the next ID token the token endpoint hands out (one claim
  changed, the signature kept), the way a man in the middle would.
"""

import base64
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote

import oidc_provider_mock
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request

from tests.support.processes import SERVER_POLL_SECONDS


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def id_token_claims(id_token: str) -> dict:
    """The payload of a JWT, unverified: for the tests to read what the provider was sent."""
    return json.loads(_b64decode(id_token.split(".")[1]))


@dataclass
class Provider:
    url: str
    ended_sessions: list[dict] = field(default_factory=list)  # end_session request parameters
    tamper_claims: dict | None = None  # claims to overwrite in the next ID token

    def set_person(self, subject: str, **claims) -> None:
        """Who signs in at the provider as ``subject``, and the claims their tokens carry."""
        answer = requests.put(f"{self.url}/users/{quote(subject, safe='')}", json=claims, timeout=5)
        answer.raise_for_status()

    def tamper_next_id_token(self, **claims) -> None:
        self.tamper_claims = claims


class _Observer:
    def __init__(self, app, provider: Provider):
        self.app, self.provider = app, provider

    def __call__(self, environ, start_response):
        request = Request(environ)
        path = environ.get("PATH_INFO", "")
        if path == "/oauth2/end_session":
            body = request.get_data(cache=True)
            parameters = dict(request.args) | {
                key: values[0] for key, values in parse_qs(body.decode()).items()
            }
            self.provider.ended_sessions.append(parameters)
        if path == "/oauth2/token" and self.provider.tamper_claims is not None:
            return self._tampered_token(environ, start_response)
        return self.app(environ, start_response)

    def _tampered_token(self, environ, start_response):
        claims, self.provider.tamper_claims = self.provider.tamper_claims, None
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        body = b"".join(self.app(environ, capture))
        token = json.loads(body)
        header, payload, signature = token["id_token"].split(".")
        changed = json.loads(_b64decode(payload)) | claims
        token["id_token"] = ".".join([header, _b64encode(json.dumps(changed).encode()), signature])
        body = json.dumps(token).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], headers + [("Content-Length", str(len(body)))])
        return [body]


@contextmanager
def running_provider():
    """The provider, requiring a nonce in every authorization request, until the block ends."""
    app = oidc_provider_mock.app(require_nonce=True)
    provider = Provider(url="")
    server = make_server("127.0.0.1", 0, _Observer(app, provider), threaded=True)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": SERVER_POLL_SECONDS}
    )
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def authorize_at_provider(authorize_url: str, subject: str) -> str:
    """The person ``subject`` picks themselves on the provider's authorization page (the form
    a browser would post); returns where the provider sends the browser back (the callback URL
    with its code and state)."""
    answer = requests.post(authorize_url, data={"sub": subject}, allow_redirects=False, timeout=5)
    assert answer.status_code in (302, 303), answer.text[:500]
    return answer.headers["Location"]
