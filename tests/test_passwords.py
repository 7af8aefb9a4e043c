"""Password rules in every place a password is chosen; changing one's own; forced resets."""

import re

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import (
    PASSWORD,
    audit_events,
    build_world,
    csrf_token,
    field_error,
    fresh,
    snapshot,
)
from tracker.auth.passwords import password_problem
from tracker.extensions import db
from tracker.models import User

GOOD_PASSWORD = "fjord-lakris-trapp-91"
EASY_TO_GUESS = "lett å gjette"
COMMON = (
    "passord123456",
    "Sommer2024!!!",
    "Qwerty123456!",
    "123456789012",
    "sommersommer1",
    "Velkommen2025!",
    # What an outside test got accepted by the hand-made list.
    "abcabcabcabc",
    "111111111111a",
    "qwertyuiopasdf",
    # The plan's and the service's own words, and full-width letters of a refused password.
    "Handlingsplan-2024-2027",
    "handlingsplan2024–2027",
    "Sommerferie2026!",
    "Statusoppfølgingen2026",
    "Ｐａｓｓｏｒｄ２０２４！！",
    "ｓｏｍｍｅｒｓｏｍｍｅｒ１",
)
INVISIBLE = ("\u200b" * 12, " " * 12, "\u200b\u200c\u200d\u2060\ufeff" * 3, "\u3000" * 14)


def change(client, current, new, confirm=None):
    return client.post(
        "/konto/passord",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
            "csrf_token": csrf_token(client, "/konto/passord"),
        },
    )


def sign_in_with_form(client, email, password):
    return client.post(
        "/logg-inn",
        data={"email": email, "password": password, "csrf_token": csrf_token(client, "/logg-inn")},
    )


@pytest.mark.parametrize("password", COMMON)
def test_the_rule_refuses_passwords_that_are_easy_to_guess(app, password):
    with app.test_request_context():
        assert EASY_TO_GUESS in str(password_problem(password))


@pytest.mark.parametrize("password", INVISIBLE)
def test_the_rule_refuses_passwords_no_one_can_see(app, password):
    with app.test_request_context():
        assert "tegn som synes" in str(password_problem(password))


@pytest.mark.parametrize(
    "email, name, password",
    [
        ("ola.nordmann@kdd.dep.no", "Ola Nordmann", "ola.nordmann@kdd.dep.no2026"),
        ("ola.nordmann@kdd.dep.no", "Ola Nordmann", "olanordmann20262026"),
        ("kari@aid.dep.no", "Kari Traa", "KariTraa2026!"),
    ],
)
def test_the_rule_refuses_the_persons_own_email_and_name(app, email, name, password):
    with app.test_request_context():
        assert EASY_TO_GUESS in str(password_problem(password, email=email, name=name))
        # The same password is fine for someone else: it is the context that makes it weak.
        assert password_problem(password, email="x@y.no", name="Per Hansen") is None


def test_the_rule_accepts_a_passphrase_and_a_generated_password(app):
    from tracker.auth.operations import generate_password

    with app.test_request_context():
        assert password_problem(GOOD_PASSWORD) is None
        assert password_problem("blå hest stall lampe") is None
        assert all(password_problem(generate_password()) is None for _ in range(20))


@pytest.mark.parametrize("password", COMMON)
def test_the_cli_refuses_a_common_password(runner, app, password):
    build_world()
    result = runner.invoke(
        args=["users", "create", "ny@example.no", "--role", "coordinator", "--password-stdin"],
        input=password + "\n",
    )
    assert result.exit_code == 1 and EASY_TO_GUESS in result.output
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "ny@example.no")) == 0


def test_the_cli_accepts_a_long_uncommon_password(runner, app):
    build_world()
    result = runner.invoke(
        args=["users", "create", "ny@example.no", "--role", "coordinator", "--password-stdin"],
        input=GOOD_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.email == "ny@example.no")).one()
    assert check_password_hash(user.password_hash, GOOD_PASSWORD)


