"""Two senders racing over one outbox deliver each message exactly once: on PostgreSQL through
``FOR UPDATE SKIP LOCKED``, on SQLite through the compare-and-set claim."""

import threading
from collections import Counter

from flask_migrate import upgrade

from tests.support.app import make_app
from tests.support.databases import fresh_postgres_database
from tests.support.smtp_server import MAIL_SETTINGS
from tracker.extensions import db
from tracker.mail.models import MessageState, OutboxMessage
from tracker.mail.sender import deliver_pending

MESSAGES = 60


def race(database_url: str, smtp_server) -> tuple[list, Counter]:
    app = make_app(database_url, MAIL_URL=smtp_server.url, MAIL_BATCH_SIZE=5, **MAIL_SETTINGS)
    with app.app_context():
        upgrade()
        db.session.add_all(
            OutboxMessage(
                event="test",
                event_key=f"race:{number}",
                recipient=f"person{number}@dep.example.no",
                subject=f"Melding {number}",
                body_text=f"Tekst {number}",
                body_html=f"<p>Tekst {number}</p>",
            )
            for number in range(MESSAGES)
        )
        db.session.commit()

    start = threading.Barrier(2)
    outcomes = [None, None]

    def sender(index: int) -> None:
        with app.app_context():
            start.wait()
            outcomes[index] = deliver_pending()
            db.session.remove()

    threads = [threading.Thread(target=sender, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with app.app_context():
        states = Counter(db.session.scalars(db.select(OutboxMessage.state)))
        db.engine.dispose()
    return outcomes, states


def check(outcomes, states, smtp_server) -> None:
    received = Counter(item.subject for item in smtp_server.received)
    assert len(received) == MESSAGES
    assert set(received.values()) == {1}, "a message was delivered twice"
    assert sum(outcome.sent for outcome in outcomes) == MESSAGES
    assert states == {MessageState.SENT: MESSAGES}
    # Both really took part: the claims split the work between them.
    assert all(outcome.sent > 0 for outcome in outcomes)


def test_two_senders_on_postgresql_deliver_each_message_once(smtp_server):
    smtp_server.start()
    with fresh_postgres_database() as url:
        outcomes, states = race(url, smtp_server)
    check(outcomes, states, smtp_server)


def test_two_senders_on_sqlite_deliver_each_message_once(smtp_server, tmp_path):
    smtp_server.start()
    outcomes, states = race("sqlite:///" + str(tmp_path / "race.sqlite"), smtp_server)
    check(outcomes, states, smtp_server)
