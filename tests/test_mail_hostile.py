"""Hostile text on its way into e-mail, through a real SMTP server (aiosmtpd): a round title that
would add a header to every message, and outbox rows (an imported file can hold any) that the
sender cannot turn into e-mail. One bad message never holds back the others."""

import pytest
from sqlalchemy import select

from tests.factories import RoundFactory
from tests.support.workflow import build_world, csrf_token, fresh, make_user
from tracker.account_links.operations import request_password_reset
from tracker.extensions import db
from tracker.mail.models import MessageState, OutboxMessage
from tracker.mail.operations import notify_round_published
from tracker.mail.sender import deliver_pending
from tracker.models import ReportingRound, Role
from tracker.reporting.states import RoundState
from tracker.transactions import transaction

# Decoded, the encoded word is "x", a line break and "Bcc: spion@evil.example".
INJECTING_TITLE = "Status 2027 =?utf-8?q?x=0ABcc:_spion@evil.example?="


@pytest.fixture
def app_config(mail_app_config):
    return mail_app_config


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_round_title_with_encoded_words_or_line_breaks_is_refused(app, client, login, runner):
    world = build_world(round_state=RoundState.PUBLISHED)
    login(world.coordinator)
    for title, message in (
        (INJECTING_TITLE, "Tittelen kan ikke inneholde tegnene «=?»."),
        ("Status 2027\nBcc: spion@evil.example", "Tittelen må stå på én linje."),
    ):
        answer = client.post(
            "/rapportering/runder/ny",
            data={
                "slug": "status-2027",
                "title": title,
                "as_of": "2027-06-01",
                "csrf_token": csrf_token(client, "/rapportering/runder/ny"),
            },
        )
        assert answer.status_code == 400
        assert message in answer.get_data(as_text=True)
    result = runner.invoke(
        args=["rounds", "open", "status-2027", "--title", INJECTING_TITLE, "--as-of", "2027-06-01"]
    )
    assert result.exit_code == 1 and "=?" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(ReportingRound.slug)).all() == ["status-2026"]
    assert messages() == []


def test_a_title_from_before_the_rule_adds_no_header_to_the_mail(app, smtp_server):
    """A round stored before titles were checked: its messages go out with the title as text."""
    smtp_server.start()
    world = build_world(round_state=RoundState.PUBLISHED)
    published = RoundFactory(slug="gammel", title=INJECTING_TITLE, state=RoundState.PUBLISHED)
    with transaction():
        notify_round_published(published)
    assert deliver_pending().sent == 3
    for received in smtp_server.received:
        assert received.message["Bcc"] is None
        assert received.recipients == [received.message["To"]]
        assert "spion@evil.example" in received.subject  # shown as text, nowhere else
    assert "spion@evil.example" not in {r for m in smtp_server.received for r in m.recipients}
    assert world.lead_contact.email in {m.message["To"] for m in smtp_server.received}


def poison(world, **values) -> OutboxMessage:
    """An outbox row as an imported file may carry it, ahead of everything else."""
    row = OutboxMessage(
        event="round_opened",
        event_key="round_opened:999",
        recipient=world.lead_contact.email,
        user_id=world.lead_contact.id,
        subject="Hei",
        body_text="Hei",
        body_html="<p>Hei</p>",
        state=MessageState.PENDING,
    )
    for name, value in values.items():
        setattr(row, name, value)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize(
    "values",
    [
        {"subject": "Hei\r\nBcc: spion@evil.example"},  # a line break of its own
        {"subject": "Hei =?utf-8?q?x=0ABcc:_spion@evil.example?="},  # one that folding makes
        {"recipient": "borte@led.example.no, vekk@led.example.no"},  # refused, both of them
        {"recipient": "kari@"},  # not an address at all
    ],
    ids=["line-break", "encoded-line-break", "two-refused-addresses", "no-address"],
)
def test_one_poison_message_does_not_hold_back_the_reset_links_behind_it(
    app, runner, smtp_server, values
):
    smtp_server.unknown_recipients = {"borte@led.example.no", "vekk@led.example.no"}
    smtp_server.start()
    world = build_world()
    bad = poison(world, **values)
    other = make_user(Role.CONTACT, world.lead, email="ny@led.example.no")
    db.session.commit()
    with app.test_request_context():
        with transaction():
            request_password_reset(other.email)

    first = runner.invoke(args=["mail", "send"])
    assert first.exception is None or isinstance(first.exception, SystemExit), first.output
    assert "Sendt: 1. Utsatt til nytt forsøk: 0. Ga opp: 1." in first.output
    assert first.exit_code == 1  # something was given up: the operator should look
    [reset] = smtp_server.to("ny@led.example.no")
    assert "/nytt-passord/" in reset.text
    failed = fresh(bad)
    assert failed.state == MessageState.FAILED and failed.last_error
    assert all("spion@evil.example" not in r for m in smtp_server.received for r in m.recipients)
    # The next run has nothing left to trip over.
    assert runner.invoke(args=["mail", "send"]).exit_code == 0


def test_a_refused_message_leaves_the_connection_fit_for_the_next(app, smtp_server):
    smtp_server.unknown_recipients = {"borte@led.example.no"}
    smtp_server.start()
    world = build_world()
    poison(world, recipient="borte@led.example.no")
    for n in range(3):
        poison(world, event_key=f"round_opened:{n}", subject=f"Melding {n}")
    outcome = deliver_pending()
    assert (outcome.sent, outcome.failed, outcome.deferred) == (3, 1, 0)
    # None of them waits for a retry because the one before was refused.
    assert sorted(m.subject for m in smtp_server.received) == [f"Melding {n}" for n in range(3)]
