"""Writes to a plan's own text, as verbs: add, edit and retire measures, add and rename areas.
Each flushes and never commits, appends a PlanChange (what it was, what it became) and an
audit event. Nothing is ever deleted: a retired measure keeps its history.

The permission rule (who: ``tracker/plan/permissions.py``) is the views'; what the plan allows
(numbers unique in the plan, an area of the same plan, a lead unit) is checked here, so no
caller can skip it.
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from tracker.audit.operations import record_event
from tracker.extensions import db
from tracker.measures.models import Area, Measure, Responsibility
from tracker.ministries.models import ResponsibleUnit
from tracker.plan.loader import load_plan
from tracker.plan.models import Plan, PlanChange, PlanUnit
from tracker.plan.spreadsheet import (
    SpreadsheetProblems,
    problem_in_sheet,
    read_plan_spreadsheet,
)
from tracker.plan.validation import RESERVED_PLAN_SLUGS, PlanValidationError
from tracker.reporting.operations import add_draft
from tracker.reporting.workflow_queries import open_round_now
from tracker.text import N_
from tracker.timeutil import utcnow
from tracker.user_errors import UserError

AREA_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# The audit log's one event for every change to a plan (details say which).
PLAN_CHANGED = "plan_changed"
# What each kind of change is called on the plan's change log (translated by the template).
PLAN_CHANGE_LABELS = {
    "measure_added": N_("Tiltak lagt til"),
    "measure_edited": N_("Tiltak endret"),
    "measure_moved": N_("Tiltak flyttet til et annet hovedområde"),
    "measure_units_changed": N_("Nye ansvarlige enheter"),
    "measure_retired": N_("Tiltak avsluttet eller tatt ut"),
    "area_added": N_("Hovedområde lagt til"),
    "area_renamed": N_("Hovedområde har fått nytt navn"),
    "unit_renamed": N_("Enhet har fått nytt navn"),
    "units_merged": N_("Enheter slått sammen"),
    "unit_split": N_("Enhet delt"),
    "plan_imported": N_("Plan laget fra regneark"),
    "successor_made": N_("Etterfølgerplan laget"),
}
# What each field of a change's details is called on the change log.
PLAN_CHANGE_FIELDS = {
    "title": N_("Tittel"),
    "description": N_("Beskrivelse i planen"),
    "summary_se": N_("Sammendrag på nordsamisk"),
    "area": N_("Hovedområde"),
    "units": N_("Ansvarlige enheter"),
    "retired_on": N_("Avsluttet eller tatt ut fra"),
    "reason": N_("Begrunnelse"),
    "key": N_("Nøkkel"),
    "name": N_("Navn"),
    "name_en": N_("Navn på engelsk"),
    "abbreviation": N_("Forkortelse"),
    "merged": N_("Slått sammen"),
    "into": N_("Slå sammen med"),
    "from": N_("Delt fra"),
    "new": N_("Ny enhet"),
    "measures": N_("Tiltak"),
    "predecessor": N_("Viderefører"),
}


class PlanEditError(UserError):
    """The plan refuses this change; ``message`` says why, in words for the user."""


class MeasureEditConflict(PlanEditError):
    """Another coordinator saved the measure after this one opened it."""

    status = 409

    def __init__(self):
        super().__init__(_l("Noen andre har endret dette tiltaket etter at du åpnet det."))


def record_change(
    plan: Plan | None, action: str, author, details: dict, measure: Measure | None = None
) -> PlanChange:
    change = PlanChange(
        plan_id=plan.id if plan is not None else None,
        measure_id=measure.id if measure is not None else None,
        measure_version=measure.version if measure is not None else None,
        action=action,
        author_id=author.id if author is not None else None,
        details=details,
    )
    db.session.add(change)
    audit: dict[str, object] = {"action": action}
    if plan is not None:
        audit["plan"] = plan.slug
    if measure is not None:
        audit.update(measure=measure.number, version=measure.version)
    record_event(PLAN_CHANGED, author, details=audit)
    return change


# --- Measures ----------------------------------------------------------------------------------


def next_measure_number(plan: Plan) -> int:
    highest = db.session.scalar(select(func.max(Measure.number)).where(Measure.plan_id == plan.id))
    return (highest or 0) + 1


def add_measure(
    plan: Plan,
    area: Area,
    title: str,
    description: str,
    units: list[ResponsibleUnit],
    author,
    number: int | None = None,
) -> Measure:
    _check_area_of(plan, area)
    _check_units(units)
    if number is None:
        number = next_measure_number(plan)
    elif _measure_number_taken(plan, number):
        raise PlanEditError(
            _l("Planen har allerede et tiltak %(number)d. Velg et annet nummer.", number=number),
            field="number",
        )
    measure = Measure(
        plan=plan,
        area=area,
        number=number,
        title=title,
        description=description,
        responsibilities=_responsibilities(units),
        text_changed_at=utcnow(),
    )
    db.session.add(measure)
    _list_units_in(plan, units)
    db.session.flush()
    record_change(plan, "measure_added", author, _text_of(measure), measure)
    # Added while a round is open: its units can report on it in that round too.
    reporting_round = open_round_now(plan)
    if reporting_round is not None:
        add_draft(reporting_round, measure, author)
    db.session.flush()
    return measure


def edit_measure(
    measure: Measure,
    expected_version: int,
    *,
    title: str,
    description: str,
    area: Area,
    units: list[ResponsibleUnit],
    author,
    summary_se: str | None = None,
) -> bool:
    """Change the plan's text of the measure; False when nothing differs. The version is the
    one the coordinator's form was made from: a later save by someone else is a conflict.
    ``summary_se`` is the optional public summary in Northern Sámi; None keeps it."""
    if expected_version != measure.version:
        raise MeasureEditConflict()
    _check_area_of(measure.plan, area)
    _check_units(units)
    before = _text_of(measure)
    sami = measure.summary_se if summary_se is None else summary_se.strip()
    after = {
        "title": title,
        "description": description,
        "area": area.key,
        "units": [unit.abbreviation for unit in units],
        "summary_se": sami,
    }
    if after == before:
        return False
    with db.session.no_autoflush:
        measure.title = title
        measure.description = description
        measure.summary_se = sami
        measure.area = area
        measure.text_changed_at = utcnow()
        if before["units"] != after["units"]:
            measure.responsibilities = []
            _flush_measure()  # the old positions go before the new ones take them
            measure.responsibilities = _responsibilities(units)
        _list_units_in(measure.plan, units)
    _flush_measure()
    changed = {
        key: {"old": before[key], "new": after[key]} for key in after if before[key] != after[key]
    }
    record_change(measure.plan, _edit_action(changed), author, changed, measure)
    db.session.flush()
    return True


def retire_measure(measure: Measure, expected_version: int, on: date, reason: str, author) -> None:
    """Take the measure out of the plan (or mark it ended) from ``on``, with a reason. Its
    reports and its public page stay."""
    if expected_version != measure.version:
        raise MeasureEditConflict()
    if measure.retired_on is not None:
        raise PlanEditError(_l("Tiltaket er allerede avsluttet eller tatt ut av planen."))
    if not reason.strip():
        raise PlanEditError(_l("Skriv hvorfor tiltaket avsluttes eller tas ut."), field="reason")
    measure.retired_on = on
    measure.retired_reason = reason
    measure.text_changed_at = utcnow()
    _flush_measure()
    record_change(
        measure.plan,
        "measure_retired",
        author,
        {"retired_on": on.isoformat(), "reason": reason},
        measure,
    )
    db.session.flush()


def _flush_measure() -> None:
    try:
        db.session.flush()  # the version column makes a concurrent save fail here
    except StaleDataError as error:
        raise MeasureEditConflict() from error


def _edit_action(changed: dict) -> str:
    if set(changed) == {"area"}:
        return "measure_moved"
    if set(changed) == {"units"}:
        return "measure_units_changed"
    return "measure_edited"


def _text_of(measure: Measure) -> dict:
    return {
        "title": measure.title,
        "description": measure.description,
        "area": measure.area.key,
        "units": [unit.abbreviation for unit in measure.units],
        "summary_se": measure.summary_se,
    }


def _measure_number_taken(plan: Plan, number: int) -> bool:
    return (
        db.session.scalar(
            select(Measure.id).where(Measure.plan_id == plan.id, Measure.number == number)
        )
        is not None
    )


def _check_area_of(plan: Plan, area: Area) -> None:
    if area.plan_id != plan.id:
        raise PlanEditError(_l("Hovedområdet hører til en annen plan."), field="area")


def _check_units(units: list[ResponsibleUnit]) -> None:
    if not units:
        raise PlanEditError(
            _l("Et tiltak må ha minst én ansvarlig enhet (hovedansvarlig først)."), field="units"
        )
    if len({unit.id for unit in units}) != len(units):
        raise PlanEditError(_l("Samme enhet er nevnt mer enn én gang."), field="units")
    merged = [unit.abbreviation for unit in units if unit.merged_into_id is not None]
    if merged:
        raise PlanEditError(
            _l(
                "%(units)s er slått sammen med en annen enhet og kan ikke få nye tiltak.",
                units=", ".join(merged),
            ),
            field="units",
        )


def _responsibilities(units: list[ResponsibleUnit]) -> list[Responsibility]:
    return [Responsibility(unit=unit, position=position) for position, unit in enumerate(units)]


def _list_units_in(plan: Plan, units: list[ResponsibleUnit]) -> None:
    """A unit made responsible in a plan joins the plan's list of units, at its end."""
    listed = {plan_unit.unit_id for plan_unit in plan.units}
    position = max((plan_unit.position for plan_unit in plan.units), default=-1)
    for unit in units:
        if unit.id not in listed:
            position += 1
            plan.units.append(PlanUnit(unit=unit, position=position))
            listed.add(unit.id)


