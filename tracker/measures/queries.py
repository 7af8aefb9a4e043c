"""Reads about a plan's own text: areas, measures and who is responsible for them. Every
function takes the plan first: areas and measure numbers mean something only within one."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.measures.models import Area, Measure, Responsibility
from tracker.plan.models import Plan


def _with_responsibilities():
    return selectinload(Measure.responsibilities).joinedload(Responsibility.unit)


def areas_with_measures(plan: Plan) -> list[Area]:
    """The plan's areas in order, each with its measures and their units (three queries)."""
    return list(
        db.session.scalars(
            select(Area)
            .where(Area.plan_id == plan.id)
            .order_by(Area.position)
            .options(selectinload(Area.measures).options(_with_responsibilities()))
        )
    )


def all_measures(plan: Plan) -> list[Measure]:
    """Every measure of the plan by number, with its area and units loaded."""
    return list(
        db.session.scalars(
            select(Measure)
            .where(Measure.plan_id == plan.id)
            .order_by(Measure.number)
            .options(selectinload(Measure.area), _with_responsibilities())
        )
    )


def get_measure(plan: Plan, number: int) -> Measure | None:
    return db.session.scalars(
        select(Measure)
        .where(Measure.plan_id == plan.id, Measure.number == number)
        .options(selectinload(Measure.area), _with_responsibilities())
    ).first()


def all_areas(plan: Plan) -> list[Area]:
    """The plan's areas in order, without their measures."""
    return list(
        db.session.scalars(select(Area).where(Area.plan_id == plan.id).order_by(Area.position))
    )


def measure_counts_by_area(plan: Plan) -> dict[int, int]:
    """How many measures each of the plan's areas has, by area id (one query)."""
    rows = db.session.execute(
        select(Measure.area_id, func.count(Measure.id))
        .where(Measure.plan_id == plan.id)
        .group_by(Measure.area_id)
    )
    return {area_id: count for area_id, count in rows}


def measure_counts(plan: Plan) -> tuple[int, int]:
    """How many measures the plan has, and how many of them are retired (one query)."""
    total, retired = db.session.execute(
        select(func.count(Measure.id), func.count(Measure.retired_on)).where(
            Measure.plan_id == plan.id
        )
    ).one()
    return total, retired
