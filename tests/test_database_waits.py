"""Every wait for the database is bounded, and nobody is told «failed» about a change that was
stored (nor «stored» about one that may not be).

- A save that waits for a row someone else holds gets the Norwegian 503 within the lock timeout,
  while the row is still held; nothing is stored.
- A statement that runs longer than the statement timeout is cancelled.
- A request that waited in the queue past its deadline (counted from when the proxy received
  it) is refused unread; a save whose deadline passes while it waits is not committed.
- A save sent again after its answer was lost is recognised as already stored, not as someone
  else's conflicting save.
- When the connection breaks during COMMIT, the page says the outcome is unknown and links to
  the report to check, also when the database stops taking connections at that moment.
"""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.support.workflow import build_world, csrf_token, fresh, post_report
from tracker.extensions import db
from tracker.models import ReportRevision

LOCK_TIMEOUT = 3


@pytest.fixture
def app_config():
    return {"DATABASE_LOCK_TIMEOUT_SECONDS": LOCK_TIMEOUT, "TRUSTED_PROXIES": 1}


class RowHolder:
    """Another connection holding the report's row (PostgreSQL) or the write lock (SQLite)."""

    def __init__(self, report_id: int):
        url = db.engine.url
        if url.get_backend_name() == "postgresql":
            self.engine = create_engine(url)
            self.connection = self.engine.connect()
            self.connection.execute(
                text("SELECT id FROM measure_reports WHERE id = :id FOR UPDATE"), {"id": report_id}
            )
            self.sqlite = None
        else:
            self.engine = None
            self.sqlite = sqlite3.connect(make_url(url).database, isolation_level=None)
            self.sqlite.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.sqlite is not None:
            self.sqlite.execute("ROLLBACK")
            self.sqlite.close()
        else:
            self.connection.rollback()
            self.connection.close()
            self.engine.dispose()


def lock_waits() -> int:
    """Transactions of this database waiting for a lock (PostgreSQL; 0 elsewhere)."""
    if db.engine.dialect.name != "postgresql":
        return 0
    with db.engine.connect() as connection:
        return connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )


def save_in_background(client, world, **headers):
    """POST a save in a thread; returns (thread, answers list)."""
    url = world.report_url
    token = csrf_token(client, url)
    version = fresh(world.report).version
    answers = []

    def save():
        answers.append(
            client.post(
                url,
                data={
                    "status": "completed",
                    "narrative": "Lagret mens raden var opptatt.",
                    "version": str(version),
                    "save": "Lagre utkast",
                    "csrf_token": token,
                },
                headers=headers,
            )
        )

    return threading.Thread(target=save), answers


def test_a_save_waiting_for_a_held_row_gets_the_503_while_the_row_is_still_held(client, login):
    world = build_world()
    login(world.lead_contact)
    version = fresh(world.report).version
    report_id = world.report.id
    thread, answers = save_in_background(client, world)  # not started before the row is held
    holder = RowHolder(report_id)
    try:
        thread.start()
        thread.join(timeout=60)
        answered_while_held = not thread.is_alive()
    finally:
        holder.release()
        thread.join(timeout=60)
    assert answered_while_held, "the save waited for the row as long as it was held"
    [answer] = answers
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503 and "Retry-After" in answer.headers
    assert "Tjenesten er midlertidig utilgjengelig" in page and "Traceback" not in page
    assert fresh(world.report).version == version


