"""Load the plan file into the database: validate everything, then write, idempotently.

Plan text (areas, ministries, measures, round metadata) always follows the file. A report
follows the file only while nobody has edited it in the app: once a person has saved a
version, the person's text wins and the seed leaves it alone.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.measures.models import Area, Measure, Responsibility
from tracker.ministries.models import Ministry
from tracker.plan.models import Plan
from tracker.plan.validation import PlanValidationError, validate_plan
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.timeutil import utcnow


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept_user_edits: int = 0

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def load_plan(session: Session, data: dict) -> LoadResult:
    """Validate ``data`` and write it to ``session`` (flushes; the caller commits)."""
    problems = validate_plan(data)
    if problems:
        raise PlanValidationError(problems)
    result = LoadResult()
    _load_plan_text(session, data["plan"], result)
    areas = _load_keyed(session, Area, "key", data["areas"], ("name", "name_en"), result, "areas")
    ministries = _load_keyed(
        session, Ministry, "abbreviation", data["ministries"], ("name",), result, "ministries"
    )
    measures = _load_measures(session, data["measures"], areas, ministries, result)
    for round_data in data.get("rounds", []):
        _load_round(session, round_data, measures, result)
    session.flush()
    return result


def _load_plan_text(session, item: dict, result: LoadResult) -> None:
    values = {
        "title": item["title"],
        "period": item.get("period", ""),
        "launched": item.get("launched", ""),
        "note": item.get("note", ""),
    }
    plan = session.get(Plan, 1)
    if plan is None:
        session.add(Plan(id=1, **values))
        result.count(result.created, "plan")
    elif _update(plan, values):
        result.count(result.updated, "plan")


def _update(obj, values: dict) -> bool:
    """Set the attributes that differ; report whether anything did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _load_keyed(session, model, key_field, items, text_fields, result, kind) -> dict:
    existing = {getattr(obj, key_field): obj for obj in session.scalars(select(model))}
    for position, item in enumerate(items):
        values = {name: item[name] for name in text_fields} | {"position": position}
        obj = existing.get(item[key_field])
        if obj is None:
            obj = model(**{key_field: item[key_field]}, **values)
            session.add(obj)
            existing[item[key_field]] = obj
            result.count(result.created, kind)
        elif _update(obj, values):
            result.count(result.updated, kind)
    return existing


def _load_measures(session, items, areas, ministries, result) -> dict[int, Measure]:
    existing = {m.number: m for m in session.scalars(select(Measure))}
    for item in items:
        values = {
            "area": areas[item["area"]],
            "title": item["title"],
            "description": item["description"],
            "note": item.get("note", ""),
        }
        owners = [ministries[abbreviation] for abbreviation in item["ministries"]]
        measure = existing.get(item["number"])
        if measure is None:
            measure = Measure(number=item["number"], **values)
            measure.responsibilities = _responsibilities(owners)
            session.add(measure)
            existing[item["number"]] = measure
            result.count(result.created, "measures")
            continue
        changed = _update(measure, values)
        if [r.ministry for r in measure.responsibilities] != owners:
            measure.responsibilities.clear()
            # Positions are unique per measure: remove the old rows before adding the new.
            session.flush()
            measure.responsibilities.extend(_responsibilities(owners))
            changed = True
        if changed:
            result.count(result.updated, "measures")
    return existing


def _responsibilities(owners: list[Ministry]) -> list[Responsibility]:
    return [
        Responsibility(ministry=ministry, position=position)
        for position, ministry in enumerate(owners)
    ]


def _load_round(session, data, measures, result) -> None:
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
        now = utcnow()
        reporting_round = ReportingRound(
            slug=data["slug"],
            state=RoundState.PUBLISHED if published else RoundState.OPEN,
            closed_at=now if published else None,
            published_at=now if published else None,
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
            old_review_state=old_review_state,
            new_review_state=report.review_state,
        )
    )
