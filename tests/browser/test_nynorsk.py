"""Working in nynorsk in Chromium: the language switch on every kind of page, a contact person
writing a narrative in nynorsk, and the coordinator seeing the nynorsk share. axe-core checks the
signed-in pages in nynorsk on the way."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import PlanFactory
from tests.support.browser import assert_accessible
from tests.support.workflow import PASSWORD, make_user
from tracker.extensions import db
from tracker.ministries.queries import get_unit
from tracker.models import Role
from tracker.reporting.operations import open_round
from tracker.reporting.workflow_queries import today

pytestmark = pytest.mark.browser

NYNORSK_TEXT = "Kampanjen vart gjennomført hausten 2025.\n\n- 3 000 arbeidsgivarar nådde"


@pytest.fixture
def round_2026(app, seeded):
    coordinator = make_user(Role.COORDINATOR, email="koordinator@aid.example.no")
    make_user(Role.CONTACT, get_unit("AID"), email="kontakt@aid.example.no")
    # A deadline ahead of today: opening a round refuses one that has passed.
    open_round(
        PlanFactory(),
        "status-2026",
        "Status 2026",
        date(2026, 6, 1),
        today() + timedelta(days=7),
        coordinator,
    )
    db.session.commit()


def sign_in_in_nynorsk(page, live_server, email):
    page.goto(live_server + "/logg-inn")
    page.get_by_role("link", name="Norsk (nynorsk)").click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    assert_accessible(page)
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def test_contact_writes_in_nynorsk_and_the_public_page_marks_it(page, live_server, round_2026):
    sign_in_in_nynorsk(page, live_server, "kontakt@aid.example.no")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    assert_accessible(page)
    page.get_by_role("link", name="Kampanje mot diskriminering i arbeidslivet").click()
    expect(page.get_by_role("heading", name="Førre publiserte status")).to_be_visible()
    # The text the ministry wrote before is bokmål, and the form says so until changed.
    expect(page.get_by_label("Bokmål")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Nynorsk", exact=True).check()
    page.get_by_label("Statusskildring").fill(NYNORSK_TEXT)
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.get_by_text("Utkastet er lagra.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page.get_by_label("Nynorsk", exact=True)).to_be_checked()
    expect(page.get_by_label("Statusskildring")).to_have_attribute("lang", "nn")
    page.get_by_role("button", name="Send til gjennomgang").click()
    expect(page.get_by_text("Rapporten er sendt til gjennomgang.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_text("Du er logga ut.")).to_be_visible()

    sign_in_in_nynorsk(page, live_server, "koordinator@aid.example.no")
    page.get_by_role("link", name="Sjå korleis departementa ligg an").click()
    expect(page.locator("#nynorsk-share")).to_contain_text(
        "Alle statusskildringar i runden: 1 av 50 på nynorsk (2 prosent)."
    )
    assert_accessible(page)
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#nynorsk-share")).to_contain_text("Below the minimum of 25 per cent")
    assert_accessible(page)
