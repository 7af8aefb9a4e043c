from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model, db
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.auth.models import User
    from tracker.ministries.models import ResponsibleUnit

# The written standards a plan's own texts (titles, descriptions, intro) can be in.
PLAN_LANGUAGES = ("nb", "nn")

# Which coordinators coordinate which plans: a coordinator may run rounds, review and publish in
# these plans only. Administrators administer accounts and are coordinators of nothing by role.
plan_coordinators = Table(
    "plan_coordinators",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("plan_id", ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Plan(Model):
    """An action plan: its identity (titles, period, owner, intro) and, through plan_id, its
    areas, measures and reporting rounds. An installation holds any number of them."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("default_language IN ('nb', 'nn')", name="default_language"),
        CheckConstraint("first_year <= last_year", name="period_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # In every public address of the plan (/planer/<slug>/): never changed once published.
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text)  # in the plan's own language (bokmål as a rule)
    title_nn: Mapped[str | None] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    first_year: Mapped[int] = mapped_column()
    last_year: Mapped[int] = mapped_column()
    # Who coordinates and publishes it: on the public pages, the feeds and the report's title
    # page and colophon (e.g. «Arbeids- og inkluderingsdepartementet», «Oslo kommune»).
    owner: Mapped[str] = mapped_column(String(200))
    # The plan's public front page opens with this (narrative format: paragraphs, links).
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_nn: Mapped[str | None] = mapped_column(Text)
    intro_en: Mapped[str | None] = mapped_column(Text)
    # The written standard of the plan's own texts, for the pages' lang attributes and as the
    # language a new narrative starts in.
    default_language: Mapped[str] = mapped_column(String(2), default="nb")
    # Year and month the plan was launched, as its source gives it ("2023-11").
    launched: Mapped[str] = mapped_column(String(20), default="")
    # Where this text departs from the published source as a whole (not one measure's).
    note: Mapped[str] = mapped_column(Text, default="")
    # The report's colophon: an ISBN or ISSN when the owner gives the report one, the licence
    # it is published under, and whom a reader contacts (all printed only when given).
    isbn: Mapped[str | None] = mapped_column(String(20))
    issn: Mapped[str | None] = mapped_column(String(20))
    licence: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    # The plan this one succeeds (a revision every few years; a new plan after the last).
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), index=True)

    predecessor: Mapped["Plan | None"] = relationship(remote_side=[id], back_populates="successors")
    successors: Mapped[list["Plan"]] = relationship(
        back_populates="predecessor", order_by="Plan.first_year"
    )
    units: Mapped[list["PlanUnit"]] = relationship(
        back_populates="plan", order_by="PlanUnit.position", cascade="all, delete-orphan"
    )

    @property
    def period(self) -> str:
        """«2024–2027», or one year when the plan runs for one."""
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    def title_in(self, locale: str) -> str:
        """The title in the page language when the plan has it, else in the plan's own."""
        return self._translated("title", locale)[0]

    def title_language(self, locale: str) -> str:
        """The lang attribute for ``title_in(locale)``."""
        return self._translated("title", locale)[1]

    def intro_in(self, locale: str) -> str:
        return self._translated("intro", locale)[0]

    def intro_language(self, locale: str) -> str:
        return self._translated("intro", locale)[1]

    def _translated(self, field: str, locale: str) -> tuple[str, str]:
        if locale in ("nn", "en") and locale != self.default_language:
            translation = getattr(self, f"{field}_{locale}")
            if translation:
                return translation, locale
        return getattr(self, field), self.default_language

    def __repr__(self) -> str:
        return f"<Plan {self.slug}>"


class PlanUnit(Model):
    """A responsible unit listed in a plan, in the plan's order of presentation (the seed file
    lists the ministries in the order the report names them)."""

    __tablename__ = "plan_units"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("responsible_units.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship(back_populates="units")
    unit: Mapped["ResponsibleUnit"] = relationship()


class PlanChange(Model):
    """One change a coordinator made to a plan's text or to the units (append-only): a measure
    added, edited, moved, given other units or retired; an area added or renamed; a unit renamed,
    merged or split; a plan imported or succeeded. ``details`` holds what it was and became."""

    __tablename__ = "plan_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # None for a unit's reorganisation, which concerns every plan the unit takes part in.
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id"), index=True)
    # The measure's version this change produced (the plan text's version history).
    measure_version: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(30))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    author: Mapped["User | None"] = relationship()
