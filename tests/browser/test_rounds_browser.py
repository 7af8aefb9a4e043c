"""The next real rounds in Debian's Chromium: text typed before the session expired comes back
after signing in, leaving unsaved changes asks first, a refused submit puts focus on the error
summary, every page fits a 390-pixel phone and passes axe-core, and a three-round story
(publish with gaps, carry-over, withdraw) as the coordinating department will live it."""

import time
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import PlanFactory
from tests.support.browser import assert_accessible, sign_in, sign_out
from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import PASSWORD, make_user
from tracker.extensions import db
from tracker.ministries.queries import get_unit
from tracker.models import Measure, MeasureReport, ReportingRound, Role
from tracker.reporting.operations import open_round
from tracker.reporting.workflow_queries import today

pytestmark = pytest.mark.browser

MEASURE_1 = "Kampanje mot diskriminering i arbeidslivet"
REPORT_1 = "/rapportering/status-2026/tiltak/1"


@pytest.fixture
def people(app, seeded):
    make_user(Role.COORDINATOR, email="koordinator@aid.example.no", name="Kari Koordinator")
    make_user(Role.CONTACT, get_unit("AID"), email="kontakt@aid.example.no", name="Ola Kontakt")
    db.session.commit()


@pytest.fixture
def open_2026(people):
    open_round(
        PlanFactory(),
        "status-2026",
        "Status 2026",
        date(2026, 6, 1),
        today() + timedelta(days=20),
        None,
    )
    db.session.commit()


def midterm_report(number: int) -> MeasureReport:
    return db.session.scalars(
        select(MeasureReport)
        .join(Measure)
        .join(ReportingRound)
        .where(Measure.number == number, ReportingRound.slug == "midtveis-2025")
    ).one()


class TestExpiredSession:
    @pytest.fixture
    def app_config(self):
        return {"PERMANENT_SESSION_LIFETIME": timedelta(minutes=1)}

    def test_text_typed_before_the_session_expired_is_back_after_signing_in(
        self, page, live_server, open_2026
    ):
        sign_in(page, live_server, "kontakt@aid.example.no")
        page.goto(live_server + REPORT_1)
        typed = "Skrevet i en lang økt.\n\nAndre avsnitt, som ikke må gå tapt."
        page.get_by_label("Gjennomført").check()
        page.get_by_label("Statusbeskrivelse").fill(typed)
        # The one-minute session runs out while the person writes: the browser drops the cookie
        # when its minute is up, as here (waiting the minute out cost the suite a minute).
        session_cookie = next(
            cookie for cookie in page.context.cookies() if cookie["name"] == "session"
        )
        assert session_cookie["expires"] - time.time() <= 60
        page.context.clear_cookies(name="session")
        page.get_by_role("button", name="Lagre utkast").click()

        expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
        expect(page.get_by_text("Økten din er utløpt")).to_be_visible()
        page.get_by_label("E-postadresse").fill("kontakt@aid.example.no")
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()

        expect(page).to_have_url(live_server + REPORT_1)
        expect(page.locator("#restored-draft")).to_contain_text("ikke lagret ennå")
        expect(page.get_by_label("Statusbeskrivelse")).to_have_value(typed)
        expect(page.get_by_label("Gjennomført")).to_be_checked()
        assert_accessible(page)
        page.get_by_role("button", name="Lagre utkast").click()
        expect(page.get_by_text("Utkastet er lagret.")).to_be_visible()
        expect(page.get_by_label("Statusbeskrivelse")).to_have_value(typed)
        expect(page.locator("#restored-draft")).to_have_count(0)


