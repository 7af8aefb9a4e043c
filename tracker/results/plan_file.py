"""The results in a plan file (``flask plans import``, ``flask seed``): per measure
``milestones``, ``indicators`` and ``budget``, and per round report ``indicator_values``.

    "milestones": [{"title": "...", "due": "2025-06-30", "done": "2025-05-02", "note": ""}]
    "indicators": [{"name": "...", "unit": "prosent", "direction": "higher",
                    "baseline": {"value": 12.5, "year": 2023},
                    "target": {"value": 15, "year": 2027}, "source": "SSB"}]
    "budget": [{"year": 2025, "allocated": 1500000, "spent": 900000, "source": "kap. 821"}]
    reports: [{"measure": 7, ..., "indicator_values":
               [{"indicator": "<name>", "value": 42, "period": "2025", "comment": ""}]}]

A number may be a JSON number or text in Norwegian or English notation («1 234,5»). Loading is
idempotent: milestones are matched by title, indicators by name, values by indicator and round,
budget lines by year; rows the file does not name are left alone (the coordinator may have
added them in the app).
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.measures.models import Measure
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.results.models import BudgetLine, Direction, Indicator, IndicatorValue, Milestone
from tracker.results.parsing import ParseError, parse_number

DIRECTIONS = {direction.value for direction in Direction}


# --- Validation (called by tracker/plan/validation.py) -------------------------------------------


def check_measure_results(measure: dict, where: str, first_year: int | None, problem) -> None:
    """Problems with one measure's ``milestones``, ``indicators`` and ``budget``."""
    for index, item in enumerate(_list(measure, "milestones", where, problem), start=1):
        here = f"{where}, delmål nr. {index}"
        if not isinstance(item, dict):
            problem(here, "må være et JSON-objekt")
            continue
        if not _text(item.get("title")):
            problem(here, "feltet «title» mangler eller er tomt")
        for field_name, required in (("due", True), ("done", False)):
            value = item.get(field_name)
            if value is None and not required:
                continue
            day = _date(value)
            if day is None:
                problem(here, f"feltet «{field_name}» må være en dato på formen ÅÅÅÅ-MM-DD")
            elif first_year is not None and day.year < first_year:
                problem(here, f"feltet «{field_name}» er før planperioden ({first_year})")
    names: set[str] = set()
    for index, item in enumerate(_list(measure, "indicators", where, problem), start=1):
        here = f"{where}, indikator nr. {index}"
        if not isinstance(item, dict):
            problem(here, "må være et JSON-objekt")
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problem(here, "feltet «name» mangler eller er tomt")
        elif name in names:
            problem(here, f"indikatoren «{name}» står mer enn én gang")
        else:
            names.add(name)
        if item.get("direction", "higher") not in DIRECTIONS:
            problem(here, "feltet «direction» må være «higher» eller «lower»")
        for point in ("baseline", "target"):
            value = item.get(point)
            if value is None:
                continue
            if not isinstance(value, dict):
                problem(here, f"feltet «{point}» må være et objekt med «value» og «year»")
                continue
            reason = _number_problem(value.get("value"), optional=True)
            if reason:
                problem(here, f"feltet «{point}.value» {reason}")
            year = value.get("year")
            if year is not None and not _year(year):
                problem(here, f"feltet «{point}.year» må være et årstall")
    years: set[int] = set()
    for index, item in enumerate(_list(measure, "budget", where, problem), start=1):
        here = f"{where}, budsjettlinje nr. {index}"
        if not isinstance(item, dict) or not _year(item.get("year")):
            problem(here, "må ha feltet «year» med et årstall")
            continue
        if item["year"] in years:
            problem(here, f"året {item['year']} står mer enn én gang")
        years.add(item["year"])
        for amount in ("allocated", "spent"):
            reason = _number_problem(item.get(amount), optional=True)
            if reason:
                problem(here, f"feltet «{amount}» {reason}")


def indicator_names(measure: dict) -> set[str]:
    items = measure.get("indicators")
    if not isinstance(items, list):
        return set()
    return {i["name"] for i in items if isinstance(i, dict) and isinstance(i.get("name"), str)}


def check_report_values(report: dict, where: str, known_names: set[str], problem) -> None:
    """Problems with one round report's ``indicator_values``."""
    seen: set[str] = set()
    for index, item in enumerate(_list(report, "indicator_values", where, problem), start=1):
        here = f"{where}, indikatorverdi nr. {index}"
        if not isinstance(item, dict):
            problem(here, "må være et JSON-objekt")
            continue
        name = item.get("indicator")
        if not isinstance(name, str) or name not in known_names:
            problem(here, f"feltet «indicator» viser til en indikator tiltaket ikke har: «{name}»")
        elif name in seen:
            problem(here, f"indikatoren «{name}» har mer enn én verdi i runden")
        else:
            seen.add(name)
        reason = _number_problem(item.get("value"))
        if reason:
            problem(here, f"feltet «value» {reason}")


