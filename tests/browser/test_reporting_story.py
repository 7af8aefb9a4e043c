"""The whole reporting story in Debian's Chromium, as the people involved would walk it:
a ministry contact updates a measure, the coordinator returns it, the contact fixes it, the
coordinator approves and publishes, and the public page shows the new status. axe-core checks
every kind of page on the way."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import PlanFactory
from tests.support.browser import assert_accessible, sign_in, sign_out
from tests.support.workflow import make_user
from tracker.extensions import db
from tracker.ministries.queries import get_unit
from tracker.models import Role
from tracker.reporting.operations import open_round
from tracker.reporting.workflow_queries import today

pytestmark = pytest.mark.browser

NEW_TEXT = (
    "Kampanjen ble gjennomført høsten 2025.\n\n- 3 000 arbeidsgivere nådd\n- Evaluering i gang"
)
FIXED_TEXT = NEW_TEXT + "\n\nEvalueringen fra «Oslo Economics» kom i mars 2026."


@pytest.fixture
def story(app, seeded):
    coordinator = make_user(
        Role.COORDINATOR, email="koordinator@aid.example.no", name="Kari Koordinator"
    )
    make_user(Role.CONTACT, get_unit("AID"), email="kontakt@aid.example.no", name="Ola Kontakt")
    # A deadline ahead of today: opening a round refuses one that has passed.
    open_round(
        PlanFactory(),
        "status-2026",
        "Status 2026",
        date(2026, 6, 1),
        today() + timedelta(days=1),
        coordinator,
    )
    db.session.commit()


def test_contact_reports_coordinator_returns_then_approves_and_publishes(page, live_server, story):
    # The contact person signs in and finds the measure among their ministry's.
    page.goto(live_server + "/logg-inn")
    assert_accessible(page)
    sign_in(page, live_server, "kontakt@aid.example.no")
    expect(
        page.get_by_role("heading", name="Tiltakene til Arbeids- og inkluderingsdepartementet")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Kampanje mot diskriminering i arbeidslivet").click()

    # The form is pre-filled with the published status; the plan's text and last round's
    # are beside it.
    expect(page.get_by_label("Pågående")).to_be_checked()
    expect(page.get_by_role("heading", name="Forrige publiserte status")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Gjennomført").check()
    page.get_by_label("Statusbeskrivelse").fill(NEW_TEXT)
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.get_by_text("Utkastet er lagret.")).to_be_visible()
    expect(page.get_by_label("Statusbeskrivelse")).to_have_value(NEW_TEXT)
    page.get_by_role("button", name="Send til gjennomgang").click()
    expect(page.get_by_text("Rapporten er sendt til gjennomgang.")).to_be_visible()
    sign_out(page)

    # The coordinator finds it in the overview and returns it with a comment.
    sign_in(page, live_server, "koordinator@aid.example.no")
    assert_accessible(page)
    page.get_by_role("link", name="Se hvordan departementene ligger an").click()
    aid_row = page.locator('tr[data-unit="AID"]')
    expect(aid_row.locator('td[data-progress="submitted"]')).to_have_text("1")
    assert_accessible(page)
    page.get_by_role("link", name="Kampanje mot diskriminering i arbeidslivet").click()
    assert_accessible(page)
    page.get_by_label("Kommentar til departementet").fill("Hvem evaluerer kampanjen, og når?")
    page.get_by_role("button", name="Send tilbake med kommentar").click()
    expect(page.get_by_text("er sendt tilbake til departementet")).to_be_visible()
    sign_out(page)

    # The contact person sees the comment, fixes the text and sends it again.
    sign_in(page, live_server, "kontakt@aid.example.no")
    expect(
        page.get_by_text("1 rapport er sendt tilbake fra koordinatoren og må rettes.")
    ).to_be_visible()
    page.get_by_role("link", name="Kampanje mot diskriminering i arbeidslivet").click()
    expect(page.locator("#review-comment")).to_contain_text("Hvem evaluerer kampanjen, og når?")
    page.get_by_label("Statusbeskrivelse").fill(FIXED_TEXT)
    page.get_by_role("button", name="Send til gjennomgang").click()
    expect(page.get_by_text("Rapporten er sendt til gjennomgang.")).to_be_visible()
    page.get_by_role("link", name="Se historikken og sammenlign versjoner").click()
    expect(page.locator("ins").first).to_contain_text("Evalueringen")
    assert_accessible(page)
    sign_out(page)

    # The coordinator approves, closes the round and publishes it.
    sign_in(page, live_server, "koordinator@aid.example.no")
    page.get_by_role("link", name="Se hvordan departementene ligger an").click()
    page.get_by_role("link", name="Kampanje mot diskriminering i arbeidslivet").click()
    page.get_by_role("button", name="Godkjenn").click()
    expect(page.get_by_text("Rapporten for tiltak 1 er godkjent.")).to_be_visible()
    page.get_by_role("link", name="Til oversikten over runden").click()
    page.get_by_label("Jeg vil lukke runden før fristen").check()
    page.get_by_role("button", name="Lukk runden").click()
    expect(page.get_by_text("Runden er lukket.")).to_be_visible()
    page.get_by_role("link", name="Se hva som blir offentlig, og publiser").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publiser runden").click()
    expect(page.get_by_text("Runden er publisert.")).to_be_visible()
    sign_out(page)

    # The public page now shows the new status.
    page.goto(live_server + "/")
    expect(page.get_by_text("Status pr. 1. juni 2026 (Status 2026).")).to_be_visible()
    first_row = page.locator("section.area tbody tr").first
    expect(first_row).to_contain_text("Kampanje mot diskriminering i arbeidslivet")
    expect(first_row).to_contain_text("Gjennomført")


def test_conflict_bad_input_and_admin_and_round_forms_are_accessible(
    page, live_server, story, browser
):
    make_user(Role.ADMIN, email="admin@example.no")
    make_user(Role.CONTACT, get_unit("AID"), email="kollega@aid.example.no", name="Kollega")
    db.session.commit()
    sign_in(page, live_server, "kontakt@aid.example.no")
    page.goto(live_server + "/rapportering/status-2026/tiltak/1")

    # A colleague saves while this form is open.
    other = browser.new_context().new_page()
    sign_in(other, live_server, "kollega@aid.example.no")
    other.goto(live_server + "/rapportering/status-2026/tiltak/1")
    other.get_by_label("Statusbeskrivelse").fill("Kollegaens tekst.")
    other.get_by_role("button", name="Lagre utkast").click()
    expect(other.get_by_text("Utkastet er lagret.")).to_be_visible()

    page.get_by_label("Statusbeskrivelse").fill("Min tekst, som ikke må forsvinne.")
    page.get_by_role("button", name="Lagre utkast").click()
    expect(
        page.get_by_role("heading", name="Noen andre har lagret rapporten først")
    ).to_be_visible()
    expect(page.get_by_label("Statusbeskrivelse")).to_have_value(
        "Min tekst, som ikke må forsvinne."
    )
    expect(page.locator(".saved-text")).to_contain_text("Kollegaens tekst.")
    assert_accessible(page)

    # Submitting without a text: the message is next to the field, and the error summary
    # links to it.
    page.get_by_label("Statusbeskrivelse").fill("")
    page.get_by_role("button", name="Send til gjennomgang").click()
    expect(page.locator("#narrative-error")).to_contain_text("Skriv en statusbeskrivelse")
    expect(page.get_by_label("Statusbeskrivelse")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server, "admin@example.no")
    expect(page.get_by_role("heading", name="Brukere")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ny bruker").click()
    page.get_by_role("button", name="Opprett bruker").click()
    expect(page.locator("#email-error")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server, "koordinator@aid.example.no")
    page.goto(live_server + "/rapportering/runder/ny")
    page.get_by_role("button", name="Åpne runden").click()
    expect(page.locator("#title-error")).to_contain_text("Skriv en tittel.")
    assert_accessible(page)


def test_the_character_count_is_spoken_when_typing_pauses_not_on_arrival(page, live_server, story):
    """Orca read «371 av 20000 tegn» as the report form opened, and would after every key: the
    count on the page is plain text; its spoken copy changes once typing pauses."""
    sign_in(page, live_server, "kontakt@aid.example.no")
    page.goto(live_server + "/rapportering/status-2026/tiltak/1")
    shown = page.locator("[data-count-for='narrative']")
    spoken = page.locator("[data-count-announce-for='narrative']")
    expect(shown).to_have_text(re.compile(r"^\d+ av \d+ tegn$"))
    expect(shown).not_to_have_attribute("aria-live", re.compile(".*"))
    expect(spoken).to_have_attribute("aria-live", "polite")
    expect(spoken).to_have_text("")
    page.get_by_label("Statusbeskrivelse").fill("Kort tekst.")
    expect(shown).to_have_text(re.compile(r"^11 av \d+ tegn$"))
    expect(spoken).to_have_text(re.compile(r"^11 av \d+ tegn$"))


def test_the_round_overview_says_the_status_without_its_symbol(page, live_server, story):
    """Orca read «… Pågående» in the round overview's table: the symbol before a status is
    decoration, with an empty alternative text, on the signed-in pages as on the public ones."""
    sign_in(page, live_server, "koordinator@aid.example.no")
    page.goto(live_server + "/rapportering/status-2026/oversikt")
    table = page.get_by_role("table", name="Alle rapporter i runden")
    expect(table.get_by_role("cell", name="Pågående", exact=True).first).to_be_visible()
    expect(table.get_by_role("cell", name="… Pågående")).to_have_count(0)