def test_leaving_a_form_with_unsaved_changes_asks_first(page, live_server, open_2026):
    sign_in(page, live_server, "kontakt@aid.example.no")
    page.goto(live_server + REPORT_1)
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_label("Statusbeskrivelse").click()
    page.keyboard.type(" Ny setning.")
    page.get_by_role("link", name="Til mine tiltak").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(live_server + REPORT_1)
    # Saved, the page can be left without a question.
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.get_by_text("Utkastet er lagret.")).to_be_visible()
    page.get_by_role("link", name="Til mine tiltak").click()
    expect(page.get_by_role("heading", name="Tiltakene til")).to_be_visible()
    assert asked == ["beforeunload"]


def test_a_refused_submit_moves_focus_to_the_error_summary_linking_each_field(
    page, live_server, open_2026
):
    sign_in(page, live_server, "kontakt@aid.example.no")
    page.goto(live_server + REPORT_1)
    page.get_by_label("Statusbeskrivelse").fill("")
    page.get_by_role("button", name="Send til gjennomgang").click()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Skriv en statusbeskrivelse")
    summary.get_by_role("link", name="Skriv en statusbeskrivelse").click()
    expect(page.get_by_label("Statusbeskrivelse")).to_be_focused()
    assert_accessible(page)


PUBLIC_PAGES = [
    "/",
    PLAN_ONE + "/tiltak",
    PLAN_ONE + "/tiltak/1",
    PLAN_ONE + "/enheter/AID",
    PLAN_ONE + "/om-dataene",
    "/finnes-ikke",
]
CONTACT_PAGES = ["/rapportering/", REPORT_1, REPORT_1 + "/historikk"]
COORDINATOR_PAGES = [
    "/rapportering/runder",
    "/rapportering/status-2026/oversikt",
    "/rapportering/status-2026/publiser",
    "/rapportering/midtveis-2025/oversikt",
    "/rapportering/runder/ny",
    REPORT_1,
]


