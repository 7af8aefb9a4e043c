"""Results of a measure beyond its status: milestones, indicators and their values, evidence
attached to a report, and budget lines."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enum_columns import enum_column
from tracker.extensions import Model
from tracker.labelled_enum import LabelledEnum
from tracker.measures.models import Measure
from tracker.text import N_
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.reporting.models import MeasureReport, ReportingRound


class Direction(LabelledEnum):
    """Which way an indicator should move."""

    HIGHER = "higher", N_("Høyere er bedre")
    LOWER = "lower", N_("Lavere er bedre")


class Milestone(Model):
    """A dated step of a measure; done when ``done_on`` is set."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    # The report in which the contact person ticked it off: public once that report is. None
    # for a milestone done by the coordinator or the plan file, public at once.
    done_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure_reports.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")

    measure: Mapped[Measure] = relationship()
    done_report: Mapped["MeasureReport | None"] = relationship()

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due_on < today

    def __repr__(self) -> str:
        return f"<Milestone {self.title!r}>"


class Indicator(Model):
    """A measurable result of a measure, with a baseline and a target."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    # «antall», «prosent», «kroner» …: shown after every value.
    unit: Mapped[str] = mapped_column(String(50), default="")
    direction: Mapped[Direction] = mapped_column(
        enum_column(Direction, "indicator_direction"), default=Direction.HIGHER
    )
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_year: Mapped[int | None] = mapped_column()
    target_value: Mapped[float | None] = mapped_column(Float)
    target_year: Mapped[int | None] = mapped_column()
    source: Mapped[str] = mapped_column(Text, default="")

    measure: Mapped[Measure] = relationship()
    values: Mapped[list["IndicatorValue"]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Indicator {self.name!r}>"


class IndicatorValue(Model):
    """An indicator's value as reported in one round (one per indicator and round)."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator_id", "round_id", name="uq_indicator_values_indicator_round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("reporting_rounds.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("measure_reports.id"), index=True)
    value: Mapped[float] = mapped_column(Float)
    # What the value describes, as the contact person writes it («2025», «1. halvår 2026»).
    period: Mapped[str] = mapped_column(String(50), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    # «Ingen endring»: the last value carried over, not measured again.
    carried: Mapped[bool] = mapped_column(Boolean, default=False)

    indicator: Mapped[Indicator] = relationship(back_populates="values")
    round: Mapped["ReportingRound"] = relationship()
    report: Mapped["MeasureReport"] = relationship()


class Evidence(Model):
    """A file or a link attached to a report as documentation. A file's bytes live in the
    database (bytea / blob) so a backup carries them; they are loaded only when asked for."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(
            "(content IS NOT NULL AND url IS NULL) OR (content IS NULL AND url IS NOT NULL)",
            name="file_or_link",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("measure_reports.id", ondelete="CASCADE"), index=True
    )
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # The name it is stored and served under (random), and the name it was uploaded with.
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    # The type found in the content, never the browser's claim.
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    # The coordinator keeps it off the public pages and open data.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped["MeasureReport"] = relationship()

    @property
    def is_link(self) -> bool:
        return self.url is not None


class BudgetLine(Model):
    """Allocated and spent NOK on a measure in one year, with where the money comes from."""

    __tablename__ = "budget_lines"
    __table_args__ = (UniqueConstraint("measure_id", "year", name="uq_budget_lines_measure_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column()
    allocated: Mapped[int | None] = mapped_column(BigInteger)
    spent: Mapped[int | None] = mapped_column(BigInteger)
    # Chapter/post or the assignment letter (tildelingsbrev).
    source: Mapped[str] = mapped_column(Text, default="")

    measure: Mapped[Measure] = relationship()
