"""Report builds as a work queue in the database, so any instance answers for any build.

The page *queues* a build (a ``report_jobs`` row, in the request's unit of work); a worker
*claims* it the way the outbox's senders claim mail (tracker/work_queue.py), collects the data,
builds the chart, the DOCX and the PDF, and stores the files in the row. Every instance reads
the row: the page's polling and the downloads work whichever machine answers.

Who builds: each web instance runs a thread that builds what is queued, started when a build
is queued (REPORT_JOBS_IN_WEB, the default), and/or ``flask report-jobs work`` on any machine
(a systemd unit in docs/report.md). Either way, the claim is renewed by a heartbeat while the
build runs, so a worker that dies (a restart, a kill, a crash) leaves a claim that runs out
within REPORT_JOB_CLAIM_SECONDS: the build is then failed, saying so, instead of «running» for
a quarter of an hour.
"""

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select, update

from tracker.export.midterm import FINAL_REPORT, IntroductionMissing, build, collect
from tracker.export.models import DONE, FAILED, QUEUED, RUNNING, ReportJob
from tracker.extensions import db
from tracker.reporting.models import ReportingRound
from tracker.text import N_
from tracker.timeutil import utcnow
from tracker.transactions import transaction
from tracker.work_queue import Claim, WorkQueue, write_claimed

log = logging.getLogger(__name__)

KEEP = timedelta(days=1)  # finished reports stay downloadable for a day
QUEUED_MESSAGE = N_("Rapporten er i kø …")
DONE_MESSAGE = N_("Rapporten er klar.")
FAILED_MESSAGE = N_("Rapporten kunne ikke lages. Prøv igjen, eller meld fra om feilen.")
INTRODUCTION_GONE = N_(
    "Den endelige rapporten ble ikke laget: runden har ingen innledning lenger. Skriv "
    "innledningen på rapportsiden, eller lag et utkast."
)
ABANDONED_MESSAGE = N_(
    "Rapporten ble ikke ferdig fordi prosessen som lagde den, stoppet. Prøv igjen."
)


def _queued(now):
    return ReportJob.state == QUEUED


REPORT_QUEUE = WorkQueue(ReportJob, ready=_queued)


# --- Writes (flush only) ----------------------------------------------------------------------


def queue_report(
    reporting_round: ReportingRound,
    *,
    draft: bool,
    include_changes: bool,
    language: str = "nb",
    kind: str = "statusrapport",
    user=None,
) -> ReportJob:
    """A build waiting for a worker. Flushes; the caller's unit of work commits it."""
    job = ReportJob(
        public_id=uuid.uuid4().hex,
        round_id=reporting_round.id,
        round_slug=reporting_round.slug,
        round_title=reporting_round.title,
        draft=draft,
        include_changes=include_changes,
        language=language,
        kind=kind,
        requested_by_id=user.id if user is not None else None,
        state=QUEUED,
        message=QUEUED_MESSAGE,
        worker="",
    )
    db.session.add(job)
    db.session.flush()
    return job


def fail_abandoned() -> int:
    """Fail every build whose worker stopped renewing its claim. Flushes only."""
    now = utcnow()
    result = db.session.execute(
        update(ReportJob)
        .where(ReportJob.state == RUNNING, ReportJob.claimed_until < now)
        .values(
            state=FAILED,
            message=ABANDONED_MESSAGE,
            finished_at=now,
            claimed_until=None,
            claim_token=None,
        )
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) or 0


def remove_old() -> None:
    """Forget builds (and their files) older than a day. Flushes only."""
    db.session.execute(delete(ReportJob).where(ReportJob.created_at < utcnow() - KEEP))


# --- Reads ------------------------------------------------------------------------------------


def get_job(public_id: str) -> ReportJob | None:
    """The build, as the page shows it: one whose worker died reads as failed at once, whether
    or not a worker has written that down yet."""
    if not public_id or len(public_id) != 32:
        return None
    job = db.session.scalar(select(ReportJob).where(ReportJob.public_id == public_id))
    if job is not None and job.claim_lapsed:
        db.session.expunge(job)  # shown as failed, never written back from here
        job.state, job.message = FAILED, ABANDONED_MESSAGE
    return job


def job_file(job: ReportJob, kind: str) -> tuple[bytes, str] | None:
    """The finished file of a kind ("docx" or "pdf") and its download name."""
    if job.state != DONE or kind not in ("docx", "pdf"):
        return None
    name = job.docx_name if kind == "docx" else job.pdf_name
    column = ReportJob.docx if kind == "docx" else ReportJob.pdf
    content = db.session.scalar(select(column).where(ReportJob.id == job.id))
    return (content, name) if name and content is not None else None


