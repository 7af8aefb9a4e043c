"""Invitations and password resets: e-mailed links that work once, expire, and never reveal
whether an address has an account."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.workflow import PASSWORD, audit_events, build_world, csrf_token, fresh
from tracker.account_links.tokens import INVITATION, PASSWORD_RESET, make_token
from tracker.extensions import db
from tracker.mail.models import OutboxMessage
from tracker.mail.sender import deliver_pending
from tracker.models import User
from tracker.timeutil import utcnow

NEW_PASSWORD = "blå-hval-svømmer-fort"
LINK = re.compile(r"https://tracker\.example\.no(/\S+)")


@pytest.fixture
def app_config(mail_app_config):
    return mail_app_config


def link_path(received) -> str:
    return LINK.search(received.text).group(1)


def set_password(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(
        path,
        data={
            "new_password": password,
            "confirm_password": password if confirm is None else confirm,
            "csrf_token": csrf_token(client, path),
        },
    )


def sign_in_with_form(client, email, password):
    return client.post(
        "/logg-inn",
        data={"email": email, "password": password, "csrf_token": csrf_token(client, "/logg-inn")},
    )


def test_an_invited_person_chooses_a_password_once_through_the_e_mailed_link(
    app, client, login, smtp_server
):
    smtp_server.start()
    world = build_world()
    login(world.admin)
    created = client.post(
        "/admin/brukere/ny",
        data={
            "email": "ny@led.example.no",
            "name": "Nina Ny",
            "role": "contact",
            "unit": "LED",
            "password": "",
            "csrf_token": csrf_token(client),
        },
    )
    page = created.get_data(as_text=True)
    assert "En invitasjon er lagt i utboksen til ny@led.example.no" in page
    assert "generated-password" not in page  # no password is shown to the admin
    assert audit_events("user_invited")[0].user_id == world.admin.id
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})

    assert deliver_pending().sent == 1
    [invitation] = smtp_server.to("ny@led.example.no")
    assert invitation.subject == "Velkommen: velg passord til statusoversikten"
    assert "Brukernavnet ditt er e-postadressen din: ny@led.example.no" in invitation.text
    # Who invited her, for which unit, and what happens next.
    assert "Adam Admin har gitt deg en konto" in invitation.text
    assert "Du er kontaktperson for Ledende departement (LED)." in invitation.text
    assert (
        "Hva skjer så?" in invitation.text and "Når en rapporteringsrunde åpnes" in invitation.text
    )
    path = link_path(invitation)
    assert path.startswith("/velkommen/")
    assert f'href="https://tracker.example.no{path}"' in invitation.html

    # The form applies the password rules; nothing is changed by a refused password.
    form = client.get(path, follow_redirects=True)
    assert form.status_code == 200 and "Velkommen! Velg passordet ditt" in form.get_data(
        as_text=True
    )
    common = set_password(client, path, "Passord2024!!")
    assert common.status_code == 400
    assert "lett å gjette" in common.get_data(as_text=True)
    mismatch = set_password(client, path, confirm="noe-annet-helt-annet")
    assert "De to nye passordene er ikke like." in mismatch.get_data(as_text=True)

    done = set_password(client, path)
    assert done.status_code == 302 and done.location == "/logg-inn"
    # The sign-in form has her address filled in, and the password field has the focus.
    sign_in_page = client.get("/logg-inn").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="email"[^>]*value="ny@led.example.no"', sign_in_page)
    assert re.search(
        r'<input[^>]*autofocus[^>]*name="password"|<input[^>]*name="password"[^>]*autofocus',
        sign_in_page,
    )
    assert sign_in_with_form(client, "ny@led.example.no", NEW_PASSWORD).location == "/rapportering/"
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})

    # Used once: the link is dead, and the password stays the one chosen.
    again = client.get(path)
    assert again.status_code == 410
    assert "Lenken er allerede brukt" in again.get_data(as_text=True)
    assert set_password(client, path, "et-helt-annet-passord").status_code == 410
    assert sign_in_with_form(client, "ny@led.example.no", NEW_PASSWORD).location == "/rapportering/"


def test_an_admin_who_types_a_password_sends_no_invitation(app, client, login):
    world = build_world()
    login(world.admin)
    client.post(
        "/admin/brukere/ny",
        data={
            "email": "ny@led.example.no",
            "role": "coordinator",
            "ministry": "",
            "password": "et-langt-passord-fra-admin",
            "csrf_token": csrf_token(client),
        },
    )
    assert db.session.scalars(select(OutboxMessage)).all() == []


@pytest.mark.parametrize(
    ("purpose", "lifetime", "prefix"),
    [
        (INVITATION, timedelta(hours=72), "/velkommen/"),
        (PASSWORD_RESET, timedelta(hours=1), "/nytt-passord/"),
    ],
)
def test_links_expire(app, client, purpose, lifetime, prefix):
    world = build_world()
    almost = make_token(world.lead_contact, purpose, now=utcnow() - lifetime + timedelta(minutes=1))
    expired = make_token(
        world.lead_contact, purpose, now=utcnow() - lifetime - timedelta(minutes=1)
    )
    assert client.get(prefix + almost, follow_redirects=True).status_code == 200
    response = client.get(prefix + expired)
    assert response.status_code == 410
    assert "Lenken er utløpt." in response.get_data(as_text=True)
    assert set_password(client, prefix + expired).status_code == 410
    assert fresh(world.lead_contact).password_hash == world.lead_contact.password_hash


def test_a_link_for_one_purpose_or_tampered_with_does_not_work(app, client):
    world = build_world()
    reset = make_token(world.lead_contact, PASSWORD_RESET)
    assert client.get("/velkommen/" + reset).status_code == 410
    assert client.get("/nytt-passord/" + reset[:-2] + "xx").status_code == 410
    assert "Lenken er ikke gyldig" in client.get("/nytt-passord/" + reset[:-2] + "xx").get_data(
        as_text=True
    )


def request_reset(client, email):
    return client.post(
        "/glemt-passord", data={"email": email, "csrf_token": csrf_token(client, "/glemt-passord")}
    )


def answer(response) -> str:
    text = response.get_data(as_text=True)
    return re.search(r'id="reset-requested">([^<]+)<', text).group(1)


def test_forgotten_password_gives_the_same_answer_and_a_link_that_works_once(
    app, client, smtp_server
):
    smtp_server.start()
    build_world()
    known = request_reset(client, "Leder@led.example.no ")
    unknown = request_reset(client, "ingen@led.example.no")
    assert known.status_code == unknown.status_code == 200
    assert answer(known).replace("Leder@led.example.no", "X") == answer(unknown).replace(
        "ingen@led.example.no", "X"
    )
    assert "Glemt passord?" in client.get("/logg-inn").get_data(as_text=True)

    assert deliver_pending().sent == 1
    [message] = smtp_server.received
    assert message.recipients == ["leder@led.example.no"]
    assert message.subject == "Nytt passord til statusoversikten"
    path = link_path(message)
    assert path.startswith("/nytt-passord/")
    assert set_password(client, path).location == "/logg-inn"
    assert (
        sign_in_with_form(client, "leder@led.example.no", NEW_PASSWORD).location == "/rapportering/"
    )
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})
    assert client.get(path).status_code == 410
    # The old password is gone.
    assert sign_in_with_form(client, "leder@led.example.no", PASSWORD).status_code == 401
    outcomes = [event.details["outcome"] for event in audit_events("password_reset_requested")]
    assert outcomes == ["sent", "no_account"]


def test_reset_requests_are_throttled_and_inactive_accounts_get_nothing(app, client):
    world = build_world()
    fresh(world.other_contact).active = False
    db.session.commit()
    answers = {answer(request_reset(client, "leder@led.example.no")) for _ in range(5)}
    assert len(answers) == 1  # the same words every time
    request_reset(client, "annen@ann.example.no")
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert [m.recipient for m in messages] == ["leder@led.example.no"] * 3
    outcomes = [event.details["outcome"] for event in audit_events("password_reset_requested")]
    assert outcomes == ["sent"] * 3 + ["throttled"] * 2 + ["no_account"]


def test_an_empty_forgotten_password_form_gets_a_message(app, client):
    response = request_reset(client, "")
    assert response.status_code == 400
    assert "Skriv e-postadressen din." in response.get_data(as_text=True)
    assert db.session.scalars(select(User)).all() == []


def test_a_link_refuses_a_password_built_from_the_owners_own_e_mail(app, client):
    world = build_world()
    path = "/nytt-passord/" + make_token(world.lead_contact, PASSWORD_RESET)
    guessable = world.lead_contact.email + "2026"
    refused = set_password(client, path, password=guessable)
    assert refused.status_code == 400
    assert "lett å gjette" in refused.get_data(as_text=True)
    # Nothing changed: the old password still works, and the link can still be used.
    assert (
        sign_in_with_form(client, world.lead_contact.email, PASSWORD).location == "/rapportering/"
    )
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})
    assert set_password(client, path).location == "/logg-inn"


def request_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(
    ("purpose", "prefix"), [(INVITATION, "/velkommen"), (PASSWORD_RESET, "/nytt-passord")]
)
def test_the_link_token_stays_out_of_the_request_log(app, client, capsys, purpose, prefix):
    """Whoever reads the request log must not find a link they could take the account with."""
    world = build_world()
    token = make_token(world.lead_contact, purpose)
    capsys.readouterr()
    opened = client.get(f"{prefix}/{token}")
    # The token moves into the session; the page itself has an address without it.
    assert opened.status_code == 303 and opened.location == prefix
    form = client.get(prefix)
    assert form.status_code == 200 and world.lead_contact.email in form.get_data(as_text=True)
    # Nothing the page loads tells another server (or the access log) where it came from.
    assert form.headers["Referrer-Policy"] == "no-referrer"
    done = set_password(client, prefix)
    assert done.status_code == 302 and done.location == "/logg-inn"
    lines = request_lines(capsys.readouterr().out)
    assert f"{prefix}/[skjult]" in [line["path"] for line in lines]
    assert token not in json.dumps(lines)
    assert sign_in_with_form(client, world.lead_contact.email, NEW_PASSWORD).status_code == 302


def test_a_link_form_posted_to_the_old_address_works_and_is_not_logged(app, client, capsys):
    """A form rendered before the upgrade posts to the address with the token."""
    world = build_world()
    token = make_token(world.lead_contact, PASSWORD_RESET)
    old_hash = world.lead_contact.password_hash
    capsys.readouterr()
    done = set_password(client, f"/nytt-passord/{token}")
    assert done.status_code == 302 and done.location == "/logg-inn"
    assert token not in capsys.readouterr().out
    assert fresh(world.lead_contact).password_hash != old_hash


def test_the_link_page_without_a_link_says_so(app, client):
    for prefix in ("/velkommen", "/nytt-passord"):
        response = client.get(prefix)
        assert response.status_code == 410
        assert "Lenken er ikke gyldig" in response.get_data(as_text=True)
