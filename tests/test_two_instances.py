"""The site on two machines: two gunicorns (gunicorn.conf.py) on one PostgreSQL cluster of its
own, deploy/nginx.conf itself in front of both, and a mail worker beside each.

- A signed-in person stays signed in whichever instance answers; an instance started with a key
  of its own refuses to start, saying why in Norwegian.
- A withdrawal through one instance, made while contact persons save through both, leaves the
  withdrawn text on neither instance's pages nor in the search.
- Two mail workers, one per machine, with a slow SMTP server and runs longer than a claim,
  deliver every message in the outbox exactly once.
- A report built through one instance is followed, and its DOCX and PDF downloaded, through
  nginx's round-robin over both.

Skipped without nginx or PostgreSQL's server programs, unless REQUIRE_POSTGRES=1.
"""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from tests.support.live_stack import (
    CSRF_INPUT,
    PASSWORD,
    ROOT,
    Gunicorn,
    Nginx,
    PrivatePostgres,
    SaveLog,
    check_reports,
    postgres_bin_dir,
    prepare_database,
    run_contact_persons,
)
from tests.support.public_helpers import PLAN_ONE
from tests.support.smtp_server import MAIL_SETTINGS, SmtpServer

# On one pytest-xdist worker: one PostgreSQL cluster and two gunicorns for the module.
pytestmark = pytest.mark.xdist_group("two_instances")

for missing, reason in (
    (postgres_bin_dir() is None, "PostgreSQL's server programs (initdb, pg_ctl) are not installed"),
    (not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")), "nginx is not installed"),
):
    if missing:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=True)

WORD = "kvasarlyset"
PUBLISHED = "publisert-2026"
COORDINATOR = "koordinator@example.no"


class Site:
    def __init__(self, cluster, people, measure, key, instances, nginx):
        self.cluster, self.people, self.measure, self.key = cluster, people, measure, key
        self.instances, self.nginx = instances, nginx


def publish_a_round_with_the_word(database_url: str, number: int) -> None:
    """A published round whose approved report on measure ``number`` holds WORD, and a
    coordinator, written the way the app writes (so the search index follows)."""
    from tracker import create_app
    from tracker.auth.models import Role
    from tracker.auth.operations import create_user
    from tracker.extensions import db
    from tracker.measures.models import Measure
    from tracker.reporting.models import MeasureReport, ReportingRound
    from tracker.reporting.states import ReviewState, RoundState, Status
    from tracker.timeutil import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TRACKER_ENV": "development"})
    with app.app_context():
        measure = db.session.scalar(select(Measure).where(Measure.number == number))
        published = ReportingRound(
            plan=measure.plan,
            slug=PUBLISHED,
            title="Publisert 2026",
            as_of=date(2026, 3, 1),
            state=RoundState.PUBLISHED,
            published_at=utcnow(),
        )
        db.session.add_all(
            [
                published,
                MeasureReport(
                    round=published,
                    measure=measure,
                    status=Status.IN_PROGRESS,
                    narrative=f"Arbeidet med {WORD} er i gang.",
                    review_state=ReviewState.APPROVED,
                ),
            ]
        )
        create_user(
            COORDINATOR, Role.COORDINATOR, PASSWORD, name="Kari Koordinator", plans=[measure.plan]
        )
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    cluster = PrivatePostgres()
    servers = []
    try:
        cluster.create()
        people = prepare_database(cluster.url, contacts=6).people
        measure = people[0][1][0]  # a measure the first ministry's contact persons save
        publish_a_round_with_the_word(cluster.url, measure)
        key = secrets.token_hex(32)  # one key for the site, on every machine
        logs = tmp_path_factory.mktemp("instances")
        for machine in range(2):  # started side by side, as two machines would
            servers.append(
                Gunicorn(
                    cluster.url,
                    logs,
                    # One worker each: what is shared between machines is under test, not
                    # between the workers of one (a worker's start costs a second of CPU).
                    workers=1,
                    wait=False,
                    SECRET_KEY=key,
                    TRUSTED_PROXIES="1",
                    # Each machine has a disk of its own: nothing may be shared through it.
                    REPORT_JOBS_DIR=str(tmp_path_factory.mktemp(f"machine-{machine}")),
                )
            )
        for server in servers:
            server.wait_until_ready()
        nginx = Nginx([server.port for server in servers])
        servers.append(nginx)
        yield Site(cluster, people, measure, key, servers[:2], nginx)
    finally:
        for server in reversed(servers):
            server.stop()
        cluster.destroy()