# --- The worker -------------------------------------------------------------------------------


@dataclass
class WorkOutcome:
    done: int = 0
    failed: int = 0
    abandoned: int = 0  # other workers' builds found dead and failed


def work_queued(stopping: Callable[[], bool] = lambda: False) -> WorkOutcome:
    """Build every queued report, one at a time, until none is left or ``stopping()`` says so
    (checked between builds). Needs an app context."""
    outcome = WorkOutcome()
    with transaction():
        outcome.abandoned = fail_abandoned()
        remove_old()
    lease = timedelta(seconds=current_app.config["REPORT_JOB_CLAIM_SECONDS"])
    while not stopping():
        claim = REPORT_QUEUE.claim(1, lease)
        if not claim.ids:
            return outcome
        with REPORT_QUEUE.heartbeat(db.engine, claim):
            if _build_claimed(claim.ids[0], claim):
                outcome.done += 1
            else:
                outcome.failed += 1
    return outcome


def _build_claimed(job_id: int, claim: Claim) -> bool:
    token = claim.token

    def write(**values) -> bool:
        if not claim.holds(job_id):
            return False  # the claim ran out: the build was failed as abandoned
        with transaction() as session:
            return write_claimed(session, ReportJob, job_id, token, **values)

    def progress(message: str) -> None:
        write(message=message)

    with transaction() as session:
        job = session.get(ReportJob, job_id)
        if job is None:
            return False
        write_claimed(
            session,
            ReportJob,
            job_id,
            token,
            state=RUNNING,
            started_at=utcnow(),
            attempts=job.attempts + 1,
            worker=f"{socket.gethostname()}:{os.getpid()}"[:200],
            message=N_("Henter innholdet …"),
        )
        reporting_round = session.get(ReportingRound, job.round_id)
        draft, include_changes, language = job.draft, job.include_changes, job.language
        final = job.kind == FINAL_REPORT
        if reporting_round is None:
            return False
        try:
            data = collect(
                reporting_round, draft=draft, include_changes=include_changes, language=language
            )
            data = replace(data, final=final)
        except IntroductionMissing:
            # The introduction was emptied after the build was asked for (the page checks).
            data = None
    if data is None:
        return write(state=FAILED, message=INTRODUCTION_GONE, finished_at=utcnow())
    try:
        report = build(data, progress=progress, scratch=current_app.config["REPORT_JOBS_DIR"])
    except Exception:  # noqa: BLE001 - the page must say it failed, not wait forever
        log.exception("Report job %s for %s failed", job_id, data.round_slug)
        write(
            state=FAILED,
            message=FAILED_MESSAGE,
            finished_at=utcnow(),
            claimed_until=None,
            claim_token=None,
        )
        return False
    return write(
        state=DONE,
        message=DONE_MESSAGE,
        finished_at=utcnow(),
        docx=report.content,
        docx_name=report.filename,
        pdf=report.pdf,
        pdf_name=report.pdf_filename if report.pdf is not None else None,
        pdf_missing_reason=report.pdf_missing_reason,
        claimed_until=None,
        claim_token=None,
    )


# --- The web instances' own builder -----------------------------------------------------------

_web_builder_lock = threading.Lock()
_web_builder_wanted = threading.Event()


def build_in_background(app: Flask) -> None:
    """Make sure this process has a thread building what is queued (REPORT_JOBS_IN_WEB).

    One thread per process at most: a second call while it works only asks it to look again
    before it stops, so a build queued meanwhile is never left behind."""
    if not app.config["REPORT_JOBS_IN_WEB"]:
        return
    _web_builder_wanted.set()
    if not _web_builder_lock.acquire(blocking=False):
        return  # the running thread sees the event before it stops
    threading.Thread(target=_web_builder, args=(app,), name="report-builder", daemon=True).start()


def _web_builder(app: Flask) -> None:
    try:
        while _web_builder_wanted.is_set():
            _web_builder_wanted.clear()
            with app.app_context():
                try:
                    work_queued()
                except Exception:  # noqa: BLE001 - a later build starts the thread again
                    log.exception("The report builder stopped")
                finally:
                    db.session.remove()
    finally:
        _web_builder_lock.release()
        if _web_builder_wanted.is_set():  # asked for between the last look and the release
            build_in_background(app)
