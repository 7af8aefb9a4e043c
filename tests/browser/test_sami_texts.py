"""A measure's Northern Sámi texts in Chromium: folded under «Sámegillii», opened from the
keyboard, marked lang="se", and the page still without axe violations."""

import pytest
from playwright.sync_api import expect

from tests.factories import MeasureFactory, ReportFactory, RoundFactory
from tests.support.browser import assert_accessible
from tracker.extensions import db
from tracker.reporting.states import ReviewState, Status

pytestmark = pytest.mark.browser
PAGE = "/planer/handlingsplan-rasisme-2024-2027/tiltak/29"
SAMI_SUMMARY = "Lasihit sámi ofelaččaid logu."  # written for the test: the sources have none
SAMI_NARRATIVE = "Bargu lea jođus."


@pytest.fixture
def measure_29(app):
    reporting_round = RoundFactory(midterm=True)
    ReportFactory(
        round=reporting_round,
        measure=MeasureFactory(
            number=29, title="Økt antall samiske veivisere", summary_se=SAMI_SUMMARY
        ),
        status=Status.IN_PROGRESS,
        narrative_se=SAMI_NARRATIVE,
        review_state=ReviewState.APPROVED,
    )
    db.session.commit()


def test_the_sami_texts_open_from_the_keyboard_and_the_page_stays_accessible(
    page, live_server, measure_29
):
    page.goto(live_server + PAGE)
    summary = page.locator("#summary-se")
    expect(summary.get_by_text(SAMI_SUMMARY)).to_be_hidden()
    assert_accessible(page)
    summary.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(summary.get_by_text(SAMI_SUMMARY)).to_be_visible()
    assert summary.locator("div").get_attribute("lang") == "se"
    page.locator("#narrative-se summary").click()
    expect(page.locator("#narrative-se").get_by_text(SAMI_NARRATIVE)).to_be_visible()
    assert_accessible(page)
