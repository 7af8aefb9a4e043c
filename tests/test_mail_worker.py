"""`flask mail worker` as production runs it: a process of its own that delivers what is queued
while it runs, and stops cleanly on SIGTERM (what systemd sends)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flask_migrate import upgrade

from tests.support.app import make_app
from tracker.extensions import db
from tracker.mail.models import MessageState, OutboxMessage

ROOT = Path(__file__).resolve().parent.parent


def queue(app, number: int) -> None:
    with app.app_context():
        db.session.add(
            OutboxMessage(
                event="test",
                event_key=f"worker:{number}",
                recipient=f"person{number}@dep.example.no",
                subject=f"Melding {number}",
                body_text="Tekst",
                body_html="<p>Tekst</p>",
            )
        )
        db.session.commit()


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_worker_delivers_while_running_and_stops_on_sigterm(tmp_path, smtp_server):
    smtp_server.start()
    url = "sqlite:///" + str(tmp_path / "worker.sqlite")
    app = make_app(url)
    with app.app_context():
        upgrade()
    queue(app, 1)
    environment = {
        **os.environ,
        "TRACKER_ENV": "development",
        "DATABASE_URL": url,
        "MAIL_URL": smtp_server.url,
        "MAIL_FROM": "tracker@handlingsplan.example.no",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for(lambda: len(smtp_server.received) == 1), "the first message never came"
        queue(app, 2)  # queued while the worker runs
        assert wait_for(lambda: len(smtp_server.received) == 2), "the second message never came"
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "Sendt: 1." in output and "Avsluttet." in output
    assert [item.recipients for item in smtp_server.received] == [
        ["person1@dep.example.no"],
        ["person2@dep.example.no"],
    ]
    with app.app_context():
        assert set(db.session.scalars(db.select(OutboxMessage.state))) == {MessageState.SENT}
        db.engine.dispose()


def test_the_worker_refuses_to_start_without_a_server(runner, app):
    result = runner.invoke(args=["mail", "worker"])
    assert result.exit_code == 1
    assert "MAIL_URL er ikke satt" in result.output
