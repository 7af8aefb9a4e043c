"""The search index follows what is published, whatever the interleaving.

A contact person saves a draft of a measure at the moment the coordinator withdraws (or
publishes) a round that holds the same measure's narrative. Both transactions rewrite that
measure's search entry when they commit. The save must never write back the text it saw before
the withdrawal committed (nor leave out the text just published). On PostgreSQL, where the two
really run side by side: the coordinator's transaction is held just before its commit, after it
has rewritten the index, until the save is seen waiting for it; then both finish.
"""

import re
import threading
import time
from datetime import date
from urllib.parse import quote

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from tests.factories import ReportFactory, RoundFactory
from tests.support.app import make_app
from tests.support.databases import fresh_postgres_database
from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import build_world
from tracker.extensions import db
from tracker.models import MeasureReport, ReportingRound
from tracker.reporting.operations import publish_round, save_report, withdraw_publication
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.transactions import transaction

WORD = "zebrafinken"


def found(app, word: str) -> list[int]:
    """The measure numbers the public search lists for ``word``."""
    html = app.test_client().get(f"{PLAN_ONE}/tiltak?q={quote(word)}").get_data(as_text=True)
    return sorted({int(number) for number in re.findall(rf'href="{PLAN_ONE}/tiltak/(\d+)"', html)})


def wait_for_a_lock_wait(database_url: str, seconds: float = 30) -> None:
    """Until some transaction in this database waits for a lock another one holds."""
    engine = create_engine(database_url)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                waiting = connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
            if waiting:
                return
            time.sleep(0.02)
        raise AssertionError("the save never waited for the coordinator's transaction")
    finally:
        engine.dispose()


@pytest.mark.parametrize("action", ["withdraw", "publish"])
def test_a_save_during_a_withdrawal_or_publication_leaves_the_published_text_searchable(action):
    with fresh_postgres_database() as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            state = RoundState.PUBLISHED if action == "withdraw" else RoundState.CLOSED
            world = build_world(review_state=ReviewState.APPROVED, round_state=state)
            world.report.narrative = f"Arbeidet med {WORD} er avsluttet."
            next_round = RoundFactory(slug="neste-2027", as_of=date(2027, 6, 1))
            draft = ReportFactory(round=next_round, measure=world.report.measure)
            db.session.commit()
            ids = (world.reporting_round.id, draft.id, world.coordinator.id, world.lead_contact.id)
            before = found(app, WORD)
            db.session.remove()
        assert before == ([7] if action == "withdraw" else [])
        round_id, draft_id, coordinator_id, contact_id = ids

        index_rewritten, release, errors = threading.Event(), threading.Event(), []

        def coordinator() -> None:
            try:
                with app.app_context():
                    # After the index hook (registered on the session factory) has rewritten
                    # the index: hold the commit until the save is waiting.
                    def hold(session) -> None:
                        index_rewritten.set()
                        release.wait(30)

                    event.listen(db.session(), "before_commit", hold)
                    with transaction():
                        reporting_round = db.session.get(ReportingRound, round_id)
                        who = db.session.get(type(world.coordinator), coordinator_id)
                        if action == "withdraw":
                            withdraw_publication(reporting_round, who)
                        else:
                            publish_round(reporting_round, who)
                    db.session.remove()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        def contact_person() -> None:
            try:
                with app.app_context():
                    with transaction():
                        report = db.session.get(MeasureReport, draft_id)
                        who = db.session.get(type(world.coordinator), contact_id)
                        save_report(report, report.version, Status.COMPLETED, "Ny kladd.", who)
                    db.session.remove()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        first = threading.Thread(target=coordinator)
        first.start()
        assert index_rewritten.wait(30)
        second = threading.Thread(target=contact_person)
        second.start()
        try:
            wait_for_a_lock_wait(url)
        finally:
            release.set()
            first.join(30)
            second.join(30)
        assert not errors, errors

        with app.app_context():
            after = found(app, WORD)
            db.session.remove()
            db.engine.dispose()
        assert after == ([] if action == "withdraw" else [7])
