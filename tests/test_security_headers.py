"""Every response carries the security headers; cookies and sessions behave safely."""

import secrets
import time
from datetime import timedelta
from unittest.mock import patch

import pytest
from flask import session
from flask_login import current_user
from itsdangerous import TimestampSigner

from tests.factories import UnitFactory, UserFactory
from tests.support.app import make_app
from tests.support.workflow import CSRF_INPUT, PASSWORD, csrf_token, make_user
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.security import CONTENT_SECURITY_POLICY


@pytest.fixture
def app_with(_migrated):
    """Build an app on this run's database with extra settings."""

    def build(**overrides):
        return make_app(_migrated, **overrides)

    return build


def whoami_route(app):
    """A test-only page that says who the session belongs to."""

    @app.get("/test-whoami")
    def whoami():
        return str(current_user.id) if current_user.is_authenticated else "anonym"


@pytest.mark.parametrize("path", ["/", "/healthz", "/finnes-ikke"])
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert (
        "script-src 'self'" in CONTENT_SECURITY_POLICY
        and "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    )
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def test_hsts_only_over_https(client):
    response = client.get("/", base_url="https://tracker.example.no")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(app_with):
    behind_https_proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    trusting = app_with(TRUSTED_PROXIES=1).test_client()
    assert (
        "Strict-Transport-Security" in trusting.get("/healthz", headers=behind_https_proxy).headers
    )

    not_trusting = app_with().test_client()  # TRUSTED_PROXIES defaults to 0
    assert (
        "Strict-Transport-Security"
        not in not_trusting.get("/healthz", headers=behind_https_proxy).headers
    )


def test_session_cookie_is_httponly_lax_and_secure_in_production(_migrated):
    from tracker import create_app

    app = create_app(
        {
            "TRACKER_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "PUBLIC_URL": "https://tracker.example.no",
            "SQLALCHEMY_DATABASE_URI": _migrated,
        }
    )

    @app.get("/test-remember-language")
    def remember_language():
        session["lang"] = "en"
        return "ok"

    cookie = (
        app.test_client()
        .get("/test-remember-language", base_url="https://x.example")
        .headers["Set-Cookie"]
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie


@pytest.mark.own_app  # adds a test-only route
def test_a_signed_in_session_is_renewed_on_every_request(app, client, login):
    whoami_route(app)
    user = login(UserFactory())
    db.session.commit()
    for _ in range(2):
        response = client.get("/test-whoami")
        assert response.get_data(as_text=True) == str(user.id)
        # A fresh expiry each time: the session ends after inactivity, not after sign-in.
        assert "Expires=" in response.headers["Set-Cookie"]


def test_an_idle_session_is_signed_out(app, app_with):
    user = UserFactory()
    db.session.commit()
    # A second app, so each request gets its own app context (and Flask-Login its own g) as in
    # production; the `app` fixture keeps one context open for the whole test.
    short_lived = app_with(PERMANENT_SESSION_LIFETIME=timedelta(seconds=1))
    whoami_route(short_lived)
    client = short_lived.test_client()
    # The last request was five seconds ago: its cookie is signed with that time (waiting the
    # seconds out cost the suite the wait).
    five_seconds_ago = patch.object(
        TimestampSigner, "get_timestamp", lambda signer: int(time.time()) - 5
    )
    with five_seconds_ago:
        with client.session_transaction() as signed_in:
            signed_in["_user_id"] = str(user.id)
        assert client.get("/test-whoami").get_data(as_text=True) == str(user.id)
    assert client.get("/test-whoami").get_data(as_text=True) == "anonym"


def test_a_static_file_answered_after_the_sign_in_form_does_not_undo_its_session(
    app, client, login
):
    """The browser fetches the favicon beside the sign-in page, with the cookie it had before
    the page's answer; when the favicon's answer comes last, the form must still work."""
    user = make_user(Role.CONTACT, UnitFactory(), email="kontakt@example.no")
    login(user)
    client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/rapportering/")})
    # The session the browser holds when it asks for the form and, beside it, the icon.
    cookie_before = client.get_cookie("session").value
    form = client.get("/logg-inn").get_data(as_text=True)
    token = CSRF_INPUT.search(form).group(1)

    icon = app.test_client()  # the browser's parallel request, with the cookie it had then
    icon.set_cookie("session", cookie_before)
    answered_last = icon.get("/static/favicon.svg")
    assert answered_last.status_code == 200
    assert "Set-Cookie" not in answered_last.headers  # so it cannot replace the form's session

    signed_in = client.post(
        "/logg-inn",
        data={"email": "kontakt@example.no", "password": PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 302
