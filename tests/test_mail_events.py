"""What the workflow puts in the outbox: who is told about what, with which text and links.
Delivery over SMTP is tested in test_mail_delivery."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.factories import PlanFactory
from tests.support.smtp_server import MAIL_SETTINGS
from tests.support.workflow import build_world, csrf_token, fresh, make_user
from tracker.extensions import db
from tracker.mail.models import MailPreference, OutboxMessage, SubmissionMail
from tracker.mail.operations import (
    queue_due_reminders,
    queue_message,
    queue_submission_digests,
    release_review_notices,
    set_submission_choice,
)
from tracker.models import Role
from tracker.reporting.operations import (
    approve_report,
    close_round,
    open_round,
    publish_round,
    return_report,
    submit_report,
)
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.reporting.workflow_queries import today as oslo_today
from tracker.transactions import transaction

DEADLINE = date(2027, 3, 15)


@pytest.fixture
def app_config():
    return dict(MAIL_SETTINGS)


def outbox(event: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if event:
        query = query.where(OutboxMessage.event == event)
    return list(db.session.scalars(query))


def by_recipient(messages) -> dict[str, OutboxMessage]:
    return {message.recipient: message for message in messages}


def world_with_deadline(**kwargs):
    world = build_world(deadline=DEADLINE, **kwargs)
    world.reporting_round.opened_at = datetime(2027, 1, 10, 9, tzinfo=UTC)
    db.session.commit()
    return world


def test_opening_a_round_tells_each_active_contact_their_own_measures_and_deadline(app):
    world = build_world(round_state=RoundState.PUBLISHED)
    make_user(Role.CONTACT, world.lead, email="sluttet@led.example.no", active=False)
    with transaction():
        open_round(
            PlanFactory(),
            "status-2027",
            "Status 2027",
            date(2027, 6, 1),
            DEADLINE,
            world.coordinator,
        )

    messages = by_recipient(outbox("round_opened"))
    # Lead and co-responsible ministries both hear; the inactive and the coordinator do not.
    assert set(messages) == {"leder@led.example.no", "med@med.example.no", "annen@ann.example.no"}
    lead = messages["leder@led.example.no"]
    assert lead.subject == "Ny rapporteringsrunde: Status 2027"
    assert "15. mars 2027" in lead.body_text and "15. mars 2027" in lead.body_html
    assert "Tiltak 7: Felles tiltak" in lead.body_text
    assert "Annet tiltak" not in lead.body_text  # another ministry's measure
    assert "https://tracker.example.no/rapportering/" in lead.body_text
    assert 'href="https://tracker.example.no/rapportering/"' in lead.body_html
    assert "Tiltak 8: Annet tiltak" in messages["annen@ann.example.no"].body_text
    assert "Felles tiltak" not in messages["annen@ann.example.no"].body_text


def test_a_change_that_rolls_back_queues_nothing(app):
    world = build_world(round_state=RoundState.PUBLISHED)
    with pytest.raises(RuntimeError):
        with transaction():
            open_round(
                PlanFactory(),
                "status-2027",
                "Status 2027",
                date(2027, 6, 1),
                DEADLINE,
                world.coordinator,
            )
            assert len(outbox("round_opened")) == 3  # queued in this very transaction
            raise RuntimeError("the request failed after the operation")
    assert outbox() == []


def test_the_same_event_for_the_same_person_is_queued_once(app):
    world = build_world()
    for _ in range(2):
        queue_message(
            world.lead_contact,
            "round_opened",
            "round_opened:99",
            "round_published",
            "Emne",
            reporting_round=world.reporting_round,
            link="https://tracker.example.no/",
        )
    db.session.commit()
    assert len(outbox()) == 1
    # The database refuses a duplicate even from code that skips the check.
    [message] = outbox()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(
                OutboxMessage(
                    event="round_opened",
                    event_key="round_opened:99",
                    recipient=message.recipient,
                    subject="x",
                    body_text="x",
                    body_html="x",
                )
            )
            db.session.flush()


def submit(report, author):
    submit_report(report, report.version, Status.IN_PROGRESS, "Ny tekst fra departementet.", author)


def test_reminders_list_exactly_the_measures_not_submitted_and_come_once_a_day(app, runner):
    world = world_with_deadline()
    make_user(Role.CONTACT, world.other, email="sluttet@ann.example.no", active=False)
    with transaction():
        submit(world.report, world.lead_contact)  # LED and MED's measure is in

    assert queue_due_reminders(DEADLINE - timedelta(days=8)) == 0  # not due yet
    result = runner.invoke(args=["reminders", "send", "--date", str(DEADLINE - timedelta(days=7))])
    assert result.exit_code == 0, result.output
    assert "1 påminnelser" in result.output
    [reminder] = outbox("reminder")
    assert reminder.recipient == "annen@ann.example.no"
    assert "Tiltak 8: Annet tiltak" in reminder.body_text
    assert "Felles tiltak" not in reminder.body_text
    assert "15. mars 2027" in reminder.body_text
    # The timer runs again the same day, and the day after: nothing new.
    runner.invoke(args=["reminders", "send", "--date", str(DEADLINE - timedelta(days=7))])
    runner.invoke(args=["reminders", "send", "--date", str(DEADLINE - timedelta(days=6))])
    assert len(outbox("reminder")) == 1

    with transaction():
        assert queue_due_reminders(DEADLINE - timedelta(days=1)) == 1
        assert queue_due_reminders(DEADLINE) == 0  # the 1-day reminder is already out
        assert queue_due_reminders(DEADLINE + timedelta(days=1)) == 1
    subjects = [message.subject for message in outbox("reminder")]
    assert subjects == [
        "Påminnelse: én uke til fristen for Status 2026",
        "Påminnelse: fristen for Status 2026 er i morgen",
        "Fristen for Status 2026 er passert",
    ]
    assert "Fristen for «Status 2026» var 15. mars 2027" in outbox("reminder")[-1].body_text


def test_a_returned_report_counts_as_not_submitted_in_the_reminder(app):
    world = world_with_deadline(review_state=ReviewState.SUBMITTED)
    with transaction():
        return_report(world.report, "Mangler årstall.", world.coordinator)
        queue_due_reminders(DEADLINE - timedelta(days=1))
    reminders = by_recipient(outbox("reminder"))
    assert set(reminders) == {"leder@led.example.no", "med@med.example.no"}  # ANN's is submitted
    assert "Tiltak 7: Felles tiltak" in reminders["med@med.example.no"].body_text


def test_no_reminder_for_a_day_that_came_before_the_round_opened(app):
    world = world_with_deadline()
    world.reporting_round.opened_at = datetime(2027, 3, 12, 9, tzinfo=UTC)  # 3 days before
    db.session.commit()
    assert queue_due_reminders(DEADLINE - timedelta(days=2)) == 0
    # The 1-day reminder's day came after the opening: all three still have their measure open.
    assert queue_due_reminders(DEADLINE - timedelta(days=1)) == 3
    assert {message.subject for message in outbox("reminder")} == {
        "Påminnelse: fristen for Status 2026 er i morgen"
    }


def test_returned_and_approved_reports_are_told_to_the_responsible_ministries_only(app):
    world = build_world(review_state=ReviewState.SUBMITTED)
    with transaction():
        return_report(world.report, "Hvem evaluerer kampanjen?", world.coordinator)
    assert outbox() == []  # gathered for the review sitting, not sent one by one
    with transaction():
        release_review_notices(round_id=world.reporting_round.id)
    returned = by_recipient(outbox("review_decisions"))
    assert set(returned) == {"leder@led.example.no", "med@med.example.no"}
    message = returned["med@med.example.no"]
    assert message.subject == "Gjennomgått: 1 sendt tilbake til dere"
    assert "Hvem evaluerer kampanjen?" in message.body_text
    assert "Hvem evaluerer kampanjen?" in message.body_html
    assert "https://tracker.example.no/rapportering/status-2026/tiltak/7" in message.body_text

    with transaction():
        submit(world.report, world.lead_contact)
        approve_report(world.report, world.coordinator)
        release_review_notices(round_id=world.reporting_round.id)
    approved = [m for m in outbox("review_decisions") if "godkjent" in m.subject]
    assert {m.recipient for m in approved} == {"leder@led.example.no", "med@med.example.no"}
    assert approved[0].subject == "Gjennomgått: 1 godkjent"
    # Neither message carries the other measure's report or anyone's narrative.
    for message in outbox():
        assert "Ny tekst fra departementet." not in message.body_text
        assert "Annet tiltak" not in message.body_text


def test_coordinators_get_submissions_daily_by_default_or_at_once_if_they_choose(app):
    world = build_world()
    quick = make_user(Role.COORDINATOR, email="rask@example.no", name="Rask Koordinator")
    make_user(Role.COORDINATOR, email="borte@example.no", active=False)
    set_submission_choice(quick, SubmissionMail.IMMEDIATE)
    db.session.commit()
    with transaction():
        submit(world.report, world.lead_contact)
    [immediate] = outbox("report_submitted")
    assert immediate.recipient == "rask@example.no"
    assert immediate.subject == "LED har sendt inn tiltak 7"
    assert "Ny tekst fra departementet." not in immediate.body_text

    # The daily timer the next morning: one digest for the coordinator on the default.
    submitted_on = oslo_today()
    with transaction():
        digests = queue_submission_digests(submitted_on + timedelta(days=1))
        again = queue_submission_digests(submitted_on + timedelta(days=1))
    [digest] = outbox("submitted_digest")
    assert (digests, again) == (1, 0)
    assert digest.recipient == "koordinator@example.no"
    assert "Ledende departement (LED):\n- Tiltak 7: Felles tiltak (ny)" in digest.body_text
    assert "https://tracker.example.no/rapportering/status-2026/tiltak/7" in digest.body_text


def test_publishing_tells_every_active_contact_and_a_new_round_starts_afresh(app):
    world = build_world(review_state=ReviewState.APPROVED, round_state=RoundState.CLOSED)
    with transaction():
        publish_round(world.reporting_round, world.coordinator)
    published = by_recipient(outbox("round_published"))
    assert set(published) == {"leder@led.example.no", "med@med.example.no", "annen@ann.example.no"}
    assert "https://tracker.example.no/" in published["annen@ann.example.no"].body_text

    # Two more rounds: each opening and publication is its own event.
    for year in (2027, 2028):
        with transaction():
            new = open_round(
                PlanFactory(),
                f"status-{year}",
                f"Status {year}",
                date(year, 6, 1),
                None,
                world.coordinator,
            )
        with transaction():
            close_round(new, world.coordinator)
            publish_round(new, world.coordinator)
    assert len(outbox("round_opened")) == 2 * 3
    assert len(outbox("round_published")) == 3 * 3
    # A round without a deadline never reminds anyone.
    assert queue_due_reminders(date(2028, 1, 1)) == 0


def test_a_coordinator_chooses_immediate_e_mail_on_their_account_page(app, client, login):
    world = build_world()
    login(world.coordinator)
    page = client.get("/konto/varsler").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="daily"', page)
    refused = client.post(
        "/konto/varsler", data={"submissions": "hourly", "csrf_token": csrf_token(client)}
    )
    assert refused.status_code == 400
    assert db.session.get(MailPreference, world.coordinator.id) is None
    saved = client.post(
        "/konto/varsler", data={"submissions": "immediate", "csrf_token": csrf_token(client)}
    )
    assert saved.status_code == 302
    assert re.search(
        r'<input checked[^>]*value="immediate"', client.get("/konto/varsler").get_data(as_text=True)
    )
    with transaction():
        submit(fresh(world.report), fresh(world.lead_contact))
    [message] = outbox("report_submitted")
    assert message.recipient == "koordinator@example.no"
