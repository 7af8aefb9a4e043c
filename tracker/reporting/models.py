from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enum_columns import enum_column
from tracker.extensions import Model
from tracker.measures.models import Measure
from tracker.plan.models import Plan
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.auth.models import User


def _narrative_language_column() -> Mapped[str]:
    # The written standard of the narrative (the Language Act's bokmål or nynorsk); the CHECK
    # constraint is declared in each table's __table_args__.
    return mapped_column(String(2), default="nb", server_default="nb")


def _narrative_language_check() -> CheckConstraint:
    return CheckConstraint("narrative_language IN ('nb', 'nn')", name="narrative_language")


class ReportingRound(Model):
    """A reporting round of one plan, e.g. the midterm report as of 1 June 2025.

    Slugs are unique across the installation, not per plan: every link already sent by e-mail
    (/rapportering/<slug>/…) and every open-data file (/data/<slug>/…) names the round alone.
    """

    __tablename__ = "reporting_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    as_of: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    state: Mapped[RoundState] = mapped_column(
        enum_column(RoundState, "round_state"), default=RoundState.OPEN
    )
    intro: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped[Plan] = relationship()
    reports: Mapped[list["MeasureReport"]] = relationship(back_populates="round")

    @property
    def is_published(self) -> bool:
        return self.state == RoundState.PUBLISHED

    def __repr__(self) -> str:
        return f"<ReportingRound {self.slug}>"


class MeasureReport(Model):
    """One measure's status and narrative in one round.

    ``version`` is the optimistic lock: every update must name the version it was based on,
    and SQLAlchemy refuses an UPDATE whose version has moved on in the meantime.
    """

    __tablename__ = "measure_reports"
    __table_args__ = (
        UniqueConstraint("round_id", "measure_id", name="uq_measure_reports_round_measure"),
        _narrative_language_check(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reporting_rounds.id"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"), index=True)
    status: Mapped[Status] = mapped_column(enum_column(Status, "report_status"))
    narrative: Mapped[str] = mapped_column(Text, default="")
    narrative_language: Mapped[str] = _narrative_language_column()
    # The narrative in Northern Sámi (optional); empty: none.
    narrative_se: Mapped[str] = mapped_column(Text, default="", server_default="")
    review_state: Mapped[ReviewState] = mapped_column(
        enum_column(ReviewState, "review_state"), default=ReviewState.DRAFT
    )
    review_comment: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The responsible units as they were named when the report was made ([abbreviation, name],
    # lead first), kept when a reorganisation renames, merges or splits them; None: the
    # measure's units as they are now (nothing has been reorganised since).
    unit_names: Mapped[list | None] = mapped_column(JSON)

    round: Mapped[ReportingRound] = relationship(back_populates="reports")
    measure: Mapped[Measure] = relationship()
    updated_by: Mapped["User | None"] = relationship()
    revisions: Mapped[list["ReportRevision"]] = relationship(
        back_populates="report", order_by="ReportRevision.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def units_then(self) -> list[tuple[str, str]]:
        """(abbreviation, name) of the responsible units when the report was made, lead first."""
        if self.unit_names is not None:
            return [(abbreviation, name) for abbreviation, name in self.unit_names]
        return [(unit.abbreviation, unit.name) for unit in self.measure.units]

    def __repr__(self) -> str:
        return f"<MeasureReport round={self.round_id} measure={self.measure_id} v{self.version}>"


class ReportRevision(Model):
    """One change to a report: who, when, what it was and what it became. Append-only."""

    __tablename__ = "report_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("measure_reports.id"), index=True)
    # The report's version this change produced.
    version: Mapped[int] = mapped_column()
    # What happened: seeded, saved, submitted, returned, approved, reopened.
    action: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the seed loader
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    old_status: Mapped[Status | None] = mapped_column(enum_column(Status, "revision_old_status"))
    new_status: Mapped[Status] = mapped_column(enum_column(Status, "revision_new_status"))
    old_narrative: Mapped[str | None] = mapped_column(Text)
    new_narrative: Mapped[str] = mapped_column(Text)
    # The language of new_narrative.
    narrative_language: Mapped[str] = _narrative_language_column()
    # The Northern Sámi narrative this change produced.
    new_narrative_se: Mapped[str] = mapped_column(Text, default="", server_default="")
    old_review_state: Mapped[ReviewState | None] = mapped_column(
        enum_column(ReviewState, "revision_old_review_state")
    )
    new_review_state: Mapped[ReviewState] = mapped_column(
        enum_column(ReviewState, "revision_new_review_state")
    )
    comment: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[MeasureReport] = relationship(back_populates="revisions")
    author: Mapped["User | None"] = relationship()

    __table_args__ = (
        UniqueConstraint("report_id", "version", name="uq_report_revisions_report_version"),
        _narrative_language_check(),
    )
