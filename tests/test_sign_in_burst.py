"""Sign-in throttling holds when the guesses come all at once.

Forty wrong passwords for one account, sent together from forty connections (each request in a
thread, an app context and a database session of its own, as gunicorn's workers and two app
machines would run them): only the five free guesses may be checked; every other attempt is
refused unchecked. Each attempt is counted before its password is looked at, so no attempt can
slip through while the others are still being checked.
"""

import threading

from sqlalchemy import func, select

from tests.support.app import RequestPerContextClient
from tests.support.workflow import build_world, csrf_token
from tracker.audit.models import AuditEvent
from tracker.extensions import db

OWNER = "leder@led.example.no"
BURST = 40


def test_a_burst_of_guesses_gets_no_more_password_checks_than_the_free_ones(app):
    build_world()
    free = app.config["LOGIN_FREE_FAILURES"]
    app.test_client_class = RequestPerContextClient
    clients = [app.test_client() for _ in range(BURST)]
    tokens = [csrf_token(client, "/logg-inn") for client in clients]
    start = threading.Barrier(BURST)
    statuses: list[int] = []
    lock = threading.Lock()

    def guess(index: int) -> None:
        start.wait()
        response = clients[index].post(
            "/logg-inn",
            data={"email": OWNER, "password": f"gjetning-{index}-abc", "csrf_token": tokens[index]},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(index,)) for index in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    db.session.expire_all()
    counts = dict(
        db.session.execute(select(AuditEvent.event, func.count()).group_by(AuditEvent.event)).all()
    )
    # One failed sign-in is recorded per password checked.
    assert counts.get("login_failed") == free, counts
    assert counts.get("login_throttled") == BURST - free, counts
    # Every refused attempt is told to wait; the checked ones «wrong password» or, once the
    # free guesses are spent, to wait as well.
    assert len(statuses) == BURST and set(statuses) <= {401, 429}, statuses
    assert statuses.count(429) >= BURST - free, statuses