def _list(parent: dict, name: str, where: str, problem) -> list:
    value = parent.get(name, [])
    if not isinstance(value, list):
        problem(where, f"feltet «{name}» må være en liste")
        return []
    return value


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _year(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200


def _date(value) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_number(value)
        except ParseError:
            return None
    return None


def _number_problem(value, optional: bool = False) -> str | None:
    if value is None:
        return None if optional else "mangler"
    if _number(value) is None:
        return "må være et tall (som 1234.5, eller tekst som «1 234,5»)"
    return None


# --- Loading (called by tracker/plan/loader.py, after the measures and rounds) -------------------


def load_results(session: Session, plan: Plan, data: dict, measures: dict[int, Measure]) -> int:
    """Write the file's results; returns how many rows were made or changed."""
    changed = 0
    indicators: dict[tuple[int, str], Indicator] = {}
    for item in data["measures"]:
        measure = measures[item["number"]]
        changed += _load_milestones(session, measure, item.get("milestones", []))
        found, count = _load_indicators(session, measure, item.get("indicators", []))
        indicators.update({(measure.id, name): i for name, i in found.items()})
        changed += count + _load_budget(session, measure, item.get("budget", []))
    session.flush()
    for round_data in data.get("rounds", []):
        reporting_round = session.scalars(
            select(ReportingRound).where(ReportingRound.slug == round_data["slug"])
        ).one()
        reports = {
            r.measure_id: r
            for r in session.scalars(
                select(MeasureReport).where(MeasureReport.round_id == reporting_round.id)
            )
        }
        for report_data in round_data.get("reports", []):
            measure = measures[report_data["measure"]]
            report = reports.get(measure.id)
            for value_data in report_data.get("indicator_values", []):
                indicator = indicators[(measure.id, value_data["indicator"])]
                changed += _load_value(session, indicator, reporting_round, report, value_data)
    session.flush()
    return changed


def _set(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _load_milestones(session: Session, measure: Measure, items: list) -> int:
    existing = {
        m.title: m
        for m in session.scalars(select(Milestone).where(Milestone.measure_id == measure.id))
    }
    changed = 0
    for item in items:
        values = {
            "due_on": date.fromisoformat(item["due"]),
            "done_on": date.fromisoformat(item["done"]) if item.get("done") else None,
            "note": item.get("note") or "",
        }
        milestone = existing.get(item["title"])
        if milestone is None:
            session.add(Milestone(measure=measure, title=item["title"], **values))
            changed += 1
        elif milestone.done_report_id is None and _set(milestone, values):
            changed += 1  # one ticked off by a contact person is theirs, not the file's
    return changed


def _load_indicators(session: Session, measure: Measure, items: list):
    existing = {
        i.name: i
        for i in session.scalars(select(Indicator).where(Indicator.measure_id == measure.id))
    }
    changed = 0
    for item in items:
        baseline, target = item.get("baseline") or {}, item.get("target") or {}
        values = {
            "unit": item.get("unit") or "",
            "direction": Direction(item.get("direction", "higher")),
            "baseline_value": _number(baseline.get("value")),
            "baseline_year": baseline.get("year"),
            "target_value": _number(target.get("value")),
            "target_year": target.get("year"),
            "source": item.get("source") or "",
        }
        indicator = existing.get(item["name"])
        if indicator is None:
            indicator = existing[item["name"]] = Indicator(
                measure=measure, name=item["name"], **values
            )
            session.add(indicator)
            changed += 1
        elif _set(indicator, values):
            changed += 1
    return existing, changed


def _load_budget(session: Session, measure: Measure, items: list) -> int:
    existing = {
        b.year: b
        for b in session.scalars(select(BudgetLine).where(BudgetLine.measure_id == measure.id))
    }
    changed = 0
    for item in items:
        allocated, spent = _number(item.get("allocated")), _number(item.get("spent"))
        values = {
            "allocated": None if allocated is None else round(allocated),
            "spent": None if spent is None else round(spent),
            "source": item.get("source") or "",
        }
        line = existing.get(item["year"])
        if line is None:
            session.add(BudgetLine(measure=measure, year=item["year"], **values))
            changed += 1
        elif _set(line, values):
            changed += 1
    return changed


def _load_value(session, indicator, reporting_round, report, item) -> int:
    value = session.scalars(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.round_id == reporting_round.id,
        )
    ).first()
    values = {
        "value": _number(item["value"]),
        "period": str(item.get("period") or ""),
        "comment": item.get("comment") or "",
        "carried": bool(item.get("carried", False)),
    }
    if value is None:
        session.add(
            IndicatorValue(indicator=indicator, round=reporting_round, report=report, **values)
        )
        return 1
    return 1 if _set(value, values) else 0
