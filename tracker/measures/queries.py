"""Reads about the plan itself: areas, measures and who is responsible for them."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.measures.models import Area, Measure, Responsibility


def _with_responsibilities():
    return selectinload(Measure.responsibilities).joinedload(Responsibility.ministry)


def areas_with_measures() -> list[Area]:
    """The areas in plan order, each with its measures and their ministries (three queries)."""
    return list(
        db.session.scalars(
            select(Area)
            .order_by(Area.position)
            .options(selectinload(Area.measures).options(_with_responsibilities()))
        )
    )


def all_measures() -> list[Measure]:
    """Every measure by number, with its area and ministries loaded."""
    return list(
        db.session.scalars(
            select(Measure)
            .order_by(Measure.number)
            .options(selectinload(Measure.area), _with_responsibilities())
        )
    )


def get_measure(number: int) -> Measure | None:
    return db.session.scalars(
        select(Measure)
        .where(Measure.number == number)
        .options(selectinload(Measure.area), _with_responsibilities())
    ).first()


def all_areas() -> list[Area]:
    """The areas in plan order, without their measures."""
    return list(db.session.scalars(select(Area).order_by(Area.position)))
