"""Personal data kept only as long as it serves: `flask retention apply` on dated rows, and an
administrator erasing a deactivated account while its reports keep «tidligere kontaktperson»."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.factories import AuditEventFactory, RevisionFactory
from tests.support.workflow import build_world, csrf_token, fresh
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db
from tracker.mail.models import MessageState, OutboxMessage
from tracker.privacy.operations import months_before
from tracker.timeutil import utcnow


def outbox_message(created_at, state, recipient="person@dep.example.no", **fields):
    message = OutboxMessage(
        created_at=created_at,
        event="reminder",
        event_key=f"reminder:{created_at.isoformat()}:{state.value}",
        recipient=recipient,
        subject="Påminnelse",
        body_text="Hei",
        body_html="<p>Hei</p>",
        state=state,
        **fields,
    )
    db.session.add(message)
    return message


def test_retention_thins_addresses_then_deletes_old_rows(app, runner):
    now = utcnow()
    ages = {"today": 0, "89 days": 89, "91 days": 91, "11 months": 335, "13 months": 396}
    events = {
        label: AuditEventFactory(
            event="login",
            email=f"{days}@dep.example.no",
            remote_addr="203.0.113.9",
            created_at=now - timedelta(days=days),
        )
        for label, days in ages.items()
    }
    old_sent = outbox_message(now - timedelta(days=400), MessageState.SENT)
    old_waiting = outbox_message(now - timedelta(days=400), MessageState.PENDING)
    recent_sent = outbox_message(now - timedelta(days=30), MessageState.SENT)
    db.session.commit()
    ids = {label: event.id for label, event in events.items()}
    old_sent_id, old_waiting_id, recent_sent_id = old_sent.id, old_waiting.id, recent_sent.id

    result = runner.invoke(args=["retention", "apply"])
    assert result.exit_code == 0, result.output
    assert "IP-adresser slettet fra 2 hendelser eldre enn 90 dager" in result.output
    assert "Slettet 1 hendelser og 1 e-poster eldre enn 12 måneder" in result.output

    db.session.expire_all()
    kept = {label: db.session.get(AuditEvent, event_id) for label, event_id in ids.items()}
    assert kept["13 months"] is None
    assert kept["today"].remote_addr == kept["89 days"].remote_addr == "203.0.113.9"
    assert kept["91 days"].remote_addr == kept["11 months"].remote_addr == ""
    assert kept["11 months"].email == "335@dep.example.no"  # the event itself stays a year
    assert db.session.get(OutboxMessage, old_sent_id) is None
    assert db.session.get(OutboxMessage, old_waiting_id) is not None  # still to be sent
    assert db.session.get(OutboxMessage, recent_sent_id) is not None

    again = runner.invoke(args=["retention", "apply"])
    assert "fra 0 hendelser" in again.output and "Slettet 0 hendelser og 0 e-poster" in again.output


def test_the_periods_come_from_the_settings(app, runner):
    now = utcnow()
    AuditEventFactory(event="login", created_at=now - timedelta(days=40))
    AuditEventFactory(event="login", created_at=now - timedelta(days=20))
    db.session.commit()
    app.config.update(RETENTION_ADDRESS_DAYS=10, RETENTION_AUDIT_MONTHS=1)
    result = runner.invoke(args=["retention", "apply"])
    assert "IP-adresser slettet fra 1 hendelser eldre enn 10 dager" in result.output
    assert "Slettet 1 hendelser" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_a_month_back_from_the_end_of_march_is_the_end_of_february():
    moment = datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
    assert months_before(moment, 1) == datetime(2027, 2, 28, 12, 0, tzinfo=UTC)
    assert months_before(moment, 12) == datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    assert months_before(datetime(2028, 3, 30), 1) == datetime(2028, 2, 29)


def test_an_admin_erases_a_deactivated_contact_whose_history_remains(app, client, login):
    world = build_world()
    person = world.lead_contact
    RevisionFactory(report=world.report, author=person, version=1)
    AuditEventFactory(event="login", user=person, email=person.email, remote_addr="198.51.100.4")
    AuditEventFactory(event="login_failed", email=person.email, remote_addr="198.51.100.4")
    outbox_message(utcnow(), MessageState.SENT, recipient=person.email, user=person)
    person.active = False
    db.session.commit()
    history_url = world.report_url + "/historikk"

    login(world.admin)
    confirm = client.get(f"/admin/brukere/{person.id}/slett-personopplysninger")
    assert "Dette kan ikke angres." in confirm.get_data(as_text=True)
    response = client.post(
        f"/admin/brukere/{person.id}/slett-personopplysninger",
        data={"csrf_token": csrf_token(client, "/admin/brukere")},
        follow_redirects=True,
    )
    assert "Personopplysningene for leder@led.example.no er slettet." in response.get_data(
        as_text=True
    )

    erased = fresh(person)
    assert erased.name == "" and "leder" not in erased.email
    assert erased.is_erased and not erased.active
    assert (
        db.session.scalar(
            select(func.count()).where(
                (AuditEvent.email == "leder@led.example.no")
                | (AuditEvent.remote_addr == "198.51.100.4")
            )
        )
        == 0
    )
    assert (
        db.session.scalar(
            select(func.count()).where(OutboxMessage.recipient == "leder@led.example.no")
        )
        == 0
    )
    assert db.session.scalar(select(func.count()).where(AuditEvent.event == "user_erased")) == 1

    login(world.coordinator)
    history = client.get(history_url).get_data(as_text=True)
    assert "tidligere kontaktperson" in history
    assert "Lea Leder" not in history and "leder@led.example.no" not in history


def test_an_active_account_cannot_be_erased(app, client, login):
    world = build_world()
    login(world.admin)
    response = client.post(
        f"/admin/brukere/{world.lead_contact.id}/slett-personopplysninger",
        data={"csrf_token": csrf_token(client, "/admin/brukere")},
        follow_redirects=True,
    )
    assert "Deaktiver kontoen før du sletter personopplysningene" in response.get_data(as_text=True)
    assert fresh(world.lead_contact).name == "Lea Leder"
    assert db.session.scalar(select(func.count()).select_from(User).where(User.name == "")) == 0