def test_the_admin_form_refuses_a_common_password_next_to_the_field(client, app, login):
    world = build_world()
    login(world.admin)
    before = snapshot()
    response = client.post(
        "/admin/brukere/ny",
        data={
            "email": "ny@led.example.no",
            "name": "Ny",
            "role": "contact",
            "unit": "LED",
            "password": "ny@led.example.no2024",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 400
    assert EASY_TO_GUESS in field_error(response.get_data(as_text=True), "password")
    assert snapshot() == before


def test_a_user_changes_their_own_password(client, app, login):
    world = build_world()
    login(world.lead_contact)
    assert client.get("/konto/passord").status_code == 200
    response = change(client, PASSWORD, GOOD_PASSWORD)
    assert response.status_code == 302 and response.location == "/rapportering/"
    assert check_password_hash(fresh(world.lead_contact).password_hash, GOOD_PASSWORD)
    assert [event.user_id for event in audit_events("password_changed")] == [world.lead_contact.id]
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})
    assert sign_in_with_form(client, "leder@led.example.no", PASSWORD).status_code == 401
    assert sign_in_with_form(client, "leder@led.example.no", GOOD_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "current, new, confirm, field, message",
    [
        ("feil-passord-123", GOOD_PASSWORD, None, "current_password", "Passordet er ikke riktig."),
        (PASSWORD, "kort", None, "new_password", "minst 12 tegn"),
        (PASSWORD, "Sommer2024!!!", None, "new_password", EASY_TO_GUESS),
        (PASSWORD, GOOD_PASSWORD, "noe-annet-helt-123", "confirm_password", "ikke like"),
        (PASSWORD, PASSWORD, None, "new_password", "et annet enn det du har nå"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    client, app, login, current, new, confirm, field, message
):
    world = build_world()
    login(world.lead_contact)
    old_hash = world.lead_contact.password_hash
    response = change(client, current, new, confirm)
    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), field)
    assert fresh(world.lead_contact).password_hash == old_hash
    assert audit_events("password_changed") == []


def test_wrong_current_passwords_count_towards_the_sign_in_lock(client, app, login):
    world = build_world()
    login(world.lead_contact)
    for n in range(5):
        change(client, f"gjetning-{n}-abc", GOOD_PASSWORD)
    assert len(audit_events("login_failed")) == 5
    refused = change(client, PASSWORD, GOOD_PASSWORD)
    assert "For mange mislykkede forsøk" in field_error(
        refused.get_data(as_text=True), "current_password"
    )
    assert fresh(world.lead_contact).password_hash == world.lead_contact.password_hash


def test_changing_a_password_needs_a_signed_in_user(client, app):
    build_world()
    response = client.get("/konto/passord")
    assert response.status_code == 302 and response.location.startswith("/logg-inn?next=")


def test_a_forced_reset_sends_the_user_to_choose_a_new_password_before_anything_else(
    client, app, login
):
    world = build_world()
    login(world.admin)
    response = client.post(
        f"/admin/brukere/{world.lead_contact.id}/krev-nytt-passord",
        data={"csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert fresh(world.lead_contact).must_change_password is True
    assert [event.email for event in audit_events("password_change_required")] == [
        "leder@led.example.no"
    ]
    assert "Må velge nytt passord" in client.get("/admin/brukere").get_data(as_text=True)
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})

    signed_in = sign_in_with_form(client, "leder@led.example.no", PASSWORD)
    assert signed_in.status_code == 302 and signed_in.location == "/konto/passord"
    for path in ("/rapportering/", world.report_url, "/", PLAN_ONE + "/tiltak"):
        detour = client.get(path)
        assert detour.status_code == 302 and detour.location == "/konto/passord", path
    saved = client.post(
        world.report_url,
        data={
            "status": "completed",
            "narrative": "Omvei.",
            "version": "1",
            "save": "Lagre",
            "csrf_token": csrf_token(client, "/konto/passord"),
        },
    )
    assert saved.status_code == 302 and saved.location == "/konto/passord"
    assert fresh(world.report).narrative == "Opprinnelig tekst."
    assert "Administratoren har bedt deg velge et nytt passord" in client.get(
        "/konto/passord"
    ).get_data(as_text=True)

    assert change(client, PASSWORD, GOOD_PASSWORD).status_code == 302
    assert fresh(world.lead_contact).must_change_password is False
    assert client.get("/rapportering/").status_code == 200


def test_a_password_the_admin_generated_must_be_replaced_at_the_next_sign_in(client, app, login):
    world = build_world()
    login(world.admin)
    page = client.post(
        f"/admin/brukere/{world.lead_contact.id}/nytt-passord",
        data={"csrf_token": csrf_token(client)},
    )
    password = re.search(
        r'<code id="generated-password">([^<]+)</code>', page.get_data(as_text=True)
    ).group(1)
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})
    signed_in = sign_in_with_form(client, "leder@led.example.no", password)
    assert signed_in.location == "/konto/passord"
    assert change(client, password, GOOD_PASSWORD).status_code == 302
    assert client.get("/rapportering/").status_code == 200