# --- Areas -------------------------------------------------------------------------------------


def add_area(plan: Plan, key: str, name: str, name_en: str, author) -> Area:
    if not AREA_KEY.match(key):
        raise PlanEditError(
            _l("Nøkkelen kan bare ha små bokstaver a–z, tall og bindestrek."), field="key"
        )
    taken = db.session.scalar(select(Area.id).where(Area.plan_id == plan.id, Area.key == key))
    if taken is not None:
        raise PlanEditError(
            _l("Planen har allerede et hovedområde med nøkkelen «%(key)s».", key=key), field="key"
        )
    position = db.session.scalar(
        select(func.coalesce(func.max(Area.position), -1)).where(Area.plan_id == plan.id)
    )
    area = Area(plan=plan, key=key, name=name, name_en=name_en, position=(position or 0) + 1)
    db.session.add(area)
    db.session.flush()
    record_change(plan, "area_added", author, {"key": key, "name": name, "name_en": name_en})
    db.session.flush()
    return area


def rename_area(area: Area, name: str, name_en: str, author) -> bool:
    before = {"name": area.name, "name_en": area.name_en}
    after = {"name": name, "name_en": name_en}
    if before == after:
        return False
    area.name, area.name_en = name, name_en
    changed = {
        key: {"old": before[key], "new": after[key]} for key in after if before[key] != after[key]
    }
    record_change(area.plan, "area_renamed", author, {"key": area.key, **changed})
    db.session.flush()
    return True


