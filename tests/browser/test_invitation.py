"""An invited person follows the link in the e-mail they received (through a real SMTP server)
to choosing a password and a first sign-in, in Debian's Chromium; axe-core checks the pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import assert_accessible
from tests.support.workflow import build_world
from tracker.account_links.operations import invite_user
from tracker.auth.models import Role
from tracker.auth.operations import create_user, generate_password
from tracker.extensions import db
from tracker.mail.sender import deliver_pending
from tracker.ministries.queries import get_unit

pytestmark = pytest.mark.browser

CHOSEN = "tre-blå-hvaler-i-fjorden"


@pytest.fixture
def app_config(mail_app_config):
    return mail_app_config


def test_an_invited_person_follows_the_link_and_signs_in_for_the_first_time(
    page, live_server, app, smtp_server
):
    smtp_server.start()
    world = build_world()
    user = create_user(
        "nina@led.example.no",
        Role.CONTACT,
        generate_password(),  # never shown: she chooses her own
        unit=get_unit("LED"),
        name="Nina Ny",
        created_by=world.admin,
    )
    invite_user(user, world.admin)
    db.session.commit()
    assert deliver_pending().sent == 1

    [received] = smtp_server.to("nina@led.example.no")
    link = re.search(r"https://tracker\.example\.no(/velkommen/\S+)", received.text).group(1)
    page.goto(live_server + link)
    expect(page.get_by_role("heading", name="Velkommen! Velg passordet ditt")).to_be_visible()
    assert_accessible(page)

    # A common password is refused next to the field, then a good one is taken.
    page.get_by_label("Nytt passord", exact=True).fill("Passord2024!!")
    page.get_by_label("Gjenta det nye passordet").fill("Passord2024!!")
    page.get_by_role("button", name="Lagre passordet").click()
    expect(page.get_by_text("lett å gjette").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nytt passord", exact=True).fill(CHOSEN)
    page.get_by_label("Gjenta det nye passordet").fill(CHOSEN)
    page.get_by_role("button", name="Lagre passordet").click()
    expect(page.get_by_text("Passordet er lagret.")).to_be_visible()

    page.get_by_label("E-postadresse").fill("nina@led.example.no")
    page.get_by_label("Passord").fill(CHOSEN)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Tiltakene til Ledende departement")).to_be_visible()
    expect(page.get_by_role("link", name="Felles tiltak")).to_be_visible()

    # The link was for one use.
    page.goto(live_server + link)
    expect(page.get_by_text("Lenken er allerede brukt")).to_be_visible()
    assert_accessible(page)


def test_the_forgotten_password_pages_are_accessible(page, live_server, app):
    build_world()
    page.goto(live_server + "/logg-inn")
    page.get_by_role("link", name="Glemt passord?").click()
    expect(page.get_by_role("heading", name="Glemt passord?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("E-postadresse").fill("leder@led.example.no")
    page.get_by_role("button", name="Send lenke").click()
    expect(page.get_by_role("heading", name="Sjekk e-posten din")).to_be_visible()
    assert_accessible(page)
