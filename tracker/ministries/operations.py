"""Reorganisations of responsible units, as verbs: rename one, merge two into one, split one.
Each flushes and never commits, and appends a PlanChange for every plan the units take part in.

A report made before a reorganisation keeps the names its units had then: before anything is
renamed or moved, the reports of closed and published rounds that name the units get their
names written on them (``MeasureReport.unit_names``). Nothing is deleted: a merged unit keeps
its row (``merged_into_id``), and its contact persons report for the unit it became part of.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from tracker.auth.models import User
from tracker.extensions import db
from tracker.measures.models import Measure, Responsibility
from tracker.ministries.models import ResponsibleUnit, UnitKind
from tracker.ministries.queries import get_unit, unit_plans
from tracker.plan.models import Plan, PlanUnit
from tracker.plan.operations import PlanEditError, record_change
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.states import RoundState


def rename_unit(unit: ResponsibleUnit, abbreviation: str, name: str, author) -> bool:
    """A new name (and abbreviation, if it changed too) for the unit in every plan."""
    if (unit.abbreviation, unit.name) == (abbreviation, name):
        return False
    _check_new_abbreviation(abbreviation, unit)
    plans = unit_plans(unit)
    keep_names_on_reports([unit])
    before = {"abbreviation": unit.abbreviation, "name": unit.name}
    unit.abbreviation, unit.name = abbreviation, name
    db.session.flush()
    details: dict = {
        key: {"old": before[key], "new": value}
        for key, value in (("abbreviation", abbreviation), ("name", name))
        if before[key] != value
    }
    details["unit_id"] = unit.id  # so the old abbreviation's address can find the unit
    _record(plans, "unit_renamed", author, details)
    return True


def merge_units(absorbed: ResponsibleUnit, into: ResponsibleUnit, author) -> None:
    """``absorbed`` becomes part of ``into``: its measures, its place in each plan's list of
    units and its contact persons go to ``into``; its row stays for the reports made under it."""
    if absorbed.id == into.id:
        raise PlanEditError(_l("Velg en annen enhet å slå sammen med."), field="into")
    if absorbed.merged_into_id is not None or into.merged_into_id is not None:
        raise PlanEditError(
            _l("En enhet som alt er slått sammen med en annen, kan ikke slås sammen igjen."),
            field="into",
        )
    plans = {plan.id: plan for plan in unit_plans(absorbed) + unit_plans(into)}
    keep_names_on_reports([absorbed, into])
    for measure in _measures_of(absorbed):
        units = [into if unit.id == absorbed.id else unit for unit in measure.units]
        _set_units(measure, list(dict.fromkeys(units)))  # into once, at the first place
    for plan in plans.values():
        _list_instead(plan, absorbed, into)
    db.session.execute(update(User).where(User.unit_id == absorbed.id).values(unit_id=into.id))
    absorbed.merged_into_id = into.id
    db.session.flush()
    _record(
        list(plans.values()),
        "units_merged",
        author,
        {
            "merged": f"{absorbed.abbreviation} ({absorbed.name})",
            "into": f"{into.abbreviation} ({into.name})",
        },
    )


def split_unit(
    unit: ResponsibleUnit,
    abbreviation: str,
    name: str,
    kind: UnitKind,
    measures: list[Measure],
    author,
) -> ResponsibleUnit:
    """A new unit takes over ``measures`` from ``unit`` (at the same place among each
    measure's units); the rest stay with ``unit``, and so do its contact persons."""
    _check_new_abbreviation(abbreviation, None)
    if not measures:
        raise PlanEditError(
            _l("Velg minst ett tiltak den nye enheten skal ta over."), field="measures"
        )
    if any(unit.id not in {u.id for u in measure.units} for measure in measures):
        raise PlanEditError(_l("Enheten er ikke ansvarlig for alle tiltakene du valgte."))
    keep_names_on_reports([unit])
    new_unit = ResponsibleUnit(abbreviation=abbreviation, name=name, kind=kind)
    db.session.add(new_unit)
    db.session.flush()
    plans: dict[int, Plan] = {}
    for measure in measures:
        _set_units(measure, [new_unit if u.id == unit.id else u for u in measure.units])
        plans[measure.plan_id] = measure.plan
    for plan in plans.values():
        _list_after(plan, unit, new_unit)
    db.session.flush()
    _record(
        list(plans.values()),
        "unit_split",
        author,
        {
            "from": f"{unit.abbreviation} ({unit.name})",
            "new": f"{abbreviation} ({name})",
            "measures": [measure.number for measure in measures],
        },
    )
    return new_unit


def keep_names_on_reports(units: list[ResponsibleUnit]) -> int:
    """Write the units' current names on every report of a closed or published round that
    names them and has no names of its own yet; how many reports got them."""
    unit_ids = [unit.id for unit in units]
    reports = db.session.scalars(
        select(MeasureReport)
        .join(ReportingRound, ReportingRound.id == MeasureReport.round_id)
        .where(
            ReportingRound.state != RoundState.OPEN,
            MeasureReport.unit_names.is_(None),
            MeasureReport.measure_id.in_(
                select(Responsibility.measure_id).where(Responsibility.unit_id.in_(unit_ids))
            ),
        )
    ).all()
    for report in reports:
        report.unit_names = [[unit.abbreviation, unit.name] for unit in report.measure.units]
    db.session.flush()
    return len(reports)


def _check_new_abbreviation(abbreviation: str, unit: ResponsibleUnit | None) -> None:
    if not abbreviation or len(abbreviation) > 20 or not abbreviation.replace("-", "").isalnum():
        raise PlanEditError(
            _l("Forkortelsen kan ha høyst 20 bokstaver, tall og bindestreker."),
            field="abbreviation",
        )
    existing = get_unit(abbreviation)
    if existing is not None and (unit is None or existing.id != unit.id):
        raise PlanEditError(
            _l(
                "Forkortelsen «%(abbreviation)s» er allerede brukt av %(name)s.",
                abbreviation=abbreviation,
                name=existing.name,
            ),
            field="abbreviation",
        )


def _measures_of(unit: ResponsibleUnit) -> list[Measure]:
    return list(
        db.session.scalars(
            select(Measure)
            .join(Responsibility, Responsibility.measure_id == Measure.id)
            .where(Responsibility.unit_id == unit.id)
            .order_by(Measure.plan_id, Measure.number)
        )
    )


def _set_units(measure: Measure, units: list[ResponsibleUnit]) -> None:
    measure.responsibilities = []
    db.session.flush()  # the old positions go before the new ones take them
    measure.responsibilities = [
        Responsibility(unit=unit, position=position) for position, unit in enumerate(units)
    ]
    db.session.flush()


def _list_instead(plan: Plan, absorbed: ResponsibleUnit, into: ResponsibleUnit) -> None:
    """In the plan's list of units, ``into`` takes ``absorbed``'s place (unless listed)."""
    rows = {row.unit_id: row for row in plan.units}
    old = rows.get(absorbed.id)
    if old is None:
        return
    position = old.position
    plan.units.remove(old)
    db.session.flush()
    if into.id not in rows:
        plan.units.append(PlanUnit(unit=into, position=position))


def _list_after(plan: Plan, unit: ResponsibleUnit, new_unit: ResponsibleUnit) -> None:
    """The new unit comes right after the one it split from in the plan's list."""
    rows = sorted(plan.units, key=lambda row: row.position)
    place = next((row.position for row in rows if row.unit_id == unit.id), None)
    if place is None:
        place = rows[-1].position if rows else -1
    for row in rows:
        if row.position > place:
            row.position += 1
    plan.units.append(PlanUnit(unit=new_unit, position=place + 1))


def _record(plans: list[Plan], action: str, author, details: dict) -> None:
    targets: list[Plan | None] = list(plans) or [None]
    for plan in targets:
        record_change(plan, action, author, details)
    db.session.flush()
