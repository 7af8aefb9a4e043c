"""A review sitting in Debian's Chromium with a real SMTP server: the coordinator approves
sixteen of one ministry's reports from the overview, says «Ferdig med gjennomgangen», and the
ministry's contact receives ONE message about all sixteen; the daily digest's count is the
overview's."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import MeasureFactory, ReportFactory
from tests.support.browser import assert_accessible, sign_in
from tests.support.workflow import build_world
from tests.test_mail_events import outbox
from tracker.extensions import db
from tracker.mail.operations import queue_submission_digests
from tracker.mail.sender import deliver_pending
from tracker.reporting.operations import submit_report
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.reporting.workflow_queries import today as oslo_today
from tracker.transactions import transaction

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(mail_app_config):
    return mail_app_config


def test_sixteen_approvals_reach_the_ministry_as_one_message(page, live_server, app, smtp_server):
    smtp_server.start()
    world = build_world()
    led_reports = [world.report] + [
        ReportFactory(
            round=world.reporting_round,
            measure=MeasureFactory(number=number, title=f"LED-tiltak {number}", units=[world.lead]),
        )
        for number in range(20, 35)
    ]
    db.session.commit()
    # The ministries send: LED its sixteen (one shared with MED), ANN its one.
    with transaction():
        for report in led_reports:
            submit_report(report, 1, Status.IN_PROGRESS, "Ny status.", world.lead_contact)
        submit_report(world.other_report, 1, Status.IN_PROGRESS, "Tekst.", world.other_contact)

    # The coordinator's morning digest, and the overview she opens: the same count.
    with transaction():
        queue_submission_digests(oslo_today() + timedelta(days=1))
    [digest] = outbox("submitted_digest")
    assert digest.subject.startswith("Til gjennomgang: 17 rapporter venter")

    sign_in(page, live_server, "koordinator@example.no")
    page.goto(live_server + "/rapportering/status-2026/oversikt")
    waiting = page.locator("[data-waiting]")
    expect(waiting).to_have_attribute("data-waiting", "17")
    assert_accessible(page)

    # She reads one text in place, ticks LED's sixteen and approves them in one go.
    page.get_by_text("Les teksten for tiltak 20").click()
    expect(page.locator('tr[data-measure="20"] .narrative')).to_be_visible()
    for report in led_reports:
        page.get_by_label(f"Godkjenn tiltak {report.measure.number}", exact=True).check()
    page.get_by_role("button", name="Godkjenn de avkryssede").click()
    expect(page.get_by_text("16 rapporter er godkjent.")).to_be_visible()
    expect(page.locator("[data-waiting]")).to_have_attribute("data-waiting", "1")
    assert_accessible(page)

    # The sitting is over: the decisions go out, one message per contact person.
    page.get_by_role("button", name="Ferdig med gjennomgangen").click()
    expect(page.get_by_text("Tilbakemeldingene er samlet i 2 e-poster")).to_be_visible()
    assert deliver_pending().sent == 3  # the two, and the morning digest

    [message] = smtp_server.to("leder@led.example.no")
    assert message.subject == "Gjennomgått: 16 godkjent"
    assert len(re.findall(r"^- Tiltak \d+:", message.text, re.M)) == 16
    [shared] = smtp_server.to("med@med.example.no")  # measure 7 is MED's too
    assert shared.subject == "Gjennomgått: 1 godkjent"
    assert smtp_server.to("annen@ann.example.no") == []  # ANN's still waits


def test_tables_of_counts_stack_at_390_px(page, live_server, app):
    world = build_world(review_state=ReviewState.APPROVED, round_state=RoundState.PUBLISHED)
    page.set_viewport_size({"width": 390, "height": 844})
    for path, table in (
        (f"/planer/{world.reporting_round.plan.slug}/", "#status-per-area"),
        ("/rapportering/status-2026/oversikt", "#ministry-progress"),
    ):
        if table == "#ministry-progress":
            sign_in(page, live_server, "koordinator@example.no")
        page.goto(live_server + path)
        rows = page.locator(f"{table} tbody tr")
        expect(rows.first).to_be_visible()
        # Every count of a row is in view, each with its column's name; nothing scrolls sideways.
        box = page.locator(table).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, box)
        last_cell = rows.first.locator("td").nth(2)
        expect(last_cell).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
