from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.ministries.models import ResponsibleUnit
from tracker.plan.models import Plan


class Area(Model):
    """One of a plan's areas (hovedområder), e.g. Arbeidsliv."""

    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_areas_plan_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    key: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship()
    measures: Mapped[list["Measure"]] = relationship(
        back_populates="area", order_by="Measure.number"
    )

    def __repr__(self) -> str:
        return f"<Area {self.key}>"


class Measure(Model):
    """A measure (tiltak) of a plan, with the plan's own text. Its area is in the same plan
    (the loader and the factories guarantee it)."""

    __tablename__ = "measures"
    __table_args__ = (
        CheckConstraint("number > 0", name="number_positive"),
        UniqueConstraint("plan_id", "number", name="uq_measures_plan_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column()
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    # The public summary (description) in Northern Sámi; empty: none.
    summary_se: Mapped[str] = mapped_column(Text, default="", server_default="")
    # How the seed reconciled the source's contradictions for this measure; empty if none.
    note: Mapped[str] = mapped_column(Text, default="")
    # Ended or taken out of the plan on this day: kept with its history, never reported on in
    # a round as of a later date, and never counted as «ikke rapportert».
    retired_on: Mapped[date | None] = mapped_column(Date)
    retired_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The measure of a predecessor plan this one carries on (a successor plan's link back).
    continues_measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id"))
    # The optimistic lock of the plan text: an edit names the version it was based on, and
    # SQLAlchemy refuses an UPDATE whose version has moved on (two coordinators at once).
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # When a coordinator last changed the plan's text of this measure (title, description,
    # area, units); None while it stands as the plan was made. Shown on the public page.
    text_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped[Plan] = relationship()
    area: Mapped[Area] = relationship(back_populates="measures")
    responsibilities: Mapped[list["Responsibility"]] = relationship(
        back_populates="measure",
        order_by="Responsibility.position",
        cascade="all, delete-orphan",
    )
    continues: Mapped["Measure | None"] = relationship(
        remote_side=[id], back_populates="continued_by"
    )
    # The measures of successor plans that carry this one on.
    continued_by: Mapped[list["Measure"]] = relationship(
        back_populates="continues", order_by="Measure.plan_id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def units(self) -> list[ResponsibleUnit]:
        """Responsible units, lead first."""
        return [r.unit for r in self.responsibilities]

    @property
    def lead_unit(self) -> ResponsibleUnit:
        return self.responsibilities[0].unit

    def is_retired(self, on: date | None = None) -> bool:
        """Retired at all (``on`` None), or by the day ``on``."""
        return self.retired_on is not None and (on is None or self.retired_on <= on)

    def __repr__(self) -> str:
        return f"<Measure {self.number}>"


class Responsibility(Model):
    """A unit's responsibility for a measure. Position 0 is the lead unit.

    The unique position per measure means there is never more than one lead; the plan
    validation and the loader guarantee there is always one.
    """

    __tablename__ = "responsibilities"
    __table_args__ = (
        UniqueConstraint("measure_id", "position", name="uq_responsibilities_measure_position"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("responsible_units.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column()

    measure: Mapped[Measure] = relationship(back_populates="responsibilities")
    unit: Mapped[ResponsibleUnit] = relationship()

    @property
    def is_lead(self) -> bool:
        return self.position == 0