def units_named(abbreviations: list[str]) -> list[ResponsibleUnit]:
    """The units by abbreviation, in the order given (lead first); a name the installation does
    not know is refused on the form's units field."""
    found = {
        unit.abbreviation: unit
        for unit in db.session.scalars(
            select(ResponsibleUnit).where(ResponsibleUnit.abbreviation.in_(abbreviations))
        )
    }
    unknown = [abbreviation for abbreviation in abbreviations if abbreviation not in found]
    if unknown:
        raise PlanEditError(
            _l(
                "Finner ingen enhet med forkortelsen %(names)s.",
                names=", ".join(f"«{name}»" for name in unknown),
            ),
            field="units",
        )
    return [found[abbreviation] for abbreviation in abbreviations]


# --- Making plans ------------------------------------------------------------------------------


class SpreadsheetRefused(PlanEditError):
    """The spreadsheet cannot become a plan; ``problems`` names each by sheet and row."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            _l("Planen ble ikke laget, og ingenting er lagret. Rett dette i regnearket:"),
            field="file",
        )


def import_plan_spreadsheet(content: bytes, author) -> Plan:
    """Make a new plan from a filled-in template: everything is checked first (the spreadsheet,
    then the plan as ``flask plans import`` checks a file), and on any problem nothing is
    written. The coordinator who made it coordinates it."""
    try:
        data, rows = read_plan_spreadsheet(content)
    except SpreadsheetProblems as error:
        raise SpreadsheetRefused(error.problems) from error
    try:
        result = load_plan(db.session(), data, new_plan=True)
    except PlanValidationError as error:
        raise SpreadsheetRefused([problem_in_sheet(p, rows) for p in error.problems]) from error
    plan = result.plan
    if plan is None:  # load_plan returns the plan it wrote: a None here is a bug, not input
        raise RuntimeError("load_plan wrote no plan")
    author.coordinated_plans.append(plan)
    db.session.flush()
    numbers = [measure["number"] for measure in data["measures"]]
    record_change(plan, "plan_imported", author, {"measures": numbers})
    db.session.flush()
    return plan


PLAN_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def make_successor(
    plan: Plan,
    *,
    slug: str,
    title: str,
    first_year: int,
    last_year: int,
    measures: list[Measure],
    author,
) -> Plan:
    """A new plan that starts from ``measures`` of ``plan`` (numbered 1, 2, … in the old
    plan's order), each linked to the measure it carries on, with the areas and units they
    need. The old plan and its history stay as they are; the maker coordinates the new one."""
    if slug in RESERVED_PLAN_SLUGS:
        raise PlanEditError(
            _l("Kortnavnet «%(slug)s» er et ord adressene bruker selv; velg et annet.", slug=slug),
            field="slug",
        )
    if not PLAN_SLUG.match(slug) or len(slug) > 100:
        raise PlanEditError(
            _l("Kortnavnet kan bare ha små bokstaver a–z, tall og bindestrek."), field="slug"
        )
    if db.session.scalar(select(Plan.id).where(Plan.slug == slug)) is not None:
        raise PlanEditError(
            _l("Det finnes allerede en plan med kortnavnet «%(slug)s».", slug=slug), field="slug"
        )
    if first_year > last_year:
        raise PlanEditError(_l("Det første året kan ikke være etter det siste."), field="last_year")
    if not measures:
        raise PlanEditError(_l("Velg minst ett tiltak som skal videreføres."), field="measures")
    if any(measure.plan_id != plan.id for measure in measures):
        raise PlanEditError(_l("Alle tiltakene må være fra planen som videreføres."))
    successor = Plan(
        slug=slug,
        title=title,
        first_year=first_year,
        last_year=last_year,
        owner=plan.owner,
        intro="",
        default_language=plan.default_language,
        predecessor_id=plan.id,
    )
    db.session.add(successor)
    db.session.flush()
    areas: dict[int, Area] = {}
    for number, old in enumerate(sorted(measures, key=lambda m: m.number), start=1):
        if old.area_id not in areas:
            areas[old.area_id] = Area(
                plan=successor,
                key=old.area.key,
                name=old.area.name,
                name_en=old.area.name_en,
                position=old.area.position,
            )
        db.session.add(
            Measure(
                plan=successor,
                area=areas[old.area_id],
                number=number,
                title=old.title,
                description=old.description,
                summary_se=old.summary_se,
                responsibilities=_responsibilities(old.units),
                continues_measure_id=old.id,
            )
        )
    used = {unit.id for old in measures for unit in old.units}
    for position, plan_unit in enumerate(p for p in plan.units if p.unit_id in used):
        successor.units.append(PlanUnit(unit_id=plan_unit.unit_id, position=position))
    author.coordinated_plans.append(successor)
    db.session.flush()
    record_change(
        successor,
        "successor_made",
        author,
        {"predecessor": plan.slug, "measures": [m.number for m in measures]},
    )
    db.session.flush()
    return successor
