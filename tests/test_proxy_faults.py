"""Faults between nginx (deploy/nginx.conf itself) and the app, on the production stack.

- No instance answers: nginx shows the app's own Norwegian page (502), and after a form was sent,
  the page that says the change may have been stored, never nginx's English one.
- The database hangs while saves come in: every worker is stuck, a second save waits in
  gunicorn's queue, and nginx gives up on both (504). When the database is back, neither save is
  committed: the person was told the outcome is unknown, and a save nginx gave up on is never
  stored behind their back. The same form sent again is stored.

Skipped without nginx or PostgreSQL's server programs, unless REQUIRE_POSTGRES=1.
"""

import os
import shutil
import threading
import time

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from tests.support.live_stack import (
    CSRF_INPUT,
    PASSWORD,
    ROUND_SLUG,
    VERSION_INPUT,
    Gunicorn,
    Nginx,
    PrivatePostgres,
    free_port,
    postgres_bin_dir,
    prepare_database,
)

for missing, reason in (
    (postgres_bin_dir() is None, "PostgreSQL's server programs (initdb, pg_ctl) are not installed"),
    (not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")), "nginx is not installed"),
):
    if missing:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=True)

READ_PAGE = "Tjenesten svarer ikke akkurat nå"
FORM_PAGE = "Vi vet ikke om det du sendte, ble lagret"


def test_with_no_instance_answering_nginx_shows_the_apps_own_pages():
    nginx = Nginx([free_port()])  # nothing listens there
    try:
        browser = nginx.session()
        read = browser.get(nginx.base + "/tiltak?q=uten-svar", timeout=30)
        sent = browser.post(nginx.base + "/logg-inn", data={"email": "a@b.no"}, timeout=30)
    finally:
        nginx.stop()
    assert read.status_code == 502
    assert READ_PAGE in read.text and 'lang="nb"' in read.text and "nginx" not in read.text
    assert sent.status_code == 502
    assert FORM_PAGE in sent.text and "Sender du det samme skjemaet en gang til" in sent.text
    assert read.headers["Content-Type"].startswith("text/html")


def sign_in(nginx, email: str):
    browser = nginx.session()
    page = browser.get(nginx.base + "/logg-inn", timeout=30)
    answer = browser.post(
        nginx.base + "/logg-inn",
        data={"email": email, "password": PASSWORD, "csrf_token": CSRF_INPUT.search(page.text)[1]},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]
    return browser


def open_form(browser, nginx, number: int) -> tuple[str, dict]:
    url = f"{nginx.base}/rapportering/{ROUND_SLUG}/tiltak/{number}"
    form = browser.get(url, timeout=30)
    assert form.status_code == 200
    return url, {
        "status": "completed",
        "version": VERSION_INPUT.search(form.text)[1],
        "save": "Lagre utkast",
        "csrf_token": CSRF_INPUT.search(form.text)[1],
    }


def narrative_of(engine, number: int) -> str:
    from tracker.measures.models import Measure
    from tracker.reporting.models import MeasureReport, ReportingRound

    with Session(engine) as session:
        return session.scalar(
            select(MeasureReport.narrative)
            .join(Measure, MeasureReport.measure_id == Measure.id)
            .join(ReportingRound, MeasureReport.round_id == ReportingRound.id)
            .where(ReportingRound.slug == ROUND_SLUG, Measure.number == number)
        )


def wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def test_saves_nginx_gave_up_on_are_never_committed_behind_the_persons_back(tmp_path):
    cluster = PrivatePostgres()
    servers = []
    try:
        cluster.create()
        people = prepare_database(cluster.url, contacts=2).people
        gunicorn = Gunicorn(
            cluster.url, tmp_path, workers=1, TRUSTED_PROXIES="1", REQUEST_DEADLINE_SECONDS="2"
        )
        servers.append(gunicorn)
        nginx = Nginx([gunicorn.port], read_timeout=3)
        servers.append(nginx)
        (first_email, measures), (second_email, _) = people
        stuck_number, queued_number = measures[0], measures[1]
        first, second = sign_in(nginx, first_email), sign_in(nginx, second_email)
        stuck_url, stuck_form = open_form(first, nginx, stuck_number)
        queued_url, queued_form = open_form(second, nginx, queued_number)

        engine = create_engine(cluster.url)
        # The database hangs for the first save: its report's row is held elsewhere.
        holder = engine.connect()
        holder.execute(
            text(
                "SELECT r.id FROM measure_reports r JOIN measures m ON m.id = r.measure_id "
                "JOIN reporting_rounds o ON o.id = r.round_id "
                "WHERE m.number = :number AND o.slug = :slug FOR UPDATE OF r"
            ),
            {"number": stuck_number, "slug": ROUND_SLUG},
        )
        answers = {}

        def post(name, browser, url, form, narrative):
            answers[name] = browser.post(
                url, data=form | {"narrative": narrative}, allow_redirects=False, timeout=60
            )

        stuck = threading.Thread(
            target=post, args=("stuck", first, stuck_url, stuck_form, "Fast i databasen.")
        )
        stuck.start()
        with engine.connect() as probe:
            wait_for(
                lambda: probe.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ),
                "the first save waiting for the held row",
            )
        # The only worker is stuck: this save waits in gunicorn's queue.
        queued = threading.Thread(
            target=post, args=("queued", second, queued_url, queued_form, "Ventet i køen.")
        )
        queued.start()
        stuck.join(60)
        queued.join(60)
        # The database is back.
        holder.rollback()
        holder.close()
        wait_for(
            lambda: sum(e["method"] == "POST" and "/tiltak/" in e["path"]
                        for e in gunicorn.request_log()) >= 2,
            "the app finishing both saves",
        )  # fmt: skip

        for name in ("stuck", "queued"):
            assert answers[name].status_code == 504, (name, answers[name].status_code)
            assert FORM_PAGE in answers[name].text, answers[name].text[:300]
        # Told the outcome is unknown, and in fact not stored: reloading shows the truth.
        assert narrative_of(engine, stuck_number) != "Fast i databasen."
        assert narrative_of(engine, queued_number) != "Ventet i køen."
        statuses = [
            e["status"]
            for e in gunicorn.request_log()
            if e["method"] == "POST" and "/tiltak/" in e["path"]
        ]
        assert statuses == [503, 503], statuses

        # Sent again from a freshly opened form, the save is stored.
        queued_url, queued_form = open_form(second, nginx, queued_number)
        again = second.post(
            queued_url,
            data=queued_form | {"narrative": "Ventet i køen."},
            allow_redirects=False,
            timeout=30,
        )
        assert again.status_code == 302
        assert narrative_of(engine, queued_number) == "Ventet i køen."
        engine.dispose()
    finally:
        for server in reversed(servers):
            server.stop()
        cluster.destroy()
