"""Faults under load, on the production stack: gunicorn (gunicorn.conf.py) on a private
PostgreSQL cluster (never the shared server on port 5432).

- PostgreSQL stops in the middle of the load and starts again: while it is away the app answers
  503 (its Norwegian page, /healthz "unavailable"), never 500 and never a traceback; afterwards
  the same gunicorn answers normally by itself, and the data is intact.
- gunicorn workers are killed (SIGKILL) again and again while saves are in flight: every save is
  either stored whole (the report and its revision) or not at all.

Skipped when PostgreSQL's server programs are not installed, unless REQUIRE_POSTGRES=1.
"""

import json
import os
import random
import threading
import time
from collections import Counter

import pytest
import requests

from tests.support.live_stack import (
    ContactPerson,
    Gunicorn,
    PrivatePostgres,
    SaveLog,
    browser_session,
    check_reports,
    postgres_bin_dir,
    prepare_database,
    run_contact_persons,
)
from tests.support.public_helpers import PLAN_ONE

if postgres_bin_dir() is None:
    reason = (
        "PostgreSQL's server programs (initdb, pg_ctl) are not installed: "
        "apt-get install postgresql"
    )
    if os.environ.get("REQUIRE_POSTGRES"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

PUBLIC_PATHS = ("/", PLAN_ONE + "/tiltak", PLAN_ONE + "/tiltak/45")


@pytest.fixture(scope="module")
def cluster():
    """A PostgreSQL cluster of this module's own: migrated, seeded, a round open, 8 contacts."""
    postgres = PrivatePostgres()
    try:
        postgres.create()
        postgres.scenario = prepare_database(postgres.url, contacts=8)
        yield postgres
    finally:
        postgres.destroy()


@pytest.fixture
def database_url(cluster, request):
    """A copy of the prepared database for one test, so each checks only its own saves."""
    return cluster.copy_database(request.node.name[:40].lower().replace("[", "_").rstrip("]"))


@pytest.fixture
def server(database_url, tmp_path):
    gunicorn = Gunicorn(database_url, tmp_path, workers=3)
    yield gunicorn
    gunicorn.stop()
    log = gunicorn.stderr_path.read_text()
    crashes = log.count("Error handling request")
    first = log.find("Error handling request")
    assert crashes == 0, (
        f"gunicorn answered {crashes} requests with its own bare 500:\n{log[first : first + 6000]}"
    )


def read_continuously(
    base: str, stop: threading.Event, answers: list, lock: threading.Lock
) -> None:
    """A public reader and a health probe: (time, path, status, body) of every answer."""
    session = browser_session()
    paths = (*PUBLIC_PATHS, "/healthz")
    index = 0
    while not stop.is_set():
        path = paths[index % len(paths)]
        index += 1
        try:
            response = session.get(base + path, timeout=10)
            entry = (time.monotonic(), path, response.status_code, response.text)
        except requests.RequestException as error:
            entry = (time.monotonic(), path, None, type(error).__name__)
        with lock:
            answers.append(entry)
        time.sleep(0.02)


def test_postgres_restart_mid_load_gives_503_then_recovers_without_restarting_gunicorn(
    cluster, server, database_url
):
    log, stop = SaveLog(), threading.Event()
    answers, lock = [], threading.Lock()
    readers = [
        threading.Thread(
            target=read_continuously, args=(server.base, stop, answers, lock), daemon=True
        )
        for _ in range(2)
    ]
    for reader in readers:
        reader.start()
    writers = run_contact_persons(server.base, cluster.scenario.people[:4], log, stop)
    master_pid, workers_before = server.process.pid, sorted(server.worker_pids())
    time.sleep(3)

    stopped_at = time.monotonic()
    cluster.stop()
    time.sleep(3)  # the gap: the load goes on against a missing database
    cluster.start()
    started_at = time.monotonic()
    time.sleep(5)
    stop.set()
    for thread in readers + writers:
        thread.join(timeout=30)

    gap = [entry for entry in answers if stopped_at + 0.5 < entry[0] < started_at]
    after = [entry for entry in answers if entry[0] > started_at + 3]
    assert gap and after, "the readers made no requests in the gap or after it"
    gap_statuses = Counter(status for _, _, status, _ in gap)
    # Cached public pages may still be served for a moment; everything else is a clean 503.
    assert set(gap_statuses) <= {200, 503}, gap_statuses
    assert any(path == "/healthz" and status == 503 for _, path, status, _ in gap)
    for _, path, status, body in gap:
        if status == 503 and path != "/healthz":
            assert "Tjenesten er midlertidig utilgjengelig" in body and 'lang="nb"' in body
        assert "Traceback" not in body and "OperationalError" not in body and "psycopg" not in body
    health = [body for _, path, status, body in gap if path == "/healthz" and status == 503]
    assert json.loads(health[0]) == {"status": "error", "database": "unavailable"}

    # After the restart: the same gunicorn master answers normally, by itself.
    assert {status for _, _, status, _ in after} == {200}, Counter(
        status for _, _, status, _ in after
    )
    assert server.process.poll() is None and server.process.pid == master_pid
    assert all(status != 500 for status in server.request_statuses()), server.request_statuses()
    assert 500 not in log.statuses
    assert log.outcomes["stored"] > 0, dict(log.outcomes)

    # Saves go on working after the restart (new sign-in, form, save), and nothing is corrupt.
    email, measures = cluster.scenario.people[5]
    person = ContactPerson(server.base, email, measures, log)
    assert person.sign_in()
    assert person.save_once(random.Random(7)) in {"stored", "conflict"}
    consistency = check_reports(database_url, log)
    assert consistency.reports_checked == 50
    assert consistency.problems == []
    print(
        f"restart: gap answers {dict(gap_statuses)}, workers before {workers_before}, "
        f"saves {dict(log.outcomes)}"
    )


def test_killing_workers_during_saves_stores_each_save_whole_or_not_at_all(
    cluster, server, database_url
):
    log, stop = SaveLog(), threading.Event()
    writers = run_contact_persons(server.base, cluster.scenario.people, log, stop, seed=100)
    time.sleep(2)
    rng, killed = random.Random(42), []
    deadline = time.monotonic() + 12
    while time.monotonic() < deadline:
        pid = server.kill_a_busy_worker(rng)
        if pid:
            killed.append(pid)
        time.sleep(rng.uniform(0.5, 1.0))  # long enough for the master to start a replacement
    time.sleep(2)  # let the master replace the last one, and the clients carry on
    stop.set()
    for thread in writers:
        thread.join(timeout=30)

    assert len(killed) >= 5
    assert log.outcomes["no_answer"] > 0, f"no save was cut off by a kill: {dict(log.outcomes)}"
    assert log.outcomes["stored"] > 0
    assert 500 not in log.statuses, log.statuses
    consistency = check_reports(database_url, log)
    assert consistency.problems == []
    # A save cut off by a kill is either all there (report and revision agree) or not at all.
    cut_off = [
        (narrative, narrative in consistency.saved[number])
        for number in consistency.saved
        for narrative in log.told("no_answer", number)
    ]
    print(
        f"kills: {len(killed)}, saves {dict(log.outcomes)}, cut off: "
        f"{sum(stored for _, stored in cut_off)} stored whole, "
        f"{sum(not stored for _, stored in cut_off)} not at all"
    )