def sign_in(site, email: str) -> requests.Session:
    browser = site.nginx.session()
    page = browser.get(site.nginx.base + "/logg-inn", timeout=30)
    answer = browser.post(
        site.nginx.base + "/logg-inn",
        data={"email": email, "password": PASSWORD, "csrf_token": CSRF_INPUT.search(page.text)[1]},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:300]
    return browser


def test_a_signed_in_person_stays_signed_in_whichever_instance_answers(site):
    email, measures = site.people[2]
    browser = sign_in(site, email)
    url = f"{site.nginx.base}/rapportering/last-2026/tiltak/{measures[0]}"
    answers = [browser.get(url, allow_redirects=False, timeout=30).status_code for _ in range(10)]
    assert answers == [200] * 10
    # Both instances served this person's pages.
    served = [
        sum(1 for entry in server.request_log() if entry["path"].startswith("/rapportering/"))
        for server in site.instances
    ]
    assert all(count > 0 for count in served), served


def test_an_instance_with_a_key_of_its_own_refuses_to_start(site, tmp_path):
    try:
        third = Gunicorn(site.cluster.url, tmp_path, workers=1, SECRET_KEY=secrets.token_hex(32))
    except RuntimeError as refused:  # gunicorn exited; the error carries its stderr
        message = str(refused)
    else:
        third.stop()
        pytest.fail("an instance with a key of its own started")
    assert "SECRET_KEY er en annen enn den en annen maskin" in message
    assert "tracker ble ikke startet" in message and "Traceback" not in message
    # Both running instances still say all is well.
    for server in site.instances:
        health = requests.get(server.base + "/healthz", timeout=30)
        assert health.status_code == 200 and health.json()["secret_key"] == "ok", health.text


def found(base: str, word: str) -> bool:
    page = requests.get(f"{base}/tiltak?q={quote(word)}", timeout=30).text
    return f'href="{PLAN_ONE}/tiltak/' in page


def test_a_withdrawal_during_saves_on_both_instances_leaves_no_withdrawn_text(site):
    for server in site.instances:
        assert found(server.base, WORD)
    log, stop = SaveLog(), threading.Event()
    savers = [person for person in site.people if site.measure in person[1]]
    writers = run_contact_persons(
        site.nginx.base,
        [(email, [site.measure]) for email, _ in savers],
        log,
        stop,
        session_factory=site.nginx.session,
    )
    coordinator = sign_in(site, COORDINATOR)
    overview = coordinator.get(f"{site.nginx.base}/rapportering/{PUBLISHED}", timeout=30)
    while log.outcomes["stored"] < 5 and all(writer.is_alive() for writer in writers):
        time.sleep(0.05)  # the contact persons are saving
    withdrawn = coordinator.post(
        f"{site.nginx.base}/rapportering/{PUBLISHED}/avpubliser",
        data={"csrf_token": CSRF_INPUT.search(overview.text)[1]},
        allow_redirects=False,
        timeout=30,
    )
    saved_before = log.outcomes["stored"]
    while log.outcomes["stored"] < saved_before + 5 and all(w.is_alive() for w in writers):
        time.sleep(0.05)  # and go on saving after it
    stop.set()
    for writer in writers:
        writer.join(timeout=30)
    assert withdrawn.status_code == 302, withdrawn.text[:300]

    # Each instance's pages follow within their version check (a second); the index at once.
    engine = create_engine(site.cluster.url)
    with engine.connect() as connection:
        indexed = connection.scalar(
            text(
                "SELECT count(*) FROM measure_search "
                "WHERE document @@ to_tsquery('norwegian', :word)"
            ),
            {"word": WORD},
        )
    engine.dispose()
    assert indexed == 0
    for server in site.instances:
        deadline = time.monotonic() + 15
        while found(server.base, WORD) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not found(server.base, WORD), server.base
        page = requests.get(f"{server.base}/tiltak/{site.measure}", timeout=30).text
        assert WORD not in page
    consistency = check_reports(site.cluster.url, log)
    assert consistency.problems == []
    assert log.outcomes["stored"] >= 10 and 500 not in log.statuses, dict(log.outcomes)


