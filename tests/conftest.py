"""Fixtures: the app on a real database (SQLite by default, PostgreSQL with TEST_DATABASE_URL).

The schema is built once per run with the real Alembic migrations, so every run also tests
them; each test starts from empty tables.
"""

import json
import os
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from werkzeug.serving import make_server

from tests.support.app import RequestPerContextClient, ReusedApp, make_app
from tests.support.databases import ThrowawayDatabase
from tests.support.kept_rows import load_seed, tables_holding_rows, written_once
from tests.support.processes import SERVER_POLL_SECONDS
from tests.support.smtp_server import MAIL_SETTINGS, SmtpServer
from tracker.extensions import db

ROOT = Path(__file__).resolve().parent.parent
SEED_PATH = ROOT / "seed" / "plan_2024_2027.json"


@event.listens_for(Engine, "connect")
def _commit_without_waiting_for_the_disk(dbapi_connection, connection_record) -> None:
    """The test databases are thrown away: a commit need not wait until the disk has it (about
    10 ms per commit here, on SQLite and PostgreSQL alike, and the suite commits thousands of
    times). Locking, isolation and what a commit makes visible stay the same."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA synchronous = OFF")
    elif type(dbapi_connection).__module__.startswith("psycopg"):
        dbapi_connection.execute("SET synchronous_commit = off")
        if not dbapi_connection.autocommit:
            dbapi_connection.commit()


def pytest_report_header(config):
    return f"tracker test database: {_backend_name()}"


def _backend_name() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return make_url(url).get_backend_name() if url else "sqlite"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """A database of this run's own, one per pytest-xdist worker: a fresh PostgreSQL database
    (tracker_test_gw0_…), or an SQLite file in the worker's own temporary directory."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
        return
    database = ThrowawayDatabase(server_url, prefix=f"tracker_test_{worker_id}")
    try:
        url = database.create()
    except Exception as error:  # noqa: BLE001 - turned into a clear failure or skip below
        message = f"TEST_DATABASE_URL={server_url} cannot be used: {error}"
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.exit(message, returncode=3)
        pytest.skip(message)
    yield url
    database.drop()


@pytest.fixture(scope="session")
def _migrated(database_url):
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture
def app_config():
    """Override in a test module to change the app's settings."""
    return {}


@pytest.fixture(scope="session")
def _reused_app(_migrated):
    return ReusedApp(_migrated)


@pytest.fixture
def app(_migrated, app_config, request):
    """The app on the test database, which is empty again after the test. A test with settings
    of its own (``app_config``) or marked ``own_app`` gets an app built for it; the others
    share one, put back as it was built after each test (tests/support/app.py)."""
    if app_config or request.node.get_closest_marker("own_app"):
        app = make_app(_migrated, **app_config)
        with app.app_context():
            yield app
            _forget_the_test()
            db.engine.dispose()
        return
    reused = request.getfixturevalue("_reused_app")
    with reused.app.app_context():
        yield reused.app
        _forget_the_test()
        db.engine.dispose()
    problem = reused.put_back()
    if problem:
        pytest.fail(f"{problem}: mark the test own_app", pytrace=False)


@pytest.fixture(scope="module")
def module_app_config():
    """Override in a module that uses ``shared_app`` to change its app's settings."""
    return {}


@pytest.fixture(scope="module")
def _module_app(_migrated, module_app_config):
    app = make_app(_migrated, **module_app_config)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def shared_app(_module_app):
    """One app for all the tests of a module, for modules of many small tests that neither
    change the app's settings nor depend on what it keeps in memory (the page cache): building
    an app costs more than such a test (werkzeug compiles every route, Jinja every template).
    A module opts in with ``@pytest.fixture def app(shared_app): return shared_app``. Each test
    still has an app context of its own and starts from empty tables."""
    with _module_app.app_context():
        yield _module_app
        _forget_the_test()


