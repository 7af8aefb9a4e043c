"""Review at speed: «Neste til gjennomgang» goes to the next report waiting, several reports
are approved at once from the overview (texts readable inline), a refused batch names the
measure and keeps the ticks, and the publish page shows the nynorsk share against 25 %."""

import re

import pytest

from tests.factories import MeasureFactory, ReportFactory
from tests.support.workflow import build_world, csrf_token, fresh, snapshot
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState

OVERVIEW = "/rapportering/status-2026/oversikt"


@pytest.fixture
def world(app):
    world = build_world(review_state=ReviewState.SUBMITTED)
    world.waiting = [world.report, world.other_report]
    for number, state in ((12, ReviewState.DRAFT), (15, ReviewState.SUBMITTED)):
        report = ReportFactory(
            round=world.reporting_round,
            measure=MeasureFactory(number=number, title=f"Tiltak {number}", units=[world.lead]),
            review_state=state,
            narrative=f"Tekst for tiltak {number}.",
        )
        if state == ReviewState.SUBMITTED:
            world.waiting.append(report)
    db.session.commit()
    return world


def test_next_for_review_skips_what_is_not_waiting_and_wraps_round(client, world, login):
    login(world.coordinator)
    page = client.get("/rapportering/status-2026/tiltak/8").get_data(as_text=True)
    # 12 is a draft: the next one waiting after 8 is 15.
    assert re.search(r'href="/rapportering/status-2026/tiltak/15">Neste til gjennomgang', page)
    page = client.get("/rapportering/status-2026/tiltak/15").get_data(as_text=True)
    assert re.search(r'href="/rapportering/status-2026/tiltak/7">Neste til gjennomgang', page)


def test_approving_one_goes_straight_on_to_the_next_waiting(client, world, login):
    login(world.coordinator)
    approved = client.post(
        "/rapportering/status-2026/tiltak/8/godkjenn",
        data={"csrf_token": csrf_token(client, "/rapportering/status-2026/tiltak/8")},
    )
    assert approved.location == "/rapportering/status-2026/tiltak/15"
    page = client.get(approved.location).get_data(as_text=True)
    assert "Rapporten for tiltak 8 er godkjent. Her er neste som venter: tiltak 15." in page
    assert fresh(world.other_report).review_state == ReviewState.APPROVED


def test_several_reports_are_approved_at_once_from_the_overview(client, world, login):
    login(world.coordinator)
    page = client.get(OVERVIEW).get_data(as_text=True)
    # Each waiting report's text can be read in place; drafts cannot be ticked.
    assert "<summary>Les teksten" in page and "Tekst for tiltak 15." in page
    assert 'name="measures" value="15"' in page and 'name="measures" value="12"' not in page
    approved = client.post(
        "/rapportering/status-2026/godkjenn-flere",
        data={"measures": ["7", "15"], "csrf_token": csrf_token(client, OVERVIEW)},
        follow_redirects=True,
    )
    assert "2 rapporter er godkjent." in approved.get_data(as_text=True)
    assert fresh(world.report).review_state == ReviewState.APPROVED
    assert fresh(world.waiting[2]).review_state == ReviewState.APPROVED
    assert fresh(world.other_report).review_state == ReviewState.SUBMITTED


def test_a_refused_batch_names_the_measure_changes_nothing_and_keeps_the_ticks(
    client, world, login
):
    login(world.coordinator)
    before = snapshot()
    refused = client.post(
        "/rapportering/status-2026/godkjenn-flere",
        data={"measures": ["8", "12"], "csrf_token": csrf_token(client, OVERVIEW)},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and snapshot() == before
    assert "Tiltak 12: Bare rapporter som er sendt til gjennomgang, kan godkjennes." in page
    assert 'class="ds-error-summary"' in page
    assert re.search(r'value="8" id="approve-8" checked', page)
    nothing = client.post(
        "/rapportering/status-2026/godkjenn-flere",
        data={"csrf_token": csrf_token(client, OVERVIEW)},
    )
    assert nothing.status_code == 400 and snapshot() == before
    assert "Kryss av for minst én rapport" in nothing.get_data(as_text=True)


def test_the_publish_page_shows_the_nynorsk_share_against_the_minimum(client, world, login):
    for report in world.waiting:
        report.review_state = ReviewState.APPROVED
    world.waiting[2].narrative_language = "nn"
    world.reporting_round.state = RoundState.CLOSED
    db.session.commit()
    login(world.coordinator)
    page = client.get("/rapportering/status-2026/publiser").get_data(as_text=True)
    share = page.split('data-share="approved"')[1].split("</p>")[0]
    assert "1 av 3 på nynorsk (33 prosent)" in share
    assert "Minstekravet er nådd" in share