def test_two_mail_workers_on_two_machines_send_every_message_once(site):
    from tracker.audit.models import AuditEvent
    from tracker.mail.models import MessageState, OutboxMessage

    engine = create_engine(site.cluster.url)
    with Session(engine) as session:
        session.add_all(
            OutboxMessage(
                event="test",
                event_key=f"to-maskiner:{number}",
                recipient=f"person{number}@dep.example.no",
                subject=f"Melding {number}",
                body_text="Tekst",
                body_html="<p>Tekst</p>",
            )
            for number in range(60)
        )
        session.commit()
        queued = session.scalar(select(func.count()).select_from(OutboxMessage))
    smtp = SmtpServer().start()
    smtp.seconds_per_message = 0.1  # a batch of 20 takes twice as long as the claim lasts
    environment = os.environ | {
        "TRACKER_ENV": "production",
        "SECRET_KEY": site.key,
        "DATABASE_URL": site.cluster.url,
        "MAIL_URL": smtp.url,
        "MAIL_CLAIM_SECONDS": "1",
        "MAIL_BATCH_SIZE": "20",
        **MAIL_SETTINGS,
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "worker"]
    workers = [
        subprocess.Popen(
            [*command, "--interval", "0.2"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 120
        while len(smtp.received) < queued and time.monotonic() < deadline:
            time.sleep(0.1)
        with Session(engine) as session:
            while time.monotonic() < deadline and session.scalar(
                select(func.count()).where(OutboxMessage.state == MessageState.PENDING)
            ):
                time.sleep(0.1)
                session.expire_all()
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [worker.communicate(timeout=60)[0] for worker in workers]
        smtp.stop()
    with Session(engine) as session:
        states = Counter(session.scalars(select(OutboxMessage.state)))
        audited = session.scalar(select(func.count()).where(AuditEvent.event == "mail_sent"))
    engine.dispose()
    ids = Counter(str(item.message["Message-ID"]) for item in smtp.received)
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    assert sorted(set(ids.values())) == [1], "a message went out twice"
    assert len(ids) == queued and states == {MessageState.SENT: queued}
    assert audited == queued
    # Both machines took part.
    assert all("Sendt: " in output for output in outputs), outputs


def test_a_report_built_through_one_instance_is_followed_and_downloaded_through_both(site):
    coordinator = sign_in(site, COORDINATOR)
    base = site.nginx.base
    index = coordinator.get(f"{base}/koordinator/rapport/", timeout=30).text
    token = re.search(rf'name="{PUBLISHED}-csrf_token" type="hidden" value="([^"]+)"', index)
    started = coordinator.post(
        f"{base}/koordinator/rapport/{PUBLISHED}",
        # A draft: the round has no introduction, which a final report would ask for first.
        data={f"{PUBLISHED}-csrf_token": token[1], f"{PUBLISHED}-mode": "draft"},
        allow_redirects=False,
        timeout=30,
    )
    assert started.status_code == 303, started.text[:300]
    job_url = base + started.headers["Location"]
    deadline = time.monotonic() + 180
    polls = Counter()
    while (status := coordinator.get(job_url + "/status", timeout=30)).json()["state"] == "running":
        polls[status.status_code] += 1
        assert time.monotonic() < deadline, "the report was not built in time"
        time.sleep(0.3)
    assert status.json()["state"] == "done", status.json()
    page = coordinator.get(job_url, timeout=30).text
    downloads = [
        coordinator.get(f"{job_url}/{kind}", timeout=30)
        for kind in ("pdf", "docx", "pdf", "docx", "pdf", "docx")
    ]
    assert set(polls) <= {200}
    assert [answer.status_code for answer in downloads] == [200] * 6
    assert all(answer.content.startswith(b"%PDF-") for answer in downloads[::2])
    assert all(answer.content.startswith(b"PK") for answer in downloads[1::2])
    assert f"{PUBLISHED}-utkast.pdf" in page
    # Both instances answered for this build: its page, its status and its files.
    job_path = started.headers["Location"]
    served = [
        sum(1 for entry in server.request_log() if entry["path"].startswith(job_path))
        for server in site.instances
    ]
    assert all(count > 0 for count in served), served