def _forget_the_test() -> None:
    db.session.remove()
    _empty_all_tables()


def _empty_all_tables() -> None:
    """Delete what the test left, from the tables that hold anything (one query finds them:
    most tests fill a few tables, and a DELETE on each of the others cost a round trip)."""
    with db.engine.begin() as connection:
        holding = tables_holding_rows(connection)
        for table in reversed(holding):
            connection.execute(table.delete())
        # SQLite's search index is a virtual table, no model, without a foreign key to cascade
        # along (PostgreSQL's rows go with their measures).
        if connection.dialect.name == "sqlite" and "measures" in {t.name for t in holding}:
            connection.execute(text("DELETE FROM measure_search"))


@pytest.fixture
def client(app):
    """A test client whose requests run like a real server's (see RequestPerContextClient)."""
    app.test_client_class = RequestPerContextClient
    return app.test_client()


@pytest.fixture
def login(client):
    """Sign ``user`` in on ``client`` the way Flask-Login does, without the sign-in form
    (the form itself is tested in test_auth). Commits first: the app reads in sessions of its
    own."""

    def sign_in(user):
        db.session.commit()
        with client.session_transaction() as session:
            # The commit expired ``user``: get_id() reads the current session generation.
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return sign_in


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def plan_data() -> dict:
    """The seed file as parsed JSON. Tests copy it before changing it."""
    return json.loads(SEED_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def seeded(app, plan_data):
    """The database holding the whole plan and the published midterm round: loaded with
    ``load_plan`` by the first test of the process that asks, put back as that load left it for
    the others (tests/support/kept_rows.py; test_kept_rows.py proves the two equal)."""
    written_once(db.session, "seeded", lambda: load_seed(plan_data))
    return plan_data


@pytest.fixture
def live_server(app, app_config):
    """The app served over real HTTP on a free port, for the browser tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    address = f"http://127.0.0.1:{server.server_port}"
    # Links that leave the site (sign-in redirects, feeds, mail) are built from PUBLIC_URL: it is
    # where the site is served, unless the test puts a proxy with an address of its own in front.
    if "PUBLIC_URL" not in app_config:
        app.config["PUBLIC_URL"] = address
    # shutdown() waits until serve_forever next looks at its flag: every poll_interval, 0.5 s
    # by default, which was a tenth of the browser tests' time, spent waiting in teardowns.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": SERVER_POLL_SECONDS}, daemon=True
    )
    thread.start()
    yield address
    server.shutdown()
    thread.join()


# pytest-playwright's own base_url fixture is a method of a plugin class, which pytest 9
# deprecates (session-scoped fixtures as instance methods); the browser tests open the live
# server by its full address, so no base URL is set, as that fixture would find none.
@pytest.fixture(scope="session")
def base_url():
    return None


# Playwright drives Debian's Chromium; `playwright install` cannot download a browser here.
# Headless, it drives Debian's chromium-headless-shell, the build Playwright itself uses for
# headless runs: the full browser's headless mode renders through its whole display pipeline
# and cost the browser tests about a third more CPU (bench/results-suite.md). `--headed`
# (a person watching) gets the full browser; CHROMIUM names another executable.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    headless = browser_type_launch_args.get("headless", True)
    default = "/usr/bin/chromium-headless-shell" if headless else "/usr/bin/chromium"
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", default),
    }


# --- Mail ----------------------------------------------------------------------------------------


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port; not started, so a test can begin with it down."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def mail_app_config(smtp_server):
    """Settings for a module whose app sends through ``smtp_server``."""
    return {"MAIL_URL": smtp_server.url, "MAIL_RETRY_SECONDS": 60, **MAIL_SETTINGS}


# --- Disks ---------------------------------------------------------------------------------------


@pytest.fixture
def small_disk():
    """A real 1 MiB file system (tmpfs), for a folder that fills up or turns read-only."""
    from tests.support.disks import small_disk as mounted

    with mounted() as mount:
        yield mount
