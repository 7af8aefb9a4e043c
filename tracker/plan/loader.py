"""Load a plan file into the database: validate everything, then write, idempotently.

``load_plan`` makes the plan the file's ``plan.slug`` names, or brings it up to date: plan text
(identity, areas, units, measures, round metadata) always follows the file. A report follows
the file only while nobody has edited it in the app: once a person has saved a version, the
person's text wins and the file leaves it alone. With ``new_plan=True`` (``flask plans
import``) the slug must be new, and units shared with the installation's other plans must keep
their names. Nothing is written unless the whole file is valid.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.measures.models import Area, Measure, Responsibility
from tracker.ministries.models import ResponsibleUnit, UnitKind
from tracker.plan.models import Plan, PlanUnit
from tracker.plan.validation import (
    UNIT_LISTS,
    Installation,
    KnownUnit,
    PlanValidationError,
    measure_units_field,
    plan_period,
    unit_list_name,
    validate_plan,
)
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.results.plan_file import load_results
from tracker.timeutil import utcnow


@dataclass
class LoadResult:
    plan: Plan | None = None
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept_user_edits: int = 0

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def installation(session: Session) -> Installation:
    """What a plan file is checked against: the units, plans and round slugs there are."""
    return Installation(
        units={
            unit.abbreviation: KnownUnit(unit.name, unit.kind.value)
            for unit in session.scalars(select(ResponsibleUnit))
        },
        plan_slugs=frozenset(session.scalars(select(Plan.slug))),
        round_plans=dict(
            session.execute(
                select(ReportingRound.slug, Plan.slug).join(Plan, Plan.id == ReportingRound.plan_id)
            ).all()
        ),
    )


def load_plan(session: Session, data: dict, *, new_plan: bool = False) -> LoadResult:
    """Validate ``data`` and write it to ``session`` (flushes; the caller commits)."""
    problems = validate_plan(data, installation(session), new_plan=new_plan)
    if problems:
        raise PlanValidationError(problems)
    result = LoadResult()
    plan = _load_plan_text(session, data["plan"], result)
    result.plan = plan
    areas = _load_areas(session, plan, data["areas"], result)
    units = _load_units(session, plan, data, result)
    measures = _load_measures(session, plan, data["measures"], areas, units, result)
    for round_data in data.get("rounds", []):
        _load_round(session, plan, round_data, measures, result)
    session.flush()
    if load_results(session, plan, data, measures):
        result.count(result.updated, "results")
    return result


def _load_plan_text(session: Session, item: dict, result: LoadResult) -> Plan:
    first_year, last_year = plan_period(item) or (0, 0)  # validated: never the fallback
    values = {
        "title": item["title"],
        "title_nn": item.get("title_nn") or None,
        "title_en": item.get("title_en") or None,
        "first_year": first_year,
        "last_year": last_year,
        "owner": item["owner"],
        "intro": item.get("intro") or "",
        "intro_nn": item.get("intro_nn") or None,
        "intro_en": item.get("intro_en") or None,
        "default_language": item.get("default_language", "nb"),
        "launched": item.get("launched") or "",
        "note": item.get("note") or "",
        "isbn": item.get("isbn") or None,
        "issn": item.get("issn") or None,
        "licence": item.get("licence") or "",
        "contact": item.get("contact") or "",
    }
    plan = session.scalars(select(Plan).where(Plan.slug == item["slug"])).first()
    if plan is None:
        plan = Plan(slug=item["slug"], **values)
        session.add(plan)
        session.flush()
        result.count(result.created, "plan")
    elif _update(plan, values):
        result.count(result.updated, "plan")
    return plan


def _update(obj, values: dict) -> bool:
    """Set the attributes that differ; report whether anything did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _load_areas(session: Session, plan: Plan, items: list, result: LoadResult) -> dict:
    existing = {a.key: a for a in session.scalars(select(Area).where(Area.plan_id == plan.id))}
    for position, item in enumerate(items):
        values = {"name": item["name"], "name_en": item["name_en"], "position": position}
        area = existing.get(item["key"])
        if area is None:
            existing[item["key"]] = area = Area(plan=plan, key=item["key"], **values)
            session.add(area)
            result.count(result.created, "areas")
        elif _update(area, values):
            result.count(result.updated, "areas")
    return existing


def _load_units(session: Session, plan: Plan, data: dict, result: LoadResult) -> dict:
    """The file's units, matched by abbreviation with the installation's, and the plan's own
    list of them in the file's order (units the measures name but the file does not list come
    last)."""
    list_name = unit_list_name(data)
    default_kind = UNIT_LISTS[list_name]
    existing = {u.abbreviation: u for u in session.scalars(select(ResponsibleUnit))}
    order: list[ResponsibleUnit] = []
    for item in data[list_name]:
        kind = UnitKind(item.get("kind", default_kind.value))
        unit = existing.get(item["abbreviation"])
        if unit is None:
            existing[item["abbreviation"]] = unit = ResponsibleUnit(
                abbreviation=item["abbreviation"], name=item["name"], kind=kind
            )
            session.add(unit)
            result.count(result.created, "units")
        else:
            # A unit shared with other plans keeps its kind unless the file names one.
            values = {"name": item["name"]} | ({"kind": kind} if "kind" in item else {})
            if _update(unit, values):
                result.count(result.updated, "units")
        order.append(unit)
    for measure in data["measures"]:
        for abbreviation in measure[measure_units_field(measure)]:
            if existing[abbreviation] not in order:
                order.append(existing[abbreviation])
    session.flush()
    listed = {link.unit_id: link for link in plan.units}
    for position, unit in enumerate(order):
        link = listed.get(unit.id)
        if link is None:
            plan.units.append(PlanUnit(unit=unit, position=position))
        elif link.position != position:
            link.position = position
    return existing


