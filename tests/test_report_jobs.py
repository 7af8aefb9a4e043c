"""Report builds as a work queue in the database: queued through one instance, built by a worker
(`flask report-jobs work`), followed and downloaded through any other; a build whose worker dies
is reported failed within its claim, and leaves no LibreOffice behind.

(Through the real two-instance set-up, nginx round-robin: tests/test_two_instances.py.)
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.factories import UserFactory
from tests.support.app import RequestPerContextClient, make_app
from tests.support.docx_reading import open_docx, paragraph_texts
from tracker.auth.models import Role
from tracker.export import office
from tracker.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Midtveisrapport"


@pytest.fixture
def app_config():
    # No builder thread in the web instance: a worker elsewhere builds (REPORT_JOBS_IN_WEB=off).
    return {"REPORT_JOBS_IN_WEB": False, "REPORT_JOB_CLAIM_SECONDS": 2}


def _queue_a_draft(client) -> str:
    index = client.get("/koordinator/rapport/").get_data(as_text=True)
    token = re.search(r'name="midtveis-2025-csrf_token" type="hidden" value="([^"]+)"', index)
    started = client.post(
        "/koordinator/rapport/midtveis-2025",
        data={"midtveis-2025-csrf_token": token.group(1), "midtveis-2025-mode": "draft"},
    )
    assert started.status_code == 303
    return started.headers["Location"]


def _signed_in_client(app, user):
    app.test_client_class = RequestPerContextClient
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def test_a_build_queued_on_one_instance_is_built_by_the_worker_and_downloaded_on_another(
    seeded, client, login, runner, app, _migrated, tmp_path, monkeypatch
):
    office.stop()
    monkeypatch.setenv("TRACKER_UNO_PYTHON", "/nonexistent/python3")  # the DOCX is enough here
    coordinator = login(UserFactory(role=Role.COORDINATOR, unit=None))
    job_url = _queue_a_draft(client)
    waiting = client.get(job_url + "/status").json
    assert waiting == {"state": "running", "message": "Rapporten er i kø …"}

    built = runner.invoke(args=["report-jobs", "work", "--once"])
    assert built.exit_code == 0, built.output
    assert "Ferdige: 1. Mislyktes: 0." in built.output

    # Another machine: its own process, its own scratch folder, the same database.
    other = make_app(_migrated, REPORT_JOBS_DIR=str(tmp_path / "other-machine"))
    with other.app_context():
        browser = _signed_in_client(other, coordinator)
        assert browser.get(job_url + "/status").json["state"] == "done"
        page = browser.get(job_url).get_data(as_text=True)
        assert "Rapporten er klar." in page
        docx = browser.get(job_url + "/docx")
        db.session.remove()
    assert docx.status_code == 200
    assert "filename=midtveis-2025-utkast.docx" in docx.headers["Content-Disposition"]
    assert any(TITLE in text for text in paragraph_texts(open_docx(docx.data)))
    # Nothing of the build is left on the builder's disk: the files live in the database.
    assert list(Path(app.config["REPORT_JOBS_DIR"]).glob("**/*.docx")) == []


def test_report_jobs_work_once_with_nothing_queued_says_so(app, runner):
    result = runner.invoke(args=["report-jobs", "work", "--once"])
    assert result.exit_code == 0 and "Ferdige: 0. Mislyktes: 0." in result.output


def _processes_in_group(group: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == group:
                    found.append(int(entry.name))
            except ProcessLookupError:
                continue
    return found


def _office_helpers_of(pid: int) -> list[int]:
    """The LibreOffice helpers (tracker/export/uno_worker.py) process ``pid`` started."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status and b"uno_worker.py" in command:
                children.append(int(entry.name))
    return children


@pytest.mark.skipif(office.office_missing_reason() is not None, reason="no LibreOffice here")
def test_a_build_whose_worker_is_killed_is_failed_within_its_claim_and_leaves_no_libreoffice(
    seeded, client, login, app
):
    login(UserFactory(role=Role.COORDINATOR, unit=None))
    job_url = _queue_a_draft(client)
    environment = os.environ | {
        "TRACKER_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REPORT_JOB_CLAIM_SECONDS": "2",
        "REPORT_JOBS_DIR": app.config["REPORT_JOBS_DIR"],
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "report-jobs", "work"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        helpers: list[int] = []
        while not helpers:  # the worker has started LibreOffice for this build
            assert time.monotonic() < deadline and worker.poll() is None
            helpers = _office_helpers_of(worker.pid)
            time.sleep(0.1)
        while "PDF" not in client.get(job_url + "/status").json["message"]:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        libreoffice = _processes_in_group(helpers[0])
        assert libreoffice, "LibreOffice's helper runs in a process group of its own"
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_at = time.monotonic()
        while (status := client.get(job_url + "/status").json)["state"] == "running":
            assert time.monotonic() - killed_at < 10, "still «running» after the claim ran out"
            time.sleep(0.2)
        told_after = time.monotonic() - killed_at
        while _processes_in_group(helpers[0]) and time.monotonic() - killed_at < 15:
            time.sleep(0.2)
        left = _processes_in_group(helpers[0])
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert status["state"] == "failed"
    assert "stoppet" in status["message"] and told_after < 10
    assert left == [], "LibreOffice was left running by a dead worker"
