"""Report builds as rows: what was asked for, how far the build is, and the finished files.

The database is the one store every instance shares, so a build started through one machine
is followed and downloaded through any other. The row is a work-queue row
(tracker/work_queue.py): a worker claims it, renews the claim while it builds, and a build
whose claim runs out was abandoned (its worker died) and is failed, saying so.
"""

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from tracker.extensions import Model
from tracker.timeutil import utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
JOB_STATES = (QUEUED, RUNNING, DONE, FAILED)


class ReportJob(Model):
    __tablename__ = "report_jobs"
    __table_args__ = (
        CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name="report_job_state"
        ),
        # The worker's scan: queued rows in order; the sweep: running rows whose claim ran out.
        Index("ix_report_jobs_state_claimed_until", "state", "claimed_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the page's URL names: unguessable, so one job's address tells nothing of another's.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("reporting_rounds.id", ondelete="CASCADE"), index=True
    )
    round_slug: Mapped[str] = mapped_column(String(100))
    round_title: Mapped[str] = mapped_column(String(300))
    draft: Mapped[bool] = mapped_column(Boolean, default=False)
    include_changes: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(2), default="nb")  # the frame's: nb or nn
    # "statusrapport" or "sluttrapport" (midterm.REPORT_KINDS)
    kind: Mapped[str] = mapped_column(
        String(16), default="statusrapport", server_default="statusrapport"
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    message: Mapped[str] = mapped_column(Text, default="")  # bokmål msgid, shown through gettext
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claim_token: Mapped[str | None] = mapped_column(String(40))
    worker: Mapped[str] = mapped_column(String(200), default="")  # host:pid, for the admin
    docx_name: Mapped[str | None] = mapped_column(String(200))
    pdf_name: Mapped[str | None] = mapped_column(String(200))
    pdf_missing_reason: Mapped[str | None] = mapped_column(Text)
    # The files themselves: loaded only by the download that hands them out.
    docx: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    @property
    def running(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    @property
    def claim_lapsed(self) -> bool:
        """A running build whose worker stopped renewing its claim: it died mid-build."""
        if self.state != RUNNING or self.claimed_until is None:
            return False
        until = self.claimed_until
        # SQLite hands back naive datetimes; every time written here is UTC.
        return (until if until.tzinfo else until.replace(tzinfo=UTC)) < utcnow()

    def __repr__(self) -> str:
        return f"<ReportJob {self.public_id} {self.round_slug} {self.state}>"
