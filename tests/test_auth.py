"""Signing in and out: the real form, with CSRF on."""

import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from tests.support.workflow import (
    PASSWORD,
    audit_events,
    build_world,
    csrf_token,
    post_form,
    snapshot,
)
from tracker.extensions import db
from tracker.models import Role, User

WRONG_CREDENTIALS = "Feil e-postadresse eller passord."
ALERT = re.compile(r'<div class="ds-alert"[^>]*id="login-error">.*?</div>', re.S)


def sign_in_with_form(client, email, password, next_path=None):
    path = "/logg-inn" + (f"?next={next_path}" if next_path else "")
    return client.post(
        path,
        data={"email": email, "password": password, "csrf_token": csrf_token(client, "/logg-inn")},
    )


def test_contact_signs_in_and_lands_on_their_measures(client):
    world = build_world()
    response = sign_in_with_form(client, "Leder@Led.example.no ", PASSWORD)
    assert response.status_code == 302
    assert response.location == "/rapportering/"
    page = client.get("/rapportering/").get_data(as_text=True)
    assert "Felles tiltak" in page and "Logg ut" in page
    [event] = audit_events("login")
    assert event.user_id == world.lead_contact.id
    assert event.remote_addr == "127.0.0.1"


@pytest.mark.parametrize(
    "role, home", [("coordinator", "/rapportering/runder"), ("admin", "/admin/brukere")]
)
def test_each_role_starts_on_its_own_page(client, role, home):
    world = build_world()
    response = sign_in_with_form(client, world.user(role).email, PASSWORD)
    assert response.location == home
    assert client.get(home).status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    build_world()
    wrong_password = sign_in_with_form(client, "leder@led.example.no", "feil-passord-123")
    unknown_email = sign_in_with_form(client, "finnes.ikke@example.no", "feil-passord-123")
    assert wrong_password.status_code == unknown_email.status_code == 401
    for response in (wrong_password, unknown_email):
        assert WRONG_CREDENTIALS in response.get_data(as_text=True)
    alerts = [
        ALERT.search(response.get_data(as_text=True)).group(0)
        for response in (wrong_password, unknown_email)
    ]
    assert alerts[0] == alerts[1]
    assert client.get("/rapportering/").status_code == 302  # still not signed in
    assert [event.email for event in audit_events("login_failed")] == [
        "leder@led.example.no",
        "finnes.ikke@example.no",
    ]


def test_deactivated_user_cannot_sign_in(client):
    world = build_world()
    world.lead_contact.active = False
    db.session.commit()
    response = sign_in_with_form(client, "leder@led.example.no", PASSWORD)
    assert response.status_code == 401
    assert "Kontoen din er deaktivert" in response.get_data(as_text=True)
    assert client.get("/rapportering/").status_code == 302
    assert len(audit_events("login_refused_inactive")) == 1
    assert audit_events("login") == []


def test_deactivating_a_signed_in_user_ends_their_session(client):
    world = build_world()
    sign_in_with_form(client, "leder@led.example.no", PASSWORD)
    assert client.get("/rapportering/").status_code == 200
    world.lead_contact.active = False
    db.session.commit()
    response = client.get("/rapportering/")
    assert response.status_code == 302 and response.location.startswith("/logg-inn")


def test_empty_fields_get_messages_next_to_them(client):
    response = client.post(
        "/logg-inn",
        data={"email": "", "password": "", "csrf_token": csrf_token(client, "/logg-inn")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="email-error"' in page and "Skriv e-postadressen din." in page
    assert 'id="password-error"' in page and "Skriv passordet ditt." in page


def test_sign_in_without_csrf_token_is_refused_and_not_logged(client):
    build_world()
    before = snapshot()
    response = client.post(
        "/logg-inn", data={"email": "leder@led.example.no", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert snapshot() == before
    assert client.get("/rapportering/").status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(client):
    world = build_world()
    sign_in_with_form(client, "leder@led.example.no", PASSWORD)
    assert client.get("/logg-ut").status_code == 405
    response = post_form(client, "/logg-ut", {})
    assert response.status_code == 302
    assert "Du er logget ut." in client.get("/").get_data(as_text=True)
    assert client.get("/rapportering/").status_code == 302
    [event] = audit_events("logout")
    assert event.user_id == world.lead_contact.id


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    build_world()
    response = client.get("/rapportering/status-2026/tiltak/7")
    assert response.status_code == 302
    assert response.location == "/logg-inn?next=%2Frapportering%2Fstatus-2026%2Ftiltak%2F7"
    assert "Logg inn for å se denne siden." in client.get(response.location).get_data(as_text=True)
    signed_in = sign_in_with_form(
        client, "leder@led.example.no", PASSWORD, "/rapportering/status-2026/tiltak/7"
    )
    assert signed_in.location == "/rapportering/status-2026/tiltak/7"


@pytest.mark.parametrize(
    "target", ["//evil.example.com/", "https://evil.example.com/", "/\\evil.example.com"]
)
def test_sign_in_never_redirects_to_another_site(client, target):
    build_world()
    response = sign_in_with_form(client, "leder@led.example.no", PASSWORD, target)
    assert response.location == "/rapportering/"


def test_passwords_are_stored_as_scrypt_hashes(runner, app):
    build_world()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "ny@led.example.no",
            "--role",
            "contact",
            "--ministry",
            "led",
            "--password-stdin",
        ],
        input="et-langt-passord-1\n",
    )
    assert result.exit_code == 0, result.output
    stored = db.session.scalars(select(User).where(User.email == "ny@led.example.no")).one()
    assert stored.password_hash.startswith("scrypt:")
    assert check_password_hash(stored.password_hash, "et-langt-passord-1")
    assert "et-langt-passord-1" not in result.output
    assert stored.unit.abbreviation == "LED" and stored.role == Role.CONTACT
