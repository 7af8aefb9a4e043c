#!/usr/bin/env python3
"""Two of the outside reliability test's faults, counted on the real stack:

    .venv/bin/python bench/bench_reliability.py     # writes bench/results-reliability.md

1. Mail sent twice: 400 messages in the outbox, two `flask mail worker` processes (as on two
   machines, the second started 11 s after the first), MAIL_CLAIM_SECONDS=10,
   MAIL_BATCH_SIZE=50, and a real SMTP server that takes 0.06 s per message, so one delivery
   run lasts longer than a claim. Counts the messages the server received more than once, and
   the audit log's `mail_sent` entries.
2. Sign-in bursts: gunicorn (gunicorn.conf.py, 5 workers) on PostgreSQL; three times, 40 wrong
   passwords for one account sent at once from 40 connections. Counts the passwords checked
   (`login_failed` entries), against LOGIN_FREE_FAILURES = 5 allowed.

A fresh database on the PostgreSQL server on 127.0.0.1 (BENCH_POSTGRES_URL, as bench_public.py),
dropped afterwards. The same script run from a checkout of the code before the fixes gives the
"before" column (see the results file for how it was run).
"""

import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_public import bench_database  # noqa: E402
from sqlalchemy import create_engine, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from tests.support.live_stack import (  # noqa: E402
    CSRF_INPUT,
    Gunicorn,
    browser_session,
    prepare_database,
)
from tests.support.smtp_server import MAIL_SETTINGS, SmtpServer  # noqa: E402
from tracker import models  # noqa: E402, F401  (every model mapped before a Session is used)

MESSAGES = 400
STAGGER = 11  # seconds: longer than the claim
BURST, BURSTS = 40, 3


def mail_twice(url: str) -> dict:
    from tracker.audit.models import AuditEvent
    from tracker.mail.models import MessageState, OutboxMessage

    engine = create_engine(url)
    with Session(engine) as session:
        session.query(OutboxMessage).delete()
        session.add_all(
            OutboxMessage(
                event="bench",
                event_key=f"bench:{number}",
                recipient=f"person{number}@dep.example.no",
                subject=f"Melding {number}",
                body_text="Tekst",
                body_html="<p>Tekst</p>",
            )
            for number in range(MESSAGES)
        )
        session.commit()
    smtp = SmtpServer().start()
    smtp.seconds_per_message = 0.06
    environment = os.environ | {
        "TRACKER_ENV": "production",
        "SECRET_KEY": "b" * 64,
        "DATABASE_URL": url,
        "MAIL_URL": smtp.url,
        "MAIL_CLAIM_SECONDS": "10",
        "MAIL_BATCH_SIZE": "50",
        **MAIL_SETTINGS,
    }
    started = time.monotonic()
    workers = []
    for delay in (0, STAGGER):
        time.sleep(delay)  # the second machine's worker starts a claim's length later
        workers.append(
            subprocess.Popen(
                [*FLASK, "mail", "worker", "--interval", "0.5"],
                cwd=ROOT,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    with Session(engine) as session:
        while time.monotonic() - started < 600:
            pending = session.scalar(
                select(func.count()).where(OutboxMessage.state == MessageState.PENDING)
            )
            if not pending:
                break
            time.sleep(0.2)
            session.expire_all()
        seconds = time.monotonic() - started
        time.sleep(1)  # a copy still being sent arrives
        audited = session.scalar(select(func.count()).where(AuditEvent.event == "mail_sent"))
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    smtp.stop()
    engine.dispose()
    received = Counter(str(item.message["Message-ID"]) for item in smtp.received)
    return {
        "messages": MESSAGES,
        "received": sum(received.values()),
        "twice": sum(1 for count in received.values() if count > 1),
        "audited": audited,
        "seconds": seconds,
    }


def burst(base: str, email: str, statuses: Counter) -> None:
    """BURST wrong passwords for ``email``, sent at once from as many connections."""
    sessions = [browser_session() for _ in range(BURST)]
    tokens = [CSRF_INPUT.search(s.get(base + "/logg-inn", timeout=60).text)[1] for s in sessions]
    start = threading.Barrier(BURST)

    def guess(index: int) -> None:
        start.wait()
        answer = sessions[index].post(
            base + "/logg-inn",
            data={"email": email, "password": f"feil-{index}", "csrf_token": tokens[index]},
            allow_redirects=False,
            timeout=120,
        )
        statuses[answer.status_code] += 1

    threads = [threading.Thread(target=guess, args=(index,)) for index in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def sign_in_bursts(url: str, log_dir: Path) -> dict:
    from tracker.audit.models import AuditEvent

    people = prepare_database(url, contacts=BURSTS).people
    server = Gunicorn(url, log_dir, workers=5)
    engine = create_engine(url)
    checked, statuses = [], Counter()
    try:
        for email, _ in people:
            burst(server.base, email, statuses)
            with Session(engine) as session:
                checked.append(
                    session.scalar(
                        select(func.count()).where(
                            AuditEvent.event == "login_failed", AuditEvent.email == email
                        )
                    )
                )
    finally:
        server.stop()
        engine.dispose()
    return {"checked": checked, "statuses": dict(statuses)}


FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def main() -> int:
    database = bench_database()
    url = database.create()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-reliability-"))
    try:
        subprocess.run(
            [*FLASK, "db", "upgrade"],
            cwd=ROOT,
            env=os.environ | {"DATABASE_URL": url, "TRACKER_ENV": "development"},
            check=True,
            capture_output=True,
        )
        mail = mail_twice(url)
        print(mail, flush=True)
        database.drop()
        url = database.create()
        bursts = sign_in_bursts(url, log_dir)
        print(bursts, flush=True)
    finally:
        database.drop()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "# Reliability: mail sent twice, sign-in bursts",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `.venv/bin/python "
        f"bench/bench_reliability.py` at {commit or 'a checkout'} on {platform.node()} "
        f"({os.cpu_count()} cores, shared with other jobs); PostgreSQL on 127.0.0.1.",
        "",
        "| fault | figure | value |",
        "|---|---|---:|",
        f"| mail: {MESSAGES} messages, 2 workers ({STAGGER} s apart), 10 s claim, 0.06 s per "
        f"message | messages "
        f"received more than once | {mail['twice']} |",
        f"| | messages received in all | {mail['received']} |",
        f"| | `mail_sent` audit entries | {mail['audited']} |",
        f"| | outbox empty after | {mail['seconds']:.1f} s |",
        f"| sign-in: {BURSTS} bursts of {BURST} wrong passwords, 5 allowed | passwords checked "
        f"per burst | {', '.join(map(str, bursts['checked']))} |",
        f"| | answers | {', '.join(f'{k}: {v}' for k, v in sorted(bursts['statuses'].items()))} |",
        "",
    ]
    target = os.environ.get("BENCH_RESULTS") or str(ROOT / "bench" / "results-reliability.md")
    Path(target).write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