def test_a_statement_longer_than_the_statement_timeout_is_cancelled(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs statements in-process: there is no server to wait for")
    from tracker.database import engine_options

    # The app's own engine options already hold the default timeout (engine_options keeps
    # what is set), so this engine's are made from the settings alone, with one second.
    settings = {**app.config, "DATABASE_STATEMENT_TIMEOUT_SECONDS": 1}
    del settings["SQLALCHEMY_ENGINE_OPTIONS"]
    options = engine_options(settings)
    assert "statement_timeout=1000" in options["connect_args"]["options"]
    engine = create_engine(db.engine.url, **options)
    try:
        with engine.connect() as connection, pytest.raises(OperationalError, match="timeout"):
            connection.execute(text("SELECT pg_sleep(30)"))
    finally:
        engine.dispose()


def test_a_request_that_waited_past_its_deadline_is_refused_unread(client, login):
    world = build_world()
    login(world.lead_contact)
    version = fresh(world.report).version
    # The proxy received it a minute ago; it has waited in the queue ever since.
    stale = f"t={time.time() - 60:.3f}"
    answer = post_report(client, world, narrative="For sent.", version=str(version))
    assert answer.status_code == 302  # the same save, on time, is stored
    late = client.post(
        world.report_url,
        data={
            "status": "completed",
            "narrative": "Sendt for lenge siden.",
            "version": str(version + 1),
            "save": "Lagre utkast",
            "csrf_token": csrf_token(client, world.report_url),
        },
        headers={"X-Request-Start": stale},
    )
    page = late.get_data(as_text=True)
    assert late.status_code == 503
    assert "ventet for lenge" in page and "Ingenting ble lagret" in page
    assert fresh(world.report).narrative == "For sent."


def test_a_save_whose_deadline_passes_while_it_waits_is_not_committed(app, client, login):
    world = build_world()
    login(world.lead_contact)
    version = fresh(world.report).version
    app.config["REQUEST_DEADLINE_SECONDS"] = 1  # shorter than the lock timeout
    received = time.time()
    report_id = world.report.id
    thread, answers = save_in_background(client, world, **{"X-Request-Start": f"t={received:.3f}"})
    holder = RowHolder(report_id)
    try:
        thread.start()
        # Until the save waits for the row (seen on PostgreSQL) and its deadline has passed.
        while time.time() < received + 1.2 or (
            db.engine.dialect.name == "postgresql" and not lock_waits()
        ):
            time.sleep(0.05)
    finally:
        holder.release()  # well inside the lock timeout: the save goes on to its commit
        thread.join(timeout=60)
    [answer] = answers
    assert answer.status_code == 503
    assert "Ingenting ble lagret" in answer.get_data(as_text=True)
    assert fresh(world.report).version == version


def test_a_save_sent_again_after_its_answer_was_lost_is_recognised_as_stored(client, login):
    world = build_world()
    login(world.lead_contact)
    version = str(fresh(world.report).version)
    first = post_report(client, world, narrative="Sendt to ganger.", version=version)
    assert first.status_code == 302
    # The person never saw that answer (a 504 at the proxy) and sends the same form again.
    again = post_report(client, world, narrative="Sendt to ganger.", version=version)
    assert again.status_code == 302 and again.location == world.report_url
    page = client.get(world.report_url).get_data(as_text=True)
    assert "Endringen din var allerede lagret" in page
    assert "Noen andre har lagret" not in page
    assert fresh(world.report).version == int(version) + 1
    # A different text on the old version is still someone else's conflict.
    other = post_report(client, world, narrative="Noe annet.", version=version)
    assert other.status_code == 409


@pytest.mark.parametrize("database", ["stays up", "goes down"])
def test_a_connection_broken_during_commit_says_the_outcome_is_unknown(client, login, database):
    """ "goes down": the server stops taking connections as the connection breaks, as in a
    restart; the page must not need the database (it re-read the page's plan: a 500)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs a server connection to break")
    world = build_world()
    login(world.lead_contact)
    version = str(fresh(world.report).version)
    token = csrf_token(client, world.report_url)
    name = db.engine.url.database
    # From the server's maintenance database: a database cannot refuse its own connections.
    killer = create_engine(db.engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    other = killer.connect()

    def break_the_connection(connection) -> None:
        pid = connection.connection.dbapi_connection.info.backend_pid
        if database == "goes down":
            other.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})

    event.listen(db.engine, "commit", break_the_connection)
    try:
        answer = client.post(
            world.report_url,
            data={
                "status": "completed",
                "narrative": "Brudd under lagring.",
                "version": version,
                "save": "Lagre utkast",
                "csrf_token": token,
            },
        )
    finally:
        event.remove(db.engine, "commit", break_the_connection)
        other.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        other.close()
        killer.dispose()
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503
    assert "Vi vet ikke om endringen ble lagret" in page
    assert f'href="{world.report_url}"' in page and "Se hva som er lagret" in page
    assert (
        db.session.scalar(
            select(ReportRevision.new_narrative).order_by(ReportRevision.id.desc()).limit(1)
        )
        != "Brudd under lagring."
    )
