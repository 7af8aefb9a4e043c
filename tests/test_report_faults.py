"""LibreOffice's faults and the build's storage, as the coordinator meets them.

- LibreOffice crashes: the next PDF is made all the same (a fresh LibreOffice), not refused
  until the worker is replaced.
- LibreOffice hangs: it is killed, its whole process group, after REPORT_PDF_TIMEOUT_SECONDS,
  and the build ends without a PDF, saying why.
- The build's folder is full or read-only: the coordinator gets the DOCX at once and is told why
  the PDF is missing, never «running» for a quarter of an hour nor a bare 500.

(A worker killed mid-build: tests/test_report_jobs.py.)
"""

import io
import os
import re
import signal
import threading
import time
from pathlib import Path

import docx
import pytest

from tests.factories import UserFactory
from tests.support.disks import fill, make_read_only
from tracker.auth.models import Role
from tracker.export import office

pytestmark = pytest.mark.skipif(
    office.office_missing_reason() is not None, reason="LibreOffice is not installed here"
)


def a_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Status", 1)
    document.add_paragraph("Arbeidet er i gang.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def office_processes() -> list[int]:
    """The helper's process group: the helper, oosplash and soffice.bin."""
    helper = office._worker.process
    assert helper is not None and helper.poll() is None
    group = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == helper.pid:
                    group.append(int(entry.name))
            except ProcessLookupError:
                continue
    return group


def soffice_of(group: list[int]) -> int:
    for pid in group:
        try:
            if b"soffice.bin" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    raise AssertionError("no soffice.bin in the helper's group")


@pytest.fixture
def fresh_office():
    office.stop()
    yield
    office.stop()


def test_after_libreoffice_crashes_the_next_pdf_is_made(app, fresh_office):
    assert office.render_pdf(a_docx()).pdf.startswith(b"%PDF-")
    crashed = soffice_of(office_processes())
    os.kill(crashed, signal.SIGKILL)
    while Path(f"/proc/{crashed}").exists() and b"zombie" not in _state(crashed):
        time.sleep(0.05)
    again = office.render_pdf(a_docx())
    assert again.pdf.startswith(b"%PDF-")
    assert crashed not in office_processes()


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/status").read_bytes().lower()
    except OSError:
        return b"zombie"


def test_a_hung_libreoffice_is_killed_after_the_timeout(app, fresh_office, monkeypatch):
    assert office.render_pdf(a_docx()).pdf.startswith(b"%PDF-")  # started, warm
    group = office_processes()
    os.kill(soffice_of(group), signal.SIGSTOP)  # hangs, as a stuck conversion does
    monkeypatch.setenv("REPORT_PDF_TIMEOUT_SECONDS", "2")
    outcome: list = []

    def render():
        try:
            office.render_pdf(a_docx())
        except office.OfficeUnavailable as error:
            outcome.append(error.message)

    started = time.monotonic()
    thread = threading.Thread(target=render, daemon=True)
    thread.start()
    thread.join(30)
    took = time.monotonic() - started
    left = _still_running(group)
    for pid in left:  # on failure only: nothing of ours stays stopped
        os.kill(pid, signal.SIGKILL)
    assert not thread.is_alive(), "the hung LibreOffice held the build"
    assert outcome and "LibreOffice svarte ikke og ble stoppet" in outcome[0]
    assert took < 15
    assert left == [], "the hung LibreOffice was left running"


def _still_running(group: list[int]) -> list[int]:
    """The processes of ``group`` not yet dead, given a few seconds: the build kills the whole
    group and waits for its helper, but soffice.bin, a grandchild, is torn down by the kernel
    a moment later (on a busy machine, after the build has already answered)."""
    deadline = time.monotonic() + 10
    while True:
        left = [
            pid for pid in group if Path(f"/proc/{pid}").exists() and b"zombie" not in _state(pid)
        ]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


@pytest.fixture
def app_config(small_disk):
    return {"REPORT_JOBS_DIR": str(small_disk / "rapportbygg"), "REPORT_JOBS_IN_WEB": False}


def _build_through_the_page(client, runner) -> tuple[dict, str, int]:
    index = client.get("/koordinator/rapport/").get_data(as_text=True)
    token = re.search(r'name="midtveis-2025-csrf_token" type="hidden" value="([^"]+)"', index)
    started = client.post(
        "/koordinator/rapport/midtveis-2025",
        data={"midtveis-2025-csrf_token": token.group(1), "midtveis-2025-mode": "draft"},
    )
    job_url = started.headers["Location"]
    began = time.monotonic()
    runner.invoke(args=["report-jobs", "work", "--once"])
    assert time.monotonic() - began < 60  # the coordinator is told within a minute
    status = client.get(job_url + "/status").json
    page = client.get(job_url).get_data(as_text=True)
    return status, page, client.get(job_url + "/docx").status_code


def test_a_full_build_folder_gives_the_docx_and_says_the_disk_is_full(
    seeded, client, login, runner, small_disk, fresh_office
):
    login(UserFactory(role=Role.COORDINATOR, unit=None))
    fill(small_disk)
    status, page, docx_status = _build_through_the_page(client, runner)
    assert status["state"] == "done" and docx_status == 200
    assert "Disken på serveren er full, så PDF-en kunne ikke lages." in page


def test_a_read_only_build_folder_gives_the_docx_and_says_so(
    seeded, client, login, runner, small_disk, fresh_office
):
    login(UserFactory(role=Role.COORDINATOR, unit=None))
    (small_disk / "rapportbygg").mkdir()
    make_read_only(small_disk)
    status, page, docx_status = _build_through_the_page(client, runner)
    assert status["state"] == "done" and docx_status == 200
    assert "skrivebeskyttet" in page
