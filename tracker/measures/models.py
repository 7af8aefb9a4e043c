from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.ministries.models import Ministry


class Area(db.Model):
    """One of the plan's five areas (hovedområder), e.g. Arbeidsliv."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    measures: Mapped[list["Measure"]] = relationship(
        back_populates="area", order_by="Measure.number"
    )

    def __repr__(self) -> str:
        return f"<Area {self.key}>"


class Measure(db.Model):
    """A measure (tiltak) of the plan, with the plan's own text."""

    __tablename__ = "measures"
    __table_args__ = (CheckConstraint("number > 0", name="number_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    # How the seed reconciled the source's contradictions for this measure; empty if none.
    note: Mapped[str] = mapped_column(Text, default="")

    area: Mapped[Area] = relationship(back_populates="measures")
    responsibilities: Mapped[list["Responsibility"]] = relationship(
        back_populates="measure",
        order_by="Responsibility.position",
        cascade="all, delete-orphan",
    )

    @property
    def ministries(self) -> list[Ministry]:
        """Responsible ministries, lead first."""
        return [r.ministry for r in self.responsibilities]

    @property
    def lead_ministry(self) -> Ministry:
        return self.responsibilities[0].ministry

    def __repr__(self) -> str:
        return f"<Measure {self.number}>"


class Responsibility(db.Model):
    """A ministry's responsibility for a measure. Position 0 is the lead ministry.

    The unique position per measure means there is never more than one lead; the seed
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
    ministry_id: Mapped[int] = mapped_column(
        ForeignKey("ministries.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column()

    measure: Mapped[Measure] = relationship(back_populates="responsibilities")
    ministry: Mapped[Ministry] = relationship()

    @property
    def is_lead(self) -> bool:
        return self.position == 0
