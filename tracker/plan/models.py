from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


class Plan(db.Model):
    """The action plan itself, as the seed file describes it. There is exactly one."""

    __tablename__ = "plans"
    __table_args__ = (CheckConstraint("id = 1", name="single_plan"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    title: Mapped[str] = mapped_column(Text)
    period: Mapped[str] = mapped_column(String(50), default="")
    # Year and month the government launched the plan, as the seed gives it ("2023-11").
    launched: Mapped[str] = mapped_column(String(20), default="")
    # Where this text departs from the published source as a whole (not one measure's).
    note: Mapped[str] = mapped_column(Text, default="")
