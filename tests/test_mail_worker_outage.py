"""`flask mail worker` outlives the database: started while PostgreSQL is down (a restart, a
failover), it says so, waits a little longer each time, and delivers once the database is back,
without anyone restarting it. A PostgreSQL cluster of the test's own; skipped without PostgreSQL's
server programs unless REQUIRE_POSTGRES=1."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade

from tests.support.app import make_app
from tests.support.live_stack import PrivatePostgres, postgres_bin_dir
from tests.support.smtp_server import MAIL_SETTINGS
from tracker.extensions import db
from tracker.mail.models import MessageState, OutboxMessage

ROOT = Path(__file__).resolve().parent.parent

if postgres_bin_dir() is None:
    reason = "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
    if os.environ.get("REQUIRE_POSTGRES"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_worker_waits_for_the_database_and_then_delivers(smtp_server):
    smtp_server.start()
    cluster = PrivatePostgres()
    worker = None
    try:
        cluster.create()
        app = make_app(cluster.url, MAIL_URL=smtp_server.url, **MAIL_SETTINGS)
        with app.app_context():
            upgrade()
            db.session.add(
                OutboxMessage(
                    event="test",
                    event_key="outage:1",
                    recipient="person@dep.example.no",
                    subject="Sendt etter avbruddet",
                    body_text="Tekst",
                    body_html="<p>Tekst</p>",
                )
            )
            db.session.commit()
            db.engine.dispose()
        cluster.stop()

        environment = {
            **os.environ,
            "TRACKER_ENV": "development",
            "DATABASE_URL": cluster.url,
            "MAIL_URL": smtp_server.url,
            "MAIL_FROM": MAIL_SETTINGS["MAIL_FROM"],
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "worker", "--interval", "0.2"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        output: list[str] = []
        threading.Thread(
            target=lambda: [lines.put(line) for line in worker.stdout], daemon=True
        ).start()

        def said(text: str, times: int = 1) -> bool:
            while not lines.empty():
                output.append(lines.get())
            return sum(text in line for line in output) >= times

        # Two failed tries, the second after a longer wait; the worker is still running.
        assert wait_for(lambda: said("Får ikke kontakt med databasen", times=2)), "".join(output)
        assert worker.poll() is None, "".join(output)
        assert "Prøver igjen om 1 s." in "".join(output)
        assert "Prøver igjen om 2 s." in "".join(output)
        assert "Traceback" not in "".join(output)

        cluster.start()
        assert wait_for(lambda: len(smtp_server.received) == 1), "".join(output)
        assert wait_for(lambda: said("Sendt: 1.")), "".join(output)
        assert "Databasen svarer igjen." in "".join(output)
        with app.app_context():
            assert set(db.session.scalars(db.select(OutboxMessage.state))) == {MessageState.SENT}
            db.engine.dispose()
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        cluster.destroy()
    assert worker.returncode == 0
