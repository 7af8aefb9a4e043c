"""Reads about the plans themselves."""

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.plan.models import Plan


def get_plan(slug: str) -> Plan | None:
    return db.session.scalars(select(Plan).where(Plan.slug == slug)).first()


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
    plans = list(db.session.scalars(select(Plan).order_by(Plan.id).limit(2)))
    return plans[0] if len(plans) == 1 else None


def plan_count() -> int:
    return db.session.scalar(select(func.count(Plan.id))) or 0
