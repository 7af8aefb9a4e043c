"""Validation of a plan file before anything is written.

Every problem is reported at once, each naming where it is (the measure and the field),
in Norwegian, because the person reading it maintains the seed file.
"""

from dataclasses import dataclass
from datetime import date
from typing import TypeGuard

from sqlalchemy import Column

from tracker.backup.validation import Invalid, column_value
from tracker.measures.models import Area, Measure
from tracker.ministries.models import Ministry
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.states import Status
from tracker.user_errors import UserError

# Where each field of the file is stored: its value must fit that column (length, range,
# characters the database accepts).
STORED_IN = {
    ("areas", "key"): Area.__table__.c.key,
    ("areas", "name"): Area.__table__.c.name,
    ("areas", "name_en"): Area.__table__.c.name_en,
    ("ministries", "abbreviation"): Ministry.__table__.c.abbreviation,
    ("ministries", "name"): Ministry.__table__.c.name,
}


@dataclass(frozen=True)
class PlanProblem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class PlanValidationError(UserError, ValueError):
    """The plan file cannot be loaded; ``problems`` lists every reason, ``message`` all of them."""

    def __init__(self, problems: list[PlanProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def validate_plan(data) -> list[PlanProblem]:
    """Return every problem in ``data``; an empty list means it can be loaded."""
    problems: list[PlanProblem] = []

    def problem(where: str, message: str) -> None:
        problems.append(PlanProblem(where, message))

    if not isinstance(data, dict):
        return [PlanProblem("filen", "toppnivået må være et JSON-objekt")]

    plan = data.get("plan")
    if not isinstance(plan, dict):
        problem("plan", "må være et JSON-objekt med feltet «title»")
    else:
        for field_name, optional in (
            ("title", False),
            ("period", True),
            ("launched", True),
            ("note", True),
        ):
            if optional and field_name not in plan:
                continue
            reason = _text_problem(
                plan.get(field_name), Plan.__table__.c[field_name], may_be_empty=optional
            )
            if reason:
                problem("plan", f"feltet «{field_name}» {reason}")

    area_keys = _check_named_list(data, "areas", "key", ("name", "name_en"), "område", problem)
    ministry_abbreviations = _check_named_list(
        data, "ministries", "abbreviation", ("name",), "departement", problem
    )
    measure_numbers = _check_measures(data, area_keys, ministry_abbreviations, problem)
    _check_rounds(data, measure_numbers, problem)
    return problems


def _check_named_list(data, list_name, key_field, text_fields, noun, problem) -> set[str]:
    items = data.get(list_name)
    if not isinstance(items, list) or not items:
        problem(list_name, "må være en liste med minst ett element")
        return set()
    keys: set[str] = set()
    for index, item in enumerate(items, start=1):
        where = f"{noun} nr. {index} i «{list_name}»"
        if not isinstance(item, dict):
            problem(where, "må være et JSON-objekt")
            continue
        key = item.get(key_field)
        reason = _text_problem(key, STORED_IN[list_name, key_field])
        if reason or not isinstance(key, str):  # (a key that is not text always has a reason)
            problem(where, f"feltet «{key_field}» {reason}")
            continue
        where = f"{noun} «{key}»"
        if key in keys:
            problem(where, f"«{key_field}» er brukt mer enn én gang")
        keys.add(key)
        for text_field in text_fields:
            reason = _text_problem(item.get(text_field), STORED_IN[list_name, text_field])
            if reason:
                problem(where, f"feltet «{text_field}» {reason}")
    return keys


def _check_measures(data, area_keys, ministry_abbreviations, problem) -> set[int]:
    measures = data.get("measures")
    if not isinstance(measures, list) or not measures:
        problem("measures", "må være en liste med minst ett tiltak")
        return set()
    numbers: set[int] = set()
    for index, measure in enumerate(measures, start=1):
        if not isinstance(measure, dict):
            problem(f"tiltak nr. {index} i «measures»", "må være et JSON-objekt")
            continue
        number = measure.get("number")
        if not _positive_int(number):
            problem(
                f"tiltak nr. {index} i «measures»",
                f"feltet «number» må være et positivt heltall (høyst {MAX_NUMBER})",
            )
            continue
        where = f"tiltak {number}"
        if number in numbers:
            problem(where, "nummeret er brukt av mer enn ett tiltak")
        numbers.add(number)
        if not _is_one_of(measure.get("area"), area_keys):
            problem(where, f"feltet «area» viser til ukjent område «{measure.get('area')}»")
        for text_field in ("title", "description"):
            reason = _text_problem(measure.get(text_field), Measure.__table__.c[text_field])
            if reason:
                problem(where, f"feltet «{text_field}» {reason}")
        if "note" in measure:
            reason = _text_problem(measure["note"], Measure.__table__.c.note, may_be_empty=True)
            if reason:
                problem(where, f"feltet «note» {reason}")
        owners = measure.get("ministries")
        if not isinstance(owners, list) or not owners:
            problem(
                where,
                "feltet «ministries» må være en liste med minst ett departement (ledende først)",
            )
            continue
        for abbreviation in owners:
            if not _is_one_of(abbreviation, ministry_abbreviations):
                problem(where, f"feltet «ministries» viser til ukjent departement «{abbreviation}»")
        if len(set(map(str, owners))) != len(owners):
            problem(where, "feltet «ministries» nevner samme departement mer enn én gang")
    return numbers


def _check_rounds(data, measure_numbers, problem) -> None:
    rounds = data.get("rounds", [])
    if not isinstance(rounds, list):
        problem("rounds", "må være en liste")
        return
    slugs: set[str] = set()
    for index, reporting_round in enumerate(rounds, start=1):
        if not isinstance(reporting_round, dict):
            problem(f"rapporteringsrunde nr. {index}", "må være et JSON-objekt")
            continue
        reason = _text_problem(reporting_round.get("slug"), ReportingRound.__table__.c.slug)
        if reason:
            problem(f"rapporteringsrunde nr. {index}", f"feltet «slug» {reason}")
            continue
        slug = reporting_round["slug"]
        where = f"rapporteringsrunde «{slug}»"
        if slug in slugs:
            problem(where, "«slug» er brukt mer enn én gang")
        slugs.add(slug)
        reason = _text_problem(reporting_round.get("title"), ReportingRound.__table__.c.title)
        if reason:
            problem(where, f"feltet «title» {reason}")
        for date_field, required in (("as_of", True), ("deadline", False)):
            value = reporting_round.get(date_field)
            if value is None and not required:
                continue
            if not _iso_date(value):
                problem(where, f"feltet «{date_field}» må være en dato på formen ÅÅÅÅ-MM-DD")
        if not isinstance(reporting_round.get("published", False), bool):
            problem(where, "feltet «published» må være true eller false")
        reason = _text_problem(
            reporting_round.get("intro", ""), ReportingRound.__table__.c.intro, may_be_empty=True
        )
        if reason:
            problem(where, f"feltet «intro» {reason}")
        _check_reports(reporting_round.get("reports", []), where, measure_numbers, problem)


def _check_reports(reports, round_where, measure_numbers, problem) -> None:
    if not isinstance(reports, list):
        problem(round_where, "feltet «reports» må være en liste")
        return
    seen: set[int] = set()
    valid_statuses = {status.value for status in Status}
    for index, report in enumerate(reports, start=1):
        number = report.get("measure") if isinstance(report, dict) else None
        if not _positive_int(number):
            problem(
                f"{round_where}, rapport nr. {index}", "feltet «measure» må være et tiltaksnummer"
            )
            continue
        where = f"{round_where}, tiltak {number}"
        if number not in measure_numbers:
            problem(where, "viser til et tiltak som ikke finnes i «measures»")
        if number in seen:
            problem(where, "tiltaket har mer enn én rapport i runden")
        seen.add(number)
        if not _is_one_of(report.get("status"), valid_statuses):
            problem(
                where,
                f"feltet «status» har ugyldig verdi «{report.get('status')}» "
                f"(gyldige verdier: {', '.join(sorted(valid_statuses))})",
            )
        reason = _text_problem(report.get("narrative"), MeasureReport.__table__.c.narrative)
        if reason:
            problem(where, f"feltet «narrative» {reason}")


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _text_problem(value, column: Column, may_be_empty: bool = False) -> str | None:
    """Why ``value`` cannot be stored as text in ``column``, or None if it can."""
    if not isinstance(value, str):
        return "må være tekst" if may_be_empty else "mangler eller er tomt"
    if not may_be_empty and not value.strip():
        return "mangler eller er tomt"
    try:
        column_value(column, value)
    except Invalid as error:
        return str(error).rstrip(".")
    return None


def _is_one_of(value, allowed: set) -> bool:
    """Membership that a list or an object in the file cannot break (they are unhashable)."""
    return isinstance(value, str) and value in allowed


# Measure numbers are stored as a 32-bit integer.
MAX_NUMBER = 2**31 - 1


def _positive_int(value) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_NUMBER


def _iso_date(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
