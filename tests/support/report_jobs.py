"""Report builds in tests: follow one the way the page's script does, or lay a finished one down."""

import time

from tracker.export.jobs import queue_report
from tracker.export.models import DONE, ReportJob
from tracker.extensions import db
from tracker.reporting.models import ReportingRound


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


def a_finished_job(reporting_round: ReportingRound | None = None) -> ReportJob:
    """A build that is done, for routes that only show or hand out its files (committed)."""
    if reporting_round is None:
        from tests.factories import RoundFactory

        reporting_round = RoundFactory(slug="status-2026", title="Status 2026")
    job = queue_report(reporting_round, draft=False, include_changes=False)
    job.state, job.message = DONE, "Rapporten er klar."
    job.docx, job.docx_name = b"PK\x03\x04 docx", f"{reporting_round.slug}.docx"
    job.pdf, job.pdf_name = b"%PDF-1.6 pdf", f"{reporting_round.slug}.pdf"
    db.session.commit()
    return job
