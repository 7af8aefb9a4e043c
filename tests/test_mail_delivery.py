"""Delivering the outbox to a real SMTP server (aiosmtpd on a free port): what arrives, and what
happens when the server is down, answers 4xx, or refuses for good."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import PlanFactory
from tests.support.workflow import audit_events, build_world, csrf_token, fresh
from tracker.extensions import db
from tracker.mail.models import MessageState, OutboxMessage
from tracker.mail.sender import deliver_pending
from tracker.reporting.operations import open_round
from tracker.reporting.states import RoundState
from tracker.timeutil import utcnow
from tracker.transactions import transaction

RECIPIENTS = {"leder@led.example.no", "med@med.example.no", "annen@ann.example.no"}


@pytest.fixture
def app_config(mail_app_config):
    return mail_app_config


def open_new_round(world):
    with transaction():
        open_round(
            PlanFactory(),
            "status-2027",
            "Status 2027",
            date(2027, 6, 1),
            date(2027, 3, 15),
            world.coordinator,
        )


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_messages_arrive_with_recipient_subject_links_and_text(app, runner, smtp_server):
    smtp_server.start()
    world = build_world(round_state=RoundState.PUBLISHED)
    open_new_round(world)

    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Sendt: 3. Utsatt til nytt forsøk: 0. Ga opp: 0." in result.output

    assert sorted(r for item in smtp_server.received for r in item.recipients) == sorted(RECIPIENTS)
    [lead] = smtp_server.to("leder@led.example.no")
    assert lead.mail_from == "tracker@handlingsplan.example.no"
    assert lead.subject == "Ny rapporteringsrunde: Status 2027"
    assert lead.message["To"] == "leder@led.example.no"
    assert "Hei Lea Leder," in lead.text
    assert "Fristen for å sende inn er 15. mars 2027." in lead.text
    assert "Tiltak 7: Felles tiltak" in lead.text and "Annet tiltak" not in lead.text
    assert "https://tracker.example.no/rapportering/" in lead.text
    assert '<a href="https://tracker.example.no/rapportering/">' in lead.html
    assert all(m.state == MessageState.SENT and m.attempts == 1 for m in messages())

    # The audit log has who, what and when, never the body.
    sent = audit_events("mail_sent")
    assert {event.email for event in sent} == RECIPIENTS
    assert {event.details["event"] for event in sent} == {"round_opened"}
    assert all("Felles tiltak" not in str(event.details) for event in sent)

    # Nothing is sent twice.
    again = runner.invoke(args=["mail", "send"])
    assert "Sendt: 0." in again.output
    assert len(smtp_server.received) == 3


def test_smtp_down_then_up_delivers_each_message_once_after_the_retry(app, smtp_server):
    world = build_world(round_state=RoundState.PUBLISHED)
    open_new_round(world)
    now = utcnow()

    down = deliver_pending(now)
    assert (down.sent, down.deferred, down.failed) == (0, 3, 0)
    for message in messages():
        assert message.state == MessageState.PENDING and message.attempts == 1
        assert "Får ikke kontakt med e-postserveren" in message.last_error
        assert message.next_attempt_at.replace(tzinfo=None) >= (
            now + timedelta(seconds=60)
        ).replace(tzinfo=None)

    smtp_server.start()
    assert deliver_pending(now + timedelta(seconds=30)).sent == 0  # still waiting its turn
    after = deliver_pending(now + timedelta(seconds=61))
    assert (after.sent, after.deferred) == (3, 0)
    assert deliver_pending(now + timedelta(hours=2)).sent == 0
    assert sorted(r for item in smtp_server.received for r in item.recipients) == sorted(RECIPIENTS)
    assert all(m.attempts == 2 and m.state == MessageState.SENT for m in messages())


def test_a_4xx_answer_then_250_delivers_once(app, smtp_server):
    smtp_server.start()
    smtp_server.temporary_failures = 1
    world = build_world(round_state=RoundState.PUBLISHED)
    open_new_round(world)
    now = utcnow()

    first = deliver_pending(now)
    assert (first.sent, first.deferred) == (2, 1)
    [waiting] = [m for m in messages() if m.state == MessageState.PENDING]
    assert waiting.last_error.startswith("E-postserveren svarte 451")
    second = deliver_pending(now + timedelta(minutes=2))
    assert second.sent == 1
    assert len(smtp_server.to(waiting.recipient)) == 1
    assert len(smtp_server.received) == 3


def test_tries_are_bounded_the_admin_sees_the_failure_and_can_retry(
    app, runner, client, login, smtp_server
):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    world = build_world(round_state=RoundState.PUBLISHED)
    open_new_round(world)
    now = utcnow()
    outcomes = [deliver_pending(now + timedelta(hours=hours)) for hours in (0, 1, 2)]
    assert [(o.deferred, o.failed) for o in outcomes] == [(3, 0), (3, 0), (0, 3)]
    assert all(m.state == MessageState.FAILED and m.attempts == 3 for m in messages())
    assert "Ga opp etter 3 forsøk." in messages()[0].last_error
    assert len(audit_events("mail_failed")) == 3

    login(world.admin)
    page = client.get("/admin/utboks").get_data(as_text=True)
    assert "Mislyktes: 3" in page
    assert "Ga opp etter 3 forsøk." in page
    assert "Tiltak 7: Felles tiltak" in page  # the admin reads what would have been sent

    first = messages()[0]
    response = client.post(
        f"/admin/utboks/{first.id}/prov-igjen", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302
    assert fresh(first).state == MessageState.PENDING and fresh(first).attempts == 0
    smtp_server.start()
    result = runner.invoke(args=["mail", "send"])
    assert "Sendt: 1." in result.output
    assert [item.recipients for item in smtp_server.received] == [[first.recipient]]


def test_a_permanent_refusal_fails_at_once_and_the_command_says_so(app, runner, smtp_server):
    smtp_server.unknown_recipients = {"med@med.example.no"}
    smtp_server.start()
    world = build_world(round_state=RoundState.PUBLISHED)
    open_new_round(world)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "Sendt: 2. Utsatt til nytt forsøk: 0. Ga opp: 1." in result.output
    [failed] = [m for m in messages() if m.state == MessageState.FAILED]
    assert failed.recipient == "med@med.example.no"
    assert "550" in failed.last_error and failed.attempts == 1


def test_a_person_deactivated_before_sending_gets_nothing(app, smtp_server):
    smtp_server.start()
    world = build_world(round_state=RoundState.PUBLISHED)
    open_new_round(world)
    fresh(world.other_contact).active = False
    db.session.commit()
    outcome = deliver_pending()
    assert (outcome.sent, outcome.cancelled) == (2, 1)
    assert smtp_server.to("annen@ann.example.no") == []


def test_starttls_required_sends_nothing_in_clear(app, smtp_server):
    smtp_server.start()
    app.config["MAIL_URL"] = smtp_server.url + "?starttls=required"
    world = build_world(round_state=RoundState.PUBLISHED)
    open_new_round(world)
    outcome = deliver_pending()
    assert (outcome.sent, outcome.deferred) == (0, 3)
    assert "STARTTLS" in messages()[0].last_error
    assert smtp_server.received == []
