"""Mail per plan: a contact hears about their unit's measures in each plan, coordinators about
their own plans only, and every message names the plan it comes from."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.support.smtp_server import MAIL_SETTINGS
from tests.support.workflow import build_world, fresh
from tracker.extensions import db
from tracker.mail.models import OutboxMessage, SubmissionMail
from tracker.mail.operations import (
    queue_due_reminders,
    queue_submission_digests,
    set_submission_choice,
)
from tracker.reporting.operations import publish_round, submit_report
from tracker.reporting.states import RoundState, Status
from tracker.reporting.workflow_queries import today as oslo_today
from tracker.transactions import transaction

DEADLINE = date(2027, 3, 15)


@pytest.fixture
def app_config():
    return dict(MAIL_SETTINGS)


def outbox(event: str) -> dict[str, OutboxMessage]:
    db.session.expire_all()
    return {
        message.recipient: message
        for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event))
    }


def test_a_submitted_report_is_told_to_the_coordinators_of_its_plan_only(app):
    world = build_world(two_plans=True)
    for coordinator in (world.coordinator, world.coordinator_b):
        set_submission_choice(coordinator, SubmissionMail.IMMEDIATE)
    with transaction():
        submit_report(
            fresh(world.report_b), 1, Status.COMPLETED, "Ferdig i plan B.", world.lead_contact
        )
    sent = outbox("report_submitted")
    assert set(sent) == {"koordinator@plan-b.example.no"}
    message = sent["koordinator@plan-b.example.no"]
    assert "statusoversikten for Plan B for kommunen" in message.body_text
    assert "/rapportering/status-b-2026/tiltak/7" in message.body_text


def test_the_daily_digest_lists_only_the_coordinators_own_plans(app):
    world = build_world(two_plans=True)
    with transaction():
        submit_report(
            fresh(world.report), 1, Status.COMPLETED, "Ferdig i plan A.", world.co_contact
        )
        submit_report(
            fresh(world.report_b), 1, Status.COMPLETED, "Ferdig i plan B.", world.lead_contact
        )
    # The digest covers the days before the one it runs on: run it tomorrow (Oslo time).
    tomorrow = oslo_today() + timedelta(days=1)
    with transaction():
        queue_submission_digests(tomorrow)
    digests = outbox("submitted_digest")
    assert "/rapportering/status-2026/tiltak/7" in digests["koordinator@example.no"].body_text
    assert "status-b-2026" not in digests["koordinator@example.no"].body_text
    assert (
        "/rapportering/status-b-2026/tiltak/7" in digests["koordinator@plan-b.example.no"].body_text
    )
    assert "status-2026/" not in digests["koordinator@plan-b.example.no"].body_text


def test_a_publication_is_told_to_the_contacts_of_the_plans_units_with_its_link(app):
    world = build_world(two_plans=True, round_state=RoundState.CLOSED)
    with transaction():
        publish_round(fresh(world.round_b), world.coordinator_b)
    sent = outbox("round_published")
    # Plan B's only unit is LED; MED and ANN have no measure there.
    assert set(sent) == {"leder@led.example.no"}
    assert "https://tracker.example.no/planer/plan-b/" in sent["leder@led.example.no"].body_text


def test_reminders_go_out_for_the_open_round_of_every_plan(app):
    world = build_world(two_plans=True, deadline=DEADLINE)
    world.reporting_round.opened_at = datetime(2027, 1, 10, 9, tzinfo=UTC)
    world.round_b.deadline = DEADLINE
    world.round_b.opened_at = datetime(2027, 1, 10, 9, tzinfo=UTC)
    db.session.commit()
    with transaction():
        queue_due_reminders(date(2027, 3, 10))
    db.session.expire_all()
    reminders = list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == "reminder"))
    )
    keys = {(m.recipient, m.event_key) for m in reminders}
    round_a, round_b = world.reporting_round.id, world.round_b.id
    # LED is responsible in both plans: one reminder for each plan's round.
    assert ("leder@led.example.no", f"reminder_7_days:{round_a}") in keys
    assert ("leder@led.example.no", f"reminder_7_days:{round_b}") in keys
    assert ("med@med.example.no", f"reminder_7_days:{round_b}") not in keys
    plan_b_reminder = next(m for m in reminders if m.event_key == f"reminder_7_days:{round_b}")
    assert "Tiltak i plan B" in plan_b_reminder.body_text
    assert "Felles tiltak" not in plan_b_reminder.body_text
