from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


class Ministry(db.Model):
    """A ministry (departement) that owns measures and whose contact persons report on them."""

    __tablename__ = "ministries"

    id: Mapped[int] = mapped_column(primary_key=True)
    abbreviation: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Order of presentation (the report lists the plan's ministries in a fixed order).
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Ministry {self.abbreviation}>"
