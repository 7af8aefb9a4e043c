"""Report builds in tests: follow one the way the page's script does, or lay a finished one down."""

import time
import uuid

from flask import current_app

from tracker.export.jobs import JobState, ReportJobs
from tracker.export.midterm import ExportedReport


def finished_docx(client, started, timeout: float = 180) -> bytes:
    """Poll a build started by the form (a 303 to its page) until it is done; its DOCX."""
    assert started.status_code == 303, started.status_code
    job_url = started.headers["Location"]
    deadline = time.monotonic() + timeout
    while (state := client.get(job_url + "/status").json["state"]) == "running":
        assert time.monotonic() < deadline, "the report was not built in time"
        time.sleep(0.2)
    assert state == "done", state
    response = client.get(job_url + "/docx")
    assert response.status_code == 200
    return response.data


def a_finished_job(slug: str = "status-2026") -> JobState:
    """A build that is done, for routes that only show or hand out its files."""
    jobs = ReportJobs(current_app.config["REPORT_JOBS_DIR"])
    job = JobState(
        id=uuid.uuid4().hex,
        round_slug=slug,
        round_title="Status 2026",
        draft=False,
        state="running",
        message="",
        started=time.time(),
    )
    (jobs.directory / job.id).mkdir(parents=True)
    jobs._finish(
        job,
        ExportedReport(
            content=b"PK\x03\x04 docx",
            filename=f"{slug}.docx",
            chart_included=False,
            pdf=b"%PDF-1.6 pdf",
        ),
    )
    return job
