"""Administrators manage accounts in the browser: create, re-assign, deactivate, reactivate."""

import re

from sqlalchemy import func, select

from tests.support.workflow import (
    audit_events,
    build_world,
    csrf_token,
    field_error,
    fresh,
    snapshot,
)
from tracker.extensions import db
from tracker.mail.models import OutboxMessage
from tracker.models import Role, User


def create(client, **fields):
    data = {
        "email": "ny@led.example.no",
        "name": "Nina Ny",
        "role": "contact",
        "unit": "LED",
        "password": "",
    } | fields
    return client.post("/admin/brukere/ny", data=data | {"csrf_token": csrf_token(client)})


def test_admin_creates_a_contact_who_chooses_a_password_from_the_invitation(client, app, login):
    world = build_world()
    login(world.admin)
    response = create(client)
    assert response.status_code == 200
    assert "generated-password" not in response.get_data(as_text=True)  # never shown
    user = db.session.scalars(select(User).where(User.email == "ny@led.example.no")).one()
    assert (user.role, user.unit.abbreviation, user.name) == (Role.CONTACT, "LED", "Nina Ny")
    [event] = audit_events("user_created")
    assert event.user_id == world.admin.id and event.details["unit"] == "LED"
    # The invitation waits in the outbox; its link lets the new person choose a password.
    [invitation] = db.session.scalars(select(OutboxMessage)).all()
    assert invitation.recipient == "ny@led.example.no"
    path = re.search(r"https?://[^/\s]+(/velkommen/\S+)", invitation.body_text).group(1)
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})
    chosen = "tre-ord-som-huskes-lett"
    client.post(
        path,
        data={
            "new_password": chosen,
            "confirm_password": chosen,
            "csrf_token": csrf_token(client, path),
        },
    )
    signed_in = client.post(
        "/logg-inn",
        data={
            "email": "ny@led.example.no",
            "password": chosen,
            "csrf_token": csrf_token(client, "/logg-inn"),
        },
    )
    assert signed_in.location == "/rapportering/"
    assert "Felles tiltak" in client.get("/rapportering/").get_data(as_text=True)


def test_bad_account_input_gets_messages_and_creates_nothing(client, app, login):
    world = build_world()
    login(world.admin)
    before = snapshot()
    no_unit = create(client, unit="")
    assert "En kontaktperson må høre til et departement eller en annen enhet." in field_error(
        no_unit.get_data(as_text=True), "unit"
    )
    taken = create(client, email="LEDER@led.example.no")
    assert "Det finnes allerede en bruker" in field_error(taken.get_data(as_text=True), "email")
    short = create(client, password="kort")
    assert "minst 12 tegn" in field_error(short.get_data(as_text=True), "password")
    not_email = create(client, email="ikke-en-adresse")
    assert "Dette ser ikke ut som en e-postadresse." in field_error(
        not_email.get_data(as_text=True), "email"
    )
    unknown_role = create(client, role="superuser")
    assert "Velg en av rollene i listen." in field_error(
        unknown_role.get_data(as_text=True), "role"
    )
    assert {
        no_unit.status_code,
        taken.status_code,
        short.status_code,
        unknown_role.status_code,
    } == {400}
    assert snapshot() == before


