"""Reads about responsible units (ministries, agencies, boroughs)."""

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.measures.models import Measure, Responsibility
from tracker.ministries.models import ResponsibleUnit
from tracker.plan.models import Plan, PlanChange, PlanUnit

# Units a plan does not list (a unit made responsible later) come after the listed ones.
UNLISTED = 2**31 - 1


def all_units() -> list[ResponsibleUnit]:
    """Every unit in the installation, by abbreviation (the administrator's choices)."""
    return list(db.session.scalars(select(ResponsibleUnit).order_by(ResponsibleUnit.abbreviation)))


def units_with_measures(plan: Plan) -> list[ResponsibleUnit]:
    """The units responsible for at least one of the plan's measures, in the plan's order
    (one query)."""
    owning = (
        select(Responsibility.unit_id)
        .join(Measure, Measure.id == Responsibility.measure_id)
        .where(Measure.plan_id == plan.id)
    )
    return list(
        db.session.scalars(
            select(ResponsibleUnit)
            .outerjoin(
                PlanUnit,
                and_(PlanUnit.unit_id == ResponsibleUnit.id, PlanUnit.plan_id == plan.id),
            )
            .where(ResponsibleUnit.id.in_(owning))
            .order_by(func.coalesce(PlanUnit.position, UNLISTED), ResponsibleUnit.abbreviation)
        )
    )


def unit_positions(plan: Plan) -> dict[int, int]:
    """Each listed unit's place in the plan's order, by unit id."""
    return dict(
        db.session.execute(
            select(PlanUnit.unit_id, PlanUnit.position).where(PlanUnit.plan_id == plan.id)
        ).all()
    )


def get_unit(abbreviation: str) -> ResponsibleUnit | None:
    return db.session.scalars(
        select(ResponsibleUnit).where(ResponsibleUnit.abbreviation == abbreviation)
    ).first()


def get_plan_unit(plan: Plan, abbreviation: str) -> ResponsibleUnit | None:
    """The unit, if the plan lists it or it is responsible for one of the plan's measures."""
    in_plan = (
        select(PlanUnit.unit_id)
        .where(PlanUnit.plan_id == plan.id)
        .union(
            select(Responsibility.unit_id)
            .join(Measure, Measure.id == Responsibility.measure_id)
            .where(Measure.plan_id == plan.id)
        )
    )
    return db.session.scalars(
        select(ResponsibleUnit).where(
            ResponsibleUnit.abbreviation == abbreviation, ResponsibleUnit.id.in_(in_plan)
        )
    ).first()


def unit_plans(unit: ResponsibleUnit) -> list[Plan]:
    """The plans the unit takes part in: listed in, or responsible for a measure of (one
    query)."""
    in_plan = (
        select(PlanUnit.plan_id)
        .where(PlanUnit.unit_id == unit.id)
        .union(
            select(Measure.plan_id)
            .join(Responsibility, Responsibility.measure_id == Measure.id)
            .where(Responsibility.unit_id == unit.id)
        )
    )
    return list(db.session.scalars(select(Plan).where(Plan.id.in_(in_plan)).order_by(Plan.id)))


def units_of_plans(plans: list[Plan]) -> list[ResponsibleUnit]:
    """The units taking part in any of ``plans`` and not merged into another, by abbreviation."""
    plan_ids = [plan.id for plan in plans]
    in_plans = (
        select(PlanUnit.unit_id)
        .where(PlanUnit.plan_id.in_(plan_ids))
        .union(
            select(Responsibility.unit_id)
            .join(Measure, Measure.id == Responsibility.measure_id)
            .where(Measure.plan_id.in_(plan_ids))
        )
    )
    return list(
        db.session.scalars(
            select(ResponsibleUnit)
            .where(ResponsibleUnit.id.in_(in_plans), ResponsibleUnit.merged_into_id.is_(None))
            .order_by(ResponsibleUnit.abbreviation)
        )
    )


def measures_of_unit(unit: ResponsibleUnit) -> list[Measure]:
    """The measures the unit is responsible for, in every plan, with their plans (one query)."""
    return list(
        db.session.scalars(
            select(Measure)
            .join(Responsibility, Responsibility.measure_id == Measure.id)
            .where(Responsibility.unit_id == unit.id)
            .options(joinedload(Measure.plan))
            .order_by(Measure.plan_id, Measure.number)
        )
    )


def unit_now(abbreviation: str) -> ResponsibleUnit | None:
    """The unit an abbreviation of the past now is: the one it was merged into, or the one that
    has since been given another abbreviation (and that one's merger, if any). None for an
    abbreviation that never was a unit's, or one that is still in use as it was."""
    unit = get_unit(abbreviation)
    if unit is None:
        unit = _renamed_from(abbreviation)
    seen = set()
    while unit is not None and unit.merged_into_id is not None and unit.id not in seen:
        seen.add(unit.id)
        unit = db.session.get(ResponsibleUnit, unit.merged_into_id)
    return None if unit is None or unit.abbreviation == abbreviation else unit


def _renamed_from(abbreviation: str) -> ResponsibleUnit | None:
    # Renamings are few (a handful a year): reading them all beats a JSON path query that
    # SQLite and PostgreSQL spell differently.
    for details in db.session.scalars(
        select(PlanChange.details)
        .where(PlanChange.action == "unit_renamed")
        .order_by(PlanChange.id.desc())
    ):
        old = (details.get("abbreviation") or {}).get("old")
        if old == abbreviation and details.get("unit_id") is not None:
            return db.session.get(ResponsibleUnit, details["unit_id"])
    return None