def test_every_page_fits_a_390_pixel_phone_and_passes_axe(browser, live_server, open_2026):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()

    def check(paths):
        for path in paths:
            page.goto(live_server + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
            results = Axe().run(page)
            assert results.violations_count == 0, (path, results.generate_report())

    check(PUBLIC_PAGES + ["/logg-inn"])
    sign_in(page, live_server, "kontakt@aid.example.no")
    check(CONTACT_PAGES)
    # On a phone the status and the report's state are visible on the list without scrolling.
    page.goto(live_server + "/rapportering/")
    first = page.locator("table.report-cards tbody tr").first
    status = first.locator("td[data-label='Status']")
    expect(status).to_be_visible()
    box = status.bounding_box()
    assert box["x"] + box["width"] <= 390
    sign_out(page)
    sign_in(page, live_server, "koordinator@aid.example.no")
    check(COORDINATOR_PAGES)
    context.close()


def test_three_rounds_publish_with_gaps_carry_over_and_withdraw(page, live_server, people):
    # 2026: the coordinator opens the round in the browser.
    sign_in(page, live_server, "koordinator@aid.example.no")
    page.get_by_role("link", name="Åpne en ny runde").click()
    page.get_by_label("Tittel").fill("Status 2026")
    page.get_by_label("Kortnavn").fill("status-2026")
    page.get_by_label("Status pr. dato").fill("2026-06-01")
    page.get_by_label("Frist for departementene").fill("2020-01-01")
    page.get_by_role("button", name="Åpne runden").click()
    expect(page.locator("#deadline-error")).to_contain_text("har passert")
    page.get_by_label("Frist for departementene").fill((today() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Åpne runden").click()
    expect(page.get_by_text("Runden «Status 2026» er åpnet.")).to_be_visible()
    sign_out(page)

    # The ministry reports one measure; all others stay unreported in this round.
    sign_in(page, live_server, "kontakt@aid.example.no")
    expect(page.locator("[id^=progress-]")).to_contain_text("0 av")
    page.get_by_role("link", name=MEASURE_1).click()
    page.get_by_label("Gjennomført").check()
    page.get_by_label("Statusbeskrivelse").fill("Kampanjen er fullført i 2026.")
    page.get_by_role("button", name="Send til gjennomgang").click()
    expect(page.get_by_text("Rapporten er sendt til gjennomgang.")).to_be_visible()
    page.get_by_role("link", name="Til mine tiltak").click()
    expect(page.locator("[id^=progress-]")).to_contain_text("1 av")
    sign_out(page)

    # The coordinator approves, is warned about closing early, and sees what becomes public.
    sign_in(page, live_server, "koordinator@aid.example.no")
    page.goto(live_server + "/rapportering/status-2026/oversikt?rapport=submitted")
    page.locator("#all-reports").get_by_role("link", name=MEASURE_1).click()
    page.get_by_role("button", name="Godkjenn").click()
    page.get_by_role("link", name="Til oversikten over runden").click()
    expect(page.locator("#close-warning")).to_be_visible()
    page.get_by_role("button", name="Lukk runden").click()
    expect(page.get_by_text("Fristen er ikke passert.")).to_be_visible()
    page.get_by_label("Jeg vil lukke runden før fristen").check()
    page.get_by_role("button", name="Lukk runden").click()
    page.get_by_role("link", name="Se hva som blir offentlig, og publiser").click()
    expect(page.get_by_role("heading", name="49 tiltak har ingen godkjent rapport")).to_be_visible()
    gap_2 = page.locator('#publish-gaps tr[data-measure="2"]')
    expect(gap_2).to_contain_text("status pr. 1. juni 2025")
    assert_accessible(page)
    page.get_by_role("button", name="Publiser runden").click()
    expect(page.get_by_text("Runden er publisert.")).to_be_visible()

    # The public sees the new status for measure 1 and the 2025 status, dated, for the rest.
    page.goto(live_server + PLAN_ONE + "/tiltak/1")
    expect(page.locator("dl.facts")).to_contain_text("Gjennomført")
    expect(page.locator("dl.facts")).to_contain_text("Status pr. 1. juni 2026")
    page.goto(live_server + PLAN_ONE + "/tiltak/2")
    expect(page.locator("dl.facts")).to_contain_text("Status pr. 1. juni 2025")
    expect(page.locator("#older-status")).to_be_visible()
    page.goto(live_server + "/")
    expect(page.get_by_text("Ikke rapportert")).to_have_count(0)
    assert_accessible(page)

    # 2027: the next round's drafts carry each measure's latest published report.
    page.goto(live_server + "/rapportering/runder/ny")
    page.get_by_label("Tittel").fill("Sluttrapport 2027")
    page.get_by_label("Kortnavn").fill("slutt-2027")
    page.get_by_label("Status pr. dato").fill("2027-06-01")
    page.get_by_role("button", name="Åpne runden").click()
    page.goto(live_server + "/rapportering/slutt-2027/tiltak/1")
    draft = page.locator(".report-main")
    expect(draft).to_contain_text("Gjennomført")
    expect(draft).to_contain_text("Kampanjen er fullført i 2026.")
    # Measure 2 had no approved report in 2026: its draft carries the 2025 text, not a blank.
    midterm_2 = midterm_report(2)
    page.goto(live_server + "/rapportering/slutt-2027/tiltak/2")
    expect(draft).to_contain_text(midterm_2.status.label)
    expect(draft.locator(".narrative")).to_contain_text(midterm_2.narrative.split("\n")[0][:60])

    # 2026 turns out to have been published by mistake: withdrawn, the public sees 2025 again.
    page.goto(live_server + "/rapportering/status-2026/oversikt")
    page.get_by_role("button", name="Trekk tilbake publiseringen").click()
    expect(page.get_by_text("Publiseringen er trukket tilbake.")).to_be_visible()
    page.goto(live_server + PLAN_ONE + "/tiltak/1")
    expect(page.locator("dl.facts")).to_contain_text("Status pr. 1. juni 2025")
    expect(page.get_by_text("Kampanjen er fullført i 2026.")).to_have_count(0)
