"""Commands that two machines may run at the same moment take turns through a database lock:
the second waits, then finds nothing left to do; neither fails.

- `flask db upgrade` (each machine migrates when it deploys);
- `flask reminders send` (each machine's morning timer).
"""

import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, event, func, select, text

from tests.support.app import make_app
from tests.support.databases import fresh_postgres_database
from tests.support.workflow import build_world
from tracker.extensions import db
from tracker.mail.cli import reminders_send_command
from tracker.mail.models import OutboxMessage
from tracker.resources import MIGRATIONS_DIR

ROOT = Path(__file__).resolve().parent.parent


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def test_two_upgrades_at_once_both_succeed_and_migrate_once():
    with fresh_postgres_database() as url:
        environment = os.environ | {
            "DATABASE_URL": url,
            "TRACKER_ENV": "development",
        }
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
        runs = [
            subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=300)[0].decode() for run in runs]
        engine = create_engine(url)
        with engine.connect() as connection:
            versions = list(connection.scalars(text("SELECT version_num FROM alembic_version")))
        engine.dispose()
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output
        assert "Traceback" not in output
    assert versions == [head_revision()]
    # One of them ran the migrations; the other found the schema already there.
    assert sum("Running upgrade  -> " in output for output in outputs) == 1, outputs


def wait_for_a_lock_wait(database_url: str, seconds: float = 30) -> None:
    engine = create_engine(database_url)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ):
                    return
            time.sleep(0.02)
        raise AssertionError("the second run never waited for the first")
    finally:
        engine.dispose()


def test_two_reminder_runs_at_once_queue_each_reminder_once(capsys):
    """The first run is held just before its commit until the second is seen waiting."""
    deadline = date(2027, 3, 15)
    with fresh_postgres_database() as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            build_world(deadline=deadline)
            db.session.remove()

        holding, release, errors = threading.Event(), threading.Event(), []

        def run(first: bool) -> None:
            try:
                with app.app_context():
                    if first:

                        def hold(session) -> None:
                            holding.set()
                            release.wait(30)

                        event.listen(db.session(), "before_commit", hold)
                    reminders_send_command.callback(on=date(2027, 3, 8))
                    db.session.remove()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        first = threading.Thread(target=run, args=(True,))
        first.start()
        assert holding.wait(30)
        second = threading.Thread(target=run, args=(False,))
        second.start()
        try:
            wait_for_a_lock_wait(url)
        finally:
            release.set()
            first.join(30)
            second.join(30)
        with app.app_context():
            queued = db.session.scalar(select(func.count()).select_from(OutboxMessage))
            db.session.remove()
            db.engine.dispose()
    assert not errors, errors
    output = capsys.readouterr().out
    # The 7-day reminder for the two ministries with unsent reports, queued by the first run.
    assert queued == 3
    assert "Lagt i utboksen: 3 påminnelser" in output
    assert "Lagt i utboksen: 0 påminnelser" in output
