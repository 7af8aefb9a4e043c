"""Report builds as background jobs: a thread per build, a folder per job, polled by the page.

Collecting the data happens in the request (quick, needs the database); the thread only builds
(chart, DOCX, LibreOffice), which needs no database. Each job's state is a small JSON file in
its own folder, written atomically, so any worker can answer the page's polling and serve the
finished files, whichever worker built them. No new infrastructure: files and a thread.
"""

import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from tracker.export.midterm import ExportedReport, build
from tracker.export.report_data import ReportData
from tracker.text import N_

log = logging.getLogger(__name__)

JOB_ID = re.compile(r"^[0-9a-f]{32}$")
# Unpublished drafts and their changes: readable by the app's own user only, whatever the umask.
PRIVATE_DIRECTORY, PRIVATE_FILE = 0o700, 0o600
KEEP_SECONDS = 24 * 3600  # finished reports stay downloadable for a day
# A job whose thread died with its worker (restart, crash) never finishes; after this it says so.
STALE_SECONDS = 15 * 60


@dataclass
class JobState:
    id: str
    round_slug: str
    round_title: str
    draft: bool
    state: str  # running, done or failed
    message: str  # what the page shows, in Norwegian
    started: float
    finished: float | None = None
    docx_name: str | None = None
    pdf_name: str | None = None
    pdf_missing_reason: str | None = None

    @property
    def running(self) -> bool:
        return self.state == "running"


class ReportJobs:
    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)

    def start(self, data: ReportData) -> JobState:
        self.directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
        os.chmod(self.directory, PRIVATE_DIRECTORY)  # also one made before this rule
        self._remove_old()
        job = JobState(
            id=uuid.uuid4().hex,
            round_slug=data.round_slug,
            round_title=data.round_title,
            draft=data.draft,
            state="running",
            message=N_("Rapporten er i kø …"),
            started=time.time(),
        )
        (self.directory / job.id).mkdir(mode=PRIVATE_DIRECTORY)
        self._save(job)
        threading.Thread(target=self._run, args=(job, data), daemon=True).start()
        return job

    def get(self, job_id: str) -> JobState | None:
        if not JOB_ID.match(job_id or ""):
            return None
        try:
            values = json.loads((self.directory / job_id / "state.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        job = JobState(**values)
        if job.running and time.time() - job.started > STALE_SECONDS:
            job.state = "failed"
            job.message = N_("Rapporten ble ikke ferdig. Prøv igjen.")
        return job

    def file(self, job: JobState, kind: str) -> tuple[Path, str] | None:
        """The finished file of a kind ("docx" or "pdf") and its download name."""
        name = {"docx": job.docx_name, "pdf": job.pdf_name}.get(kind)
        path = self.directory / job.id / f"rapport.{kind}"
        return (path, name) if name and path.is_file() else None

    def _run(self, job: JobState, data: ReportData) -> None:
        def progress(message: str) -> None:
            job.message = message
            self._save(job)

        try:
            report = build(data, progress=progress)
            self._finish(job, report)
        except Exception:  # noqa: BLE001 - the page must say it failed, not wait forever
            log.exception("Report job %s for %s failed", job.id, job.round_slug)
            job.state, job.finished = "failed", time.time()
            job.message = N_("Rapporten kunne ikke lages. Prøv igjen, eller meld fra om feilen.")
            self._save(job)

    def _finish(self, job: JobState, report: ExportedReport) -> None:
        folder = self.directory / job.id
        _write(folder / "rapport.docx", report.content)
        job.docx_name = report.filename
        if report.pdf is not None:
            _write(folder / "rapport.pdf", report.pdf)
            job.pdf_name = report.pdf_filename
        job.pdf_missing_reason = report.pdf_missing_reason
        job.state, job.finished = "done", time.time()
        job.message = N_("Rapporten er klar.")
        self._save(job)

    def _save(self, job: JobState) -> None:
        _write(self.directory / job.id / "state.json", json.dumps(asdict(job)).encode("utf-8"))

    def _remove_old(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for folder in self.directory.iterdir():
            try:
                if (
                    folder.is_dir()
                    and JOB_ID.match(folder.name)
                    and folder.stat().st_mtime < cutoff
                ):
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue  # another worker removed it first


def _write(path: Path, content: bytes) -> None:
    """Write beside and rename: a reader never sees half a file; nobody but us reads it."""
    partial = path.with_name(path.name + f".{os.getpid()}.{threading.get_ident()}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    os.replace(partial, path)
