"""Reads about the plans themselves."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.measures.models import Area, Measure, Responsibility
from tracker.plan.models import Plan, PlanChange
from tracker.public.queries import PAGE_SIZE, MeasurePage

# A plan's pages link the plan it succeeds and those succeeding it: loaded with the plan.
_LINKED_PLANS = (joinedload(Plan.predecessor), joinedload(Plan.successors))


def get_plan(slug: str) -> Plan | None:
    """The plan, with the plan it succeeds and those succeeding it (its pages link them)."""
    return (
        db.session.scalars(select(Plan).where(Plan.slug == slug).options(*_LINKED_PLANS))
        .unique()
        .first()
    )


def all_plans() -> list[Plan]:
    """Every plan, newest period first (the order of /planer/)."""
    return list(
        db.session.scalars(
            select(Plan).order_by(Plan.first_year.desc(), Plan.last_year.desc(), Plan.id)
        )
    )


def first_plan() -> Plan | None:
    """The installation's first plan (the lowest id): what the addresses from before there
    were several plans (/tiltak/7, /data/tiltak.json) mean, now and always."""
    return db.session.scalars(select(Plan).order_by(Plan.id).limit(1)).first()


def only_plan() -> Plan | None:
    """The plan, when the installation holds exactly one (one query)."""
    plans = list(
        db.session.scalars(select(Plan).options(*_LINKED_PLANS).order_by(Plan.id).limit(2)).unique()
    )
    return plans[0] if len(plans) == 1 else None


def plan_count() -> int:
    return db.session.scalar(select(func.count(Plan.id))) or 0


def plan_areas(plan: Plan) -> list[Area]:
    """The plan's areas in the plan's order (one query; cached for the request's session)."""
    return list(
        db.session.scalars(
            select(Area).where(Area.plan_id == plan.id).order_by(Area.position, Area.id)
        )
    )


def plan_measures(plan: Plan) -> list[Measure]:
    """Every measure of the plan, retired ones included, with area and units (one query)."""
    return list(
        db.session.scalars(
            select(Measure)
            .where(Measure.plan_id == plan.id)
            .options(
                joinedload(Measure.area),
                joinedload(Measure.responsibilities).joinedload(Responsibility.unit),
            )
            .order_by(Measure.number)
        ).unique()
    )


def plan_measure_page(plan: Plan, number: int, size: int = PAGE_SIZE) -> MeasurePage:
    """Page ``number`` of the plan's measures, retired ones included, with area and units
    (page 1 if there is no such page): two queries, whatever the number of measures (every
    measure of a plan 100 times today's took 1.3 s and 1.8 MB to list)."""
    total = db.session.scalar(select(func.count()).where(Measure.plan_id == plan.id)) or 0
    if (number - 1) * size >= total:
        number = 1
    measures = db.session.scalars(
        select(Measure)
        .where(Measure.plan_id == plan.id)
        .options(
            joinedload(Measure.area),
            selectinload(Measure.responsibilities).joinedload(Responsibility.unit),
        )
        .order_by(Measure.number)
        .limit(size)
        .offset((number - 1) * size)
    )
    return MeasurePage(list(measures), total, number, size)


def editable_measure(plan: Plan, number: int) -> Measure | None:
    return db.session.scalars(
        select(Measure).where(Measure.plan_id == plan.id, Measure.number == number)
    ).first()


def plan_changes(plan: Plan, limit: int = 500) -> list[PlanChange]:
    """The plan's change log, newest first."""
    return list(
        db.session.scalars(
            select(PlanChange)
            .where(PlanChange.plan_id == plan.id)
            .options(joinedload(PlanChange.author))
            .order_by(PlanChange.id.desc())
            .limit(limit)
        )
    )