def _load_measures(session, plan, items, areas, units, result) -> dict[int, Measure]:
    existing = {
        m.number: m for m in session.scalars(select(Measure).where(Measure.plan_id == plan.id))
    }
    for item in items:
        area = item["area"][0] if isinstance(item["area"], list) else item["area"]
        values = {
            "area": areas[area],
            "title": item["title"],
            "description": item["description"],
            "note": item.get("note", ""),
            "retired_on": date.fromisoformat(item["retired_on"])
            if item.get("retired_on")
            else None,
            "retired_reason": item.get("retired_reason") or "",
        }
        owners = [units[abbreviation] for abbreviation in item[measure_units_field(item)]]
        measure = existing.get(item["number"])
        if measure is None:
            measure = Measure(plan=plan, number=item["number"], **values)
            measure.responsibilities = _responsibilities(owners)
            session.add(measure)
            existing[item["number"]] = measure
            result.count(result.created, "measures")
            continue
        changed = _update(measure, values)
        if [r.unit for r in measure.responsibilities] != owners:
            measure.responsibilities.clear()
            # Positions are unique per measure: remove the old rows before adding the new.
            session.flush()
            measure.responsibilities.extend(_responsibilities(owners))
            changed = True
        if changed:
            result.count(result.updated, "measures")
    return existing


def _responsibilities(owners: list[ResponsibleUnit]) -> list[Responsibility]:
    return [Responsibility(unit=unit, position=position) for position, unit in enumerate(owners)]


def _load_round(session, plan, data, measures, result) -> None:
    values = {
        "title": data["title"],
        "as_of": date.fromisoformat(data["as_of"]),
        "deadline": date.fromisoformat(data["deadline"]) if data.get("deadline") else None,
        "intro": data.get("intro", ""),
    }
    published = data.get("published", False)
    reporting_round = session.scalars(
        select(ReportingRound).where(ReportingRound.slug == data["slug"])
    ).first()
    if reporting_round is None:
        # A round published before it came here: its status date is the best date it has (the
        # feeds and pages date it so), never the moment the file was loaded.
        published_on = datetime.combine(values["as_of"], time(12), tzinfo=UTC)
        reporting_round = ReportingRound(
            plan=plan,
            slug=data["slug"],
            state=RoundState.PUBLISHED if published else RoundState.OPEN,
            closed_at=published_on if published else None,
            published_at=published_on if published else None,
            **values,
        )
        session.add(reporting_round)
        session.flush()
        result.count(result.created, "rounds")
    elif _update(reporting_round, values):
        result.count(result.updated, "rounds")

    reports = {
        r.measure_id: r
        for r in session.scalars(
            select(MeasureReport).where(MeasureReport.round_id == reporting_round.id)
        )
    }
    edited_by_people = set(
        session.scalars(
            select(ReportRevision.report_id)
            .join(MeasureReport)
            .where(
                MeasureReport.round_id == reporting_round.id, ReportRevision.author_id.is_not(None)
            )
        )
    )
    review_state = ReviewState.APPROVED if published else ReviewState.DRAFT
    for item in data.get("reports", []):
        measure = measures[item["measure"]]
        status = Status(item["status"])
        report = reports.get(measure.id)
        if report is None:
            report = MeasureReport(
                round=reporting_round,
                measure=measure,
                status=status,
                narrative=item["narrative"],
                narrative_language=plan.default_language,
                review_state=review_state,
                version=1,
            )
            session.add(report)
            _record_seed_revision(session, report, None, None, None, version=1)
            result.count(result.created, "reports")
        elif report.id in edited_by_people:
            result.kept_user_edits += 1
        elif report.status != status or report.narrative != item["narrative"]:
            old = (report.status, report.narrative, report.review_state)
            report.status, report.narrative = status, item["narrative"]
            report.updated_at = utcnow()
            _record_seed_revision(session, report, *old, version=report.version + 1)
            result.count(result.updated, "reports")


def _record_seed_revision(
    session, report, old_status, old_narrative, old_review_state, version
) -> None:
    session.add(
        ReportRevision(
            report=report,
            version=version,
            action="seeded",
            author_id=None,
            old_status=old_status,
            new_status=report.status,
            old_narrative=old_narrative,
            new_narrative=report.narrative,
            narrative_language=report.narrative_language,
            old_review_state=old_review_state,
            new_review_state=report.review_state,
        )
    )