def test_reassigning_a_contact_moves_their_access(client, app, login):
    world = build_world()
    login(world.admin)
    response = client.post(
        f"/admin/brukere/{world.other_contact.id}",
        data={
            "name": "Anne Annen",
            "role": "contact",
            "unit": "MED",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302
    assert fresh(world.other_contact).unit.abbreviation == "MED"
    [event] = audit_events("user_updated")
    assert event.details["before"]["unit"] == "ANN" and event.details["after"]["unit"] == "MED"
    login(world.other_contact)
    assert client.get(world.report_url).status_code == 200


def test_making_a_contact_a_coordinator_drops_the_unit(client, app, login):
    world = build_world()
    login(world.admin)
    client.post(
        f"/admin/brukere/{world.lead_contact.id}",
        data={
            "name": "Lea Leder",
            "role": "coordinator",
            "unit": "LED",
            "csrf_token": csrf_token(client),
        },
    )
    user = fresh(world.lead_contact)
    assert (user.role, user.unit) == (Role.COORDINATOR, None)


def test_deactivate_and_reactivate_but_never_yourself(client, app, login):
    world = build_world()
    login(world.admin)
    client.post(
        f"/admin/brukere/{world.lead_contact.id}/deaktiver", data={"csrf_token": csrf_token(client)}
    )
    assert fresh(world.lead_contact).active is False
    assert "Deaktivert" in re.search(
        r'<tr data-user="leder@led.example.no">.*?</tr>',
        client.get("/admin/brukere").get_data(as_text=True),
        re.S,
    ).group(0)
    client.post(
        f"/admin/brukere/{world.lead_contact.id}/aktiver", data={"csrf_token": csrf_token(client)}
    )
    assert fresh(world.lead_contact).active is True
    refused = client.post(
        f"/admin/brukere/{world.admin.id}/deaktiver", data={"csrf_token": csrf_token(client)}
    )
    assert "Du kan ikke deaktivere din egen konto." in client.get(refused.location).get_data(
        as_text=True
    )
    assert fresh(world.admin).active is True
    assert [len(audit_events(name)) for name in ("user_deactivated", "user_reactivated")] == [1, 1]


def test_audit_log_shows_sign_ins_and_user_changes(client, app, login):
    world = build_world()
    client.post(
        "/logg-inn",
        data={
            "email": "ukjent@example.no",
            "password": "feil-feil-feil",
            "csrf_token": csrf_token(client, "/logg-inn"),
        },
    )
    login(world.admin)
    client.post(
        f"/admin/brukere/{world.lead_contact.id}/deaktiver", data={"csrf_token": csrf_token(client)}
    )
    page = client.get("/admin/logg").get_data(as_text=True)
    assert "Mislykket innlogging" in page and "ukjent@example.no" in page
    assert "Bruker deaktivert" in page and "leder@led.example.no" in page


def test_users_demo_refuses_outside_development(runner, app):
    build_world()
    result = runner.invoke(args=["users", "demo"])
    assert result.exit_code == 1 and "bare i utvikling" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 5


def test_users_demo_prints_working_credentials_in_development(runner, app, seeded, client):
    app.config["TRACKER_ENV"] = "development"
    first = runner.invoke(args=["users", "demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["users", "demo"])  # make run twice: fresh passwords that work
    credentials = dict(re.findall(r"^\s+\w+\s+(\S+@\S+)\s+(\S+)$", second.output, re.M))
    assert set(credentials) == {
        "kontakt.aid@demo.example.no",
        "koordinator@demo.example.no",
        "admin@demo.example.no",
    }
    response = client.post(
        "/logg-inn",
        data={
            "email": "kontakt.aid@demo.example.no",
            "password": credentials["kontakt.aid@demo.example.no"],
            "csrf_token": csrf_token(client, "/logg-inn"),
        },
    )
    assert response.location == "/rapportering/"
    contact = db.session.scalars(
        select(User).where(User.email == "kontakt.aid@demo.example.no")
    ).one()
    assert contact.unit.abbreviation == "AID"


def test_users_create_generates_a_password_once_and_refuses_bad_input(runner, app):
    build_world()
    created = runner.invoke(
        args=["users", "create", "koord2@example.no", "--role", "coordinator", "--name", "K"]
    )
    assert created.exit_code == 0 and "Passord (vises bare nå):" in created.output
    for args, message in (
        (
            ["x@example.no", "--role", "contact"],
            "En kontaktperson må høre til et departement eller en annen enhet.",
        ),
        (["x@example.no", "--role", "contact", "--ministry", "NOPE"], "Fant ikke enheten NOPE."),
        (["x@example.no", "--role", "contact", "--unit", "NOPE"], "Fant ikke enheten NOPE."),
        (["koord2@example.no", "--role", "coordinator"], "Det finnes allerede en bruker"),
    ):
        result = runner.invoke(args=["users", "create", *args])
        assert result.exit_code == 1 and message in result.output
    assert db.session.scalar(select(func.count(User.id))) == 6
