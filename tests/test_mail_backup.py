"""The outbox and the mail preferences travel with the JSON backup: a restored database still
knows what was sent, what waits, and what failed."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import PlanFactory
from tests.support.smtp_server import MAIL_SETTINGS
from tests.support.workflow import build_world
from tracker.extensions import db
from tracker.mail.models import MailPreference, MessageState, OutboxMessage, SubmissionMail
from tracker.mail.operations import set_submission_choice
from tracker.reporting.operations import open_round
from tracker.reporting.states import RoundState
from tracker.transactions import transaction


@pytest.fixture
def app_config():
    return dict(MAIL_SETTINGS)


def rows():
    db.session.expire_all()
    return [
        (m.recipient, m.event_key, m.state, m.attempts, m.subject, m.body_text, m.last_error)
        for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    ]


def test_outbox_and_preferences_survive_export_and_import(app, runner, tmp_path):
    world = build_world(round_state=RoundState.PUBLISHED)
    with transaction():
        open_round(
            PlanFactory(), "status-2027", "Status 2027", date(2027, 6, 1), None, world.coordinator
        )
        set_submission_choice(world.coordinator, SubmissionMail.IMMEDIATE)
    first, second, _ = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    first.state, first.attempts = MessageState.SENT, 1
    second.state, second.attempts, second.last_error = MessageState.FAILED, 10, "Ga opp."
    db.session.commit()
    before = rows()
    coordinator_id = world.coordinator.id

    db.session.close()  # the export opens its own snapshot transaction, as from a fresh shell
    path = tmp_path / "backup.json"
    assert runner.invoke(args=["data", "export", str(path)]).exit_code == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    assert len(document["tables"]["mail_messages"]) == 3
    assert document["tables"]["mail_preferences"] == [
        {"user_id": coordinator_id, "submissions": "immediate", "decisions": "immediate"}
    ]

    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert rows() == before
    assert db.session.get(MailPreference, coordinator_id).submissions == (SubmissionMail.IMMEDIATE)
