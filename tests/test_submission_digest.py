"""The coordinator's daily digest: what is waiting for review when it is written, by unit, with
what arrived since the last digest; its count is the overview's."""

import re
from datetime import timedelta

import pytest

from tests.factories import MeasureFactory, ReportFactory
from tests.support.smtp_server import MAIL_SETTINGS
from tests.support.workflow import build_world, fresh
from tests.test_mail_events import outbox
from tracker.extensions import db
from tracker.mail.operations import queue_submission_digests
from tracker.reporting.operations import confirm_unchanged, submit_report, withdraw_submission
from tracker.reporting.states import Status
from tracker.reporting.workflow_queries import today as oslo_today
from tracker.transactions import transaction


@pytest.fixture
def app_config():
    return dict(MAIL_SETTINGS)


def test_the_digest_counts_what_waits_now_as_the_overview_does(app, client, login):
    world = build_world()
    carried = [
        ReportFactory(
            round=world.reporting_round,
            measure=MeasureFactory(number=number, title=f"Uendret {number}", units=[world.other]),
            narrative="Som i fjor.",
        )
        for number in (30, 31)
    ]
    db.session.commit()
    with transaction():
        submit_report(world.report, 1, Status.IN_PROGRESS, "Ny tekst.", world.lead_contact)
        submit_report(world.other_report, 1, Status.IN_PROGRESS, "Tekst.", world.other_contact)
        withdraw_submission(world.other_report, world.other_report.version, world.other_contact)
        confirm_unchanged(carried, world.other_contact)  # «Ingen endring»

    tomorrow = oslo_today() + timedelta(days=1)
    with transaction():
        assert queue_submission_digests(tomorrow) == 1
    [digest] = outbox("submitted_digest")
    assert digest.subject == "Til gjennomgang: 3 rapporter venter, 3 nye"
    text = digest.body_text
    assert "3 rapporter venter på gjennomgang nå." in text
    assert "Ledende departement (LED):\n- Tiltak 7: Felles tiltak (ny)" in text
    assert "Annet departement (ANN):" in text and "Tiltak 30: Uendret 30 (ny)" in text
    assert "Annet tiltak" not in text  # withdrawn: not waiting
    assert "/rapportering/status-2026/oversikt?rapport=submitted" in text

    login(world.coordinator)
    overview = client.get("/rapportering/status-2026/oversikt").get_data(as_text=True)
    assert re.search(r'data-waiting="(\d+)"', overview).group(1) == "3"

    # The next morning nothing new came in: no message. Then one more arrives.
    with transaction():
        assert queue_submission_digests(tomorrow + timedelta(days=1)) == 0
        submit_report(
            fresh(world.other_report),
            fresh(world.other_report).version,
            Status.IN_PROGRESS,
            "Tekst igjen.",
            world.other_contact,
        )
    with transaction():
        assert queue_submission_digests(tomorrow + timedelta(days=2)) == 1
    latest = outbox("submitted_digest")[-1]
    assert latest.subject == "Til gjennomgang: 4 rapporter venter, 1 nye"
    assert "Tiltak 8: Annet tiltak (ny)" in latest.body_text
    assert "Tiltak 7: Felles tiltak\n" in latest.body_text  # still waiting, not new
