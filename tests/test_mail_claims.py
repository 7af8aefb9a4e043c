"""A delivery run that outlasts its claim still sends each message once.

The claim on a batch is timed from the moment it is taken and renewed by a heartbeat while the
sender works, so a second sender that starts in the middle of a long run never takes over
messages the first one is still sending. The SMTP server here is real and slow (each message
takes a tenth of a second), the claim lasts one second, and a run of the first sender lasts three.
"""

import threading
from collections import Counter

from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.support.app import make_app
from tests.support.databases import fresh_postgres_database
from tests.support.smtp_server import MAIL_SETTINGS
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.mail.models import MessageState, OutboxMessage
from tracker.mail.sender import deliver_pending

MESSAGES = 30


def queue_messages(app) -> None:
    with app.app_context():
        upgrade()
        db.session.add_all(
            OutboxMessage(
                event="test",
                event_key=f"claims:{number}",
                recipient=f"person{number}@dep.example.no",
                subject=f"Melding {number}",
                body_text=f"Tekst {number}",
                body_html=f"<p>Tekst {number}</p>",
            )
            for number in range(MESSAGES)
        )
        db.session.commit()


def pending(app) -> int:
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).where(OutboxMessage.state == MessageState.PENDING)
        )
        db.session.remove()
        return count


def two_senders_with_a_slow_server(database_url: str, smtp_server) -> None:
    """Sender A starts alone; sender B joins once A has been sending for longer than a claim
    lasts. Both run like `flask mail worker`: runs one after another until nothing waits."""
    smtp_server.seconds_per_message = 0.1
    app = make_app(
        database_url,
        MAIL_URL=smtp_server.url,
        MAIL_BATCH_SIZE=5,
        MAIL_CLAIM_SECONDS=1,
        **MAIL_SETTINGS,
    )
    queue_messages(app)
    errors = []

    def sender() -> None:
        try:
            with app.app_context():
                while pending(app):
                    deliver_pending()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    first = threading.Thread(target=sender)
    first.start()
    # More than a claim's second into A's run (12 messages at 0.1 s each), B starts.
    joined = threading.Event()

    def join_when_a_is_deep_into_its_run() -> None:
        while len(smtp_server.received) < 12 and first.is_alive():
            threading.Event().wait(0.02)
        joined.set()
        sender()

    second = threading.Thread(target=join_when_a_is_deep_into_its_run)
    second.start()
    first.join(timeout=120)
    second.join(timeout=120)
    assert not errors, errors
    assert joined.is_set()
    with app.app_context():
        states = Counter(db.session.scalars(select(OutboxMessage.state)))
        audit_sent = db.session.scalar(select(func.count()).where(AuditEvent.event == "mail_sent"))
        db.session.remove()
        db.engine.dispose()
    received = Counter(item.subject for item in smtp_server.received)
    twice = sorted(subject for subject, count in received.items() if count > 1)
    assert twice == [], f"{len(twice)} of {MESSAGES} messages went out more than once"
    assert len(received) == MESSAGES
    assert states == {MessageState.SENT: MESSAGES}
    # The audit log tells the truth: one entry per message that went out, and each went once.
    assert audit_sent == sum(received.values()) == MESSAGES


def test_a_run_longer_than_the_claim_sends_nothing_twice_on_postgresql(smtp_server):
    smtp_server.start()
    with fresh_postgres_database() as url:
        two_senders_with_a_slow_server(url, smtp_server)


def test_a_run_longer_than_the_claim_sends_nothing_twice_on_sqlite(smtp_server, tmp_path):
    smtp_server.start()
    two_senders_with_a_slow_server("sqlite:///" + str(tmp_path / "claims.sqlite"), smtp_server)
