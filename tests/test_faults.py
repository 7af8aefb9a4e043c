"""Faults under load, on the production stack: gunicorn (gunicorn.conf.py) on a private
PostgreSQL cluster (never the shared server on port 5432).

- PostgreSQL stops in the middle of the load and starts again: while it is away the app answers
  503 (its Norwegian page, /healthz "unavailable"), never 500 and never a traceback; afterwards
  the same gunicorn answers normally by itself, and the data is intact.
- gunicorn workers are killed (SIGKILL) again and again while saves are in flight: every save is
  either stored whole (the report and its revision) or not at all.

Each step waits for the load to reach its state (writers saving, a 503 seen, a worker replaced),
never for the clock, so a busy machine makes the tests slower, not red.

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

# On one pytest-xdist worker: one PostgreSQL cluster for the module.
pytestmark = pytest.mark.xdist_group("faults")

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
    # Flask logs an exception no error handler turned into a page ("Exception on /path"): it
    # became the 500 page.
    unhandled = log.find("Exception on /")
    assert unhandled == -1, f"the app answered 500:\n{log[unhandled : unhandled + 8000]}"


def read_continuously(
    base: str, stop: threading.Event, answers: list, lock: threading.Lock
) -> None:
    """A public reader and a health probe: (sent, answered, path, status, body) of every
    answer, the times from time.monotonic()."""
    session = browser_session()
    paths = (*PUBLIC_PATHS, "/healthz")
    index = 0
    while not stop.is_set():
        path = paths[index % len(paths)]
        index += 1
        sent = time.monotonic()
        try:
            response = session.get(base + path, timeout=10)
            entry = (sent, time.monotonic(), path, response.status_code, response.text)
        except requests.RequestException as error:
            entry = (sent, time.monotonic(), path, None, type(error).__name__)
        with lock:
            answers.append(entry)
        time.sleep(0.02)


def wait_until(condition, what: str, timeout: float = 90) -> None:
    """Wait for the load to reach a state, not for the clock: a busy machine only makes it
    slower. ``timeout`` only ends a test whose condition never comes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


def test_postgres_restart_mid_load_gives_503_then_recovers_without_restarting_gunicorn(
    cluster, server, database_url
):
    log, stop = SaveLog(), threading.Event()
    answers, lock = [], threading.Lock()

    def answered(since: float, path: str | None = None, status: int | None = None) -> list:
        with lock:
            return [
                entry
                for entry in answers
                if entry[0] > since
                and (path is None or entry[2] == path)
                and (status is None or entry[3] == status)
            ]

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
    # The load is going: every writer has saved, and the readers are answered.
    wait_until(lambda: log.outcomes["stored"] >= 4, "the writers saving")
    wait_until(lambda: answered(0, "/healthz", 200), "the readers being answered")

    stopped_at = time.monotonic()
    cluster.stop()
    # The gap lasts until the load has met the missing database: the health probe was
    # answered 503, and the writers as many times as there are writers.
    failed_saves = log.outcomes["form_503"] + log.outcomes["answer_503"]
    wait_until(lambda: answered(stopped_at, "/healthz", 503), "a 503 from /healthz")
    wait_until(
        lambda: log.outcomes["form_503"] + log.outcomes["answer_503"] >= failed_saves + 4,
        "the writers answered 503",
    )
    cluster.start()
    started_at = time.monotonic()
    # Recovered by itself: /healthz says so, and writers save again.
    wait_until(lambda: answered(started_at, "/healthz", 200), "/healthz 200 after the restart")
    recovered_at = min(entry[0] for entry in answered(started_at, "/healthz", 200))
    stored_after = log.outcomes["stored"]
    wait_until(lambda: log.outcomes["stored"] >= stored_after + 4, "saves after the restart")
    wait_until(lambda: len(answered(recovered_at)) >= 20, "reads after the restart")
    stop.set()
    for thread in readers + writers:
        thread.join(timeout=30)

    # Requests sent while the database was away and answered before it was back.
    gap = [entry for entry in answers if entry[0] > stopped_at and entry[1] < started_at]
    # Requests sent after the first health check that found the database back.
    after = [entry for entry in answers if entry[0] > recovered_at]
    gap_statuses = Counter(status for _, _, _, status, _ in gap)
    # Cached public pages may still be served for a moment; everything else is a clean 503.
    assert set(gap_statuses) <= {200, 503}, gap_statuses
    for _, _, path, status, body in gap:
        if status == 503 and path != "/healthz":
            assert "Tjenesten er midlertidig utilgjengelig" in body and 'lang="nb"' in body
        assert "Traceback" not in body and "OperationalError" not in body and "psycopg" not in body
    health = [body for _, _, path, status, body in gap if path == "/healthz" and status == 503]
    assert json.loads(health[0]) == {"status": "error", "database": "unavailable"}

    # After the restart: the same gunicorn master answers normally, by itself.
    assert {status for _, _, _, status, _ in after} == {200}, Counter(
        status for _, _, _, status, _ in after
    )
    assert server.process.poll() is None and server.process.pid == master_pid
    assert all(status != 500 for status in server.request_statuses()), server.request_statuses()
    assert 500 not in log.statuses, log.statuses

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
    # The kills begin once the writers are saving, however long a busy machine takes to get
    # them there.
    wait_until(lambda: log.outcomes["stored"] >= len(cluster.scenario.people), "saves going")
    rng, killed = random.Random(42), []
    deadline = time.monotonic() + 120
    # Until at least five kills have landed and one of them cut a save off mid-request.
    while len(killed) < 5 or log.outcomes["no_answer"] == 0:
        assert time.monotonic() < deadline, f"{len(killed)} kills, saves {dict(log.outcomes)}"
        pid = server.kill_a_busy_worker(rng)
        if pid is None:
            continue
        killed.append(pid)
        # The master has started a replacement, and the writers have saved since.
        stored = log.outcomes["stored"]
        wait_until(
            lambda pid=pid: pid not in server.worker_pids() and len(server.worker_pids()) == 3,
            "the master replacing a killed worker",
        )
        wait_until(lambda stored=stored: log.outcomes["stored"] > stored, "saves after a kill")
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
