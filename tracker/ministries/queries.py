"""Reads about ministries."""

from sqlalchemy import select

from tracker.extensions import db
from tracker.measures.models import Responsibility
from tracker.ministries.models import Ministry


def all_ministries() -> list[Ministry]:
    return list(
        db.session.scalars(select(Ministry).order_by(Ministry.position, Ministry.abbreviation))
    )


def ministries_with_measures() -> list[Ministry]:
    """The ministries that are responsible for at least one measure, in presentation order."""
    owning = select(Responsibility.ministry_id)
    return list(
        db.session.scalars(
            select(Ministry)
            .where(Ministry.id.in_(owning))
            .order_by(Ministry.position, Ministry.abbreviation)
        )
    )


def get_ministry(abbreviation: str) -> Ministry | None:
    return db.session.scalars(select(Ministry).where(Ministry.abbreviation == abbreviation)).first()
