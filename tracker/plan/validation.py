"""Validation of a plan file before anything is written.

Every problem is reported at once, each naming where it is (the measure, the unit, the round
and the field), in Norwegian, because the person reading it maintains the plan file.

The file: ``plan`` (slug, titles, period, owner, intro, default language), ``areas``, the
responsible bodies as ``units`` (or ``ministries``, the name the first seed file used; same
fields), ``measures`` (each naming its area and its responsible units, lead first, under
``units`` or ``ministries``) and, optionally, ``rounds`` with their reports. Units already in
the installation are matched by abbreviation: a measure may name one the file does not list.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeGuard

from tracker.backup.validation import Invalid, column_value
from tracker.measures.models import Area, Measure
from tracker.ministries.models import ResponsibleUnit, UnitKind
from tracker.plan.models import PLAN_LANGUAGES, Plan
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.operations import SLUG
from tracker.reporting.states import Status
from tracker.results.plan_file import (
    check_measure_results,
    check_report_values,
    indicator_names,
)
from tracker.user_errors import UserError

# Where each field of the file is stored: its value must fit that column (length, range,
# characters the database accepts).
STORED_IN = {
    ("areas", "key"): Area.__table__.c.key,
    ("areas", "name"): Area.__table__.c.name,
    ("areas", "name_en"): Area.__table__.c.name_en,
    ("units", "abbreviation"): ResponsibleUnit.__table__.c.abbreviation,
    ("units", "name"): ResponsibleUnit.__table__.c.name,
}
# The two names of the list of responsible bodies, and the kind each gives a unit by default.
UNIT_LISTS = {"units": UnitKind.OTHER, "ministries": UnitKind.MINISTRY}
# Words the coordinator's plan pages use beside plan slugs (/planarbeid/enheter, /ny-plan).
RESERVED_PLAN_SLUGS = frozenset({"enheter", "ny-plan"})
# «2024–2027» (with an en dash or a hyphen), or one year.
PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[–-]\s*(\d{4}))?\s*\Z")
PLAN_TEXT_FIELDS = (
    # field, required
    ("title", True),
    ("title_nn", False),
    ("title_en", False),
    ("owner", True),
    ("intro", False),
    ("intro_nn", False),
    ("intro_en", False),
    ("launched", False),
    ("note", False),
    ("isbn", False),
    ("issn", False),
    ("licence", False),
    ("contact", False),
)


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


@dataclass(frozen=True)
class KnownUnit:
    name: str
    kind: str


@dataclass(frozen=True)
class Installation:
    """What the database already holds that a plan file must agree with."""

    units: dict[str, KnownUnit] = field(default_factory=dict)  # by abbreviation
    plan_slugs: frozenset[str] = frozenset()
    round_plans: dict[str, str] = field(default_factory=dict)  # round slug → its plan's slug


def unit_list_name(data: dict) -> str:
    """Which of the two names the file uses for its list of responsible bodies."""
    return "units" if "units" in data else "ministries"


def measure_units_field(measure: dict) -> str:
    return "units" if "units" in measure else "ministries"


def plan_period(plan: dict[str, Any]) -> tuple[int, int] | None:
    """(first year, last year) from ``period`` or from ``first_year`` and ``last_year``."""
    if "first_year" in plan or "last_year" in plan:
        first, last = plan.get("first_year"), plan.get("last_year")
        if isinstance(first, int) and isinstance(last, int) and _year(first) and _year(last):
            return (first, last) if first <= last else None
        return None
    period = plan.get("period")
    match = PERIOD.match(period) if isinstance(period, str) else None
    if match is None:
        return None
    first_year, last_year = int(match.group(1)), int(match.group(2) or match.group(1))
    return (first_year, last_year) if first_year <= last_year else None


def validate_plan(
    data, installation: Installation = Installation(), *, new_plan: bool = False
) -> list[PlanProblem]:
    """Return every problem in ``data``; an empty list means it can be loaded.

    ``new_plan``: the file must make a plan the installation does not have yet (``flask plans
    import``); otherwise it may also update the plan of the same slug (``flask seed``).
    """
    problems: list[PlanProblem] = []

    def problem(where: str, message: str) -> None:
        problems.append(PlanProblem(where, message))

    if not isinstance(data, dict):
        return [PlanProblem("filen", "toppnivået må være et JSON-objekt")]

    slug = _check_plan(data.get("plan"), installation, new_plan, problem)
    area_keys = _check_named_list(data, "areas", "key", ("name", "name_en"), "område", problem)
    unit_abbreviations = _check_units(data, installation, new_plan, problem)
    measure_numbers = _check_measures(data, area_keys, unit_abbreviations, problem)
    _check_rounds(data, measure_numbers, slug, installation, problem)
    _check_results(data, problem)
    return problems


def _check_results(data: dict, problem) -> None:
    """Milestones, indicators and budget per measure; indicator values per round report."""
    period = plan_period(data["plan"]) if isinstance(data.get("plan"), dict) else None
    first_year = period[0] if period else None
    names: dict[int, set[str]] = {}
    measures = data.get("measures")
    for measure in measures if isinstance(measures, list) else []:
        if isinstance(measure, dict) and _positive_int(measure.get("number")):
            where = f"tiltak {measure['number']}"
            check_measure_results(measure, where, first_year, problem)
            names[measure["number"]] = indicator_names(measure)
    rounds = data.get("rounds")
    for reporting_round in rounds if isinstance(rounds, list) else []:
        if not isinstance(reporting_round, dict):
            continue
        reports = reporting_round.get("reports")
        for report in reports if isinstance(reports, list) else []:
            if isinstance(report, dict) and _positive_int(report.get("measure")):
                slug, number = reporting_round.get("slug"), report["measure"]
                where = f"rapporteringsrunde «{slug}», tiltak {number}"
                known = names.get(report["measure"], set())
                check_report_values(report, where, known, problem)


def _check_plan(plan, installation: Installation, new_plan: bool, problem) -> str | None:
    if not isinstance(plan, dict):
        problem("plan", "må være et JSON-objekt med feltene «slug», «title», «period» og «owner»")
        return None
    slug = plan.get("slug")
    reason = _text_problem(slug, Plan.__table__.c.slug)
    if reason or not isinstance(slug, str):
        problem("plan", f"feltet «slug» {reason} (kortnavnet brukes i adressen /planer/<slug>/)")
        slug = None
    elif not SLUG.match(slug):
        problem("plan", "feltet «slug» kan bare ha små bokstaver a–z, tall og bindestrek")
        slug = None
    elif slug in RESERVED_PLAN_SLUGS:
        problem("plan", f"kortnavnet «{slug}» er et ord adressene bruker selv; velg et annet")
        slug = None
    elif new_plan and slug in installation.plan_slugs:
        problem(
            "plan",
            f"det finnes allerede en plan med kortnavnet «{slug}»; velg et annet kortnavn "
            "(«slug»), eller bruk `flask seed` for å oppdatere planen",
        )
    for field_name, required in PLAN_TEXT_FIELDS:
        if not required and plan.get(field_name) is None:
            continue
        reason = _text_problem(
            plan.get(field_name), Plan.__table__.c[field_name], may_be_empty=not required
        )
        if reason:
            problem("plan", f"feltet «{field_name}» {reason}")
    if plan_period(plan) is None:
        problem(
            "plan",
            "planperioden mangler eller er ugyldig: skriv «period» som «2024–2027», eller "
            "«first_year» og «last_year» som årstall der det første ikke er etter det siste",
        )
    language = plan.get("default_language", "nb")
    if not _is_one_of(language, set(PLAN_LANGUAGES)):
        problem("plan", "feltet «default_language» må være «nb» (bokmål) eller «nn» (nynorsk)")
    return slug


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


def _check_units(data, installation: Installation, new_plan: bool, problem) -> set[str]:
    """The units the file lists, checked; with the installation's own, what a measure may name."""
    if "units" in data and "ministries" in data:
        problem("units", "filen kan ha «units» eller «ministries», ikke begge")
    list_name = unit_list_name(data)
    items = data.get(list_name)
    if not isinstance(items, list) or not items:
        problem(list_name, "må være en liste med minst én ansvarlig enhet")
        return set(installation.units)
    listed: set[str] = set()
    kinds = {kind.value for kind in UnitKind}
    for index, item in enumerate(items, start=1):
        where = f"enhet nr. {index} i «{list_name}»"
        if not isinstance(item, dict):
            problem(where, "må være et JSON-objekt")
            continue
        abbreviation = item.get("abbreviation")
        reason = _text_problem(abbreviation, STORED_IN["units", "abbreviation"])
        if reason or not isinstance(abbreviation, str):
            problem(where, f"feltet «abbreviation» {reason}")
            continue
        where = f"enhet «{abbreviation}»"
        if abbreviation in listed:
            problem(where, "«abbreviation» er brukt mer enn én gang")
        listed.add(abbreviation)
        reason = _text_problem(item.get("name"), STORED_IN["units", "name"])
        if reason:
            problem(where, f"feltet «name» {reason}")
        kind = item.get("kind", UNIT_LISTS[list_name].value)
        if not _is_one_of(kind, kinds):
            problem(where, f"feltet «kind» må være en av {', '.join(sorted(kinds))}")
            continue
        known = installation.units.get(abbreviation)
        if known is None or not new_plan:
            continue
        # Shared with the plans already in the installation: a new plan must not rename it.
        if isinstance(item.get("name"), str) and item["name"] != known.name:
            problem(
                where,
                f"finnes allerede i installasjonen med navnet «{known.name}», og enheten deles "
                "mellom planene; bruk samme navn, eller en annen forkortelse for en annen enhet",
            )
        if "kind" in item and kind != known.kind:
            problem(where, f"finnes allerede i installasjonen som «{known.kind}», ikke «{kind}»")
    return listed | set(installation.units)


def _check_measures(data, area_keys, unit_abbreviations, problem) -> set[int]:
    measures = data.get("measures")
    if not isinstance(measures, list) or not measures:
        problem("measures", "må være en liste med minst ett tiltak")
        return set()
    areas_of: dict[int, str | None] = {}
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
        area = _check_area(measure.get("area"), where, area_keys, problem)
        if number in areas_of:
            if area is not None and areas_of[number] not in (None, area):
                problem(
                    where,
                    f"tiltaket står i to hovedområder («{areas_of[number]}» og «{area}»); et "
                    "tiltak hører til nøyaktig ett, og nummeret kan bare brukes én gang",
                )
            else:
                problem(where, "nummeret er brukt av mer enn ett tiltak")
        else:
            areas_of[number] = area
        for text_field in ("title", "description"):
            reason = _text_problem(measure.get(text_field), Measure.__table__.c[text_field])
            if reason:
                problem(where, f"feltet «{text_field}» {reason}")
        for optional_field in ("note", "retired_reason"):
            if optional_field in measure:
                reason = _text_problem(
                    measure[optional_field],
                    Measure.__table__.c[optional_field],
                    may_be_empty=True,
                )
                if reason:
                    problem(where, f"feltet «{optional_field}» {reason}")
        if measure.get("retired_on") is not None and not _iso_date(measure["retired_on"]):
            problem(where, "feltet «retired_on» må være en dato på formen ÅÅÅÅ-MM-DD")
        _check_owners(measure, where, unit_abbreviations, problem)
    return set(areas_of)


def _check_area(area, where: str, area_keys: set[str], problem) -> str | None:
    """The measure's one area, or None after saying what is wrong with it."""
    if isinstance(area, list):
        if len(area) > 1:
            named = ", ".join(f"«{a}»" for a in area)
            problem(
                where,
                f"tiltaket står i flere hovedområder ({named}); et tiltak hører til nøyaktig ett",
            )
            return None
        area = area[0] if area else None
    if not _is_one_of(area, area_keys):
        problem(where, f"feltet «area» viser til et hovedområde som ikke finnes: «{area}»")
        return None
    return area


def _check_owners(measure: dict, where: str, unit_abbreviations: set[str], problem) -> None:
    if "units" in measure and "ministries" in measure:
        problem(where, "tiltaket kan ha «units» eller «ministries», ikke begge")
    field_name = measure_units_field(measure)
    owners = measure.get(field_name)
    if not isinstance(owners, list) or not owners:
        problem(
            where,
            f"feltet «{field_name}» må være en liste med minst én ansvarlig enhet "
            "(den med hovedansvar først)",
        )
        return
    for abbreviation in owners:
        if not _is_one_of(abbreviation, unit_abbreviations):
            problem(
                where,
                f"feltet «{field_name}» viser til en ukjent enhet «{abbreviation}» (hverken i "
                "filens liste over enheter eller i installasjonen)",
            )
    if len(set(map(str, owners))) != len(owners):
        problem(where, f"feltet «{field_name}» nevner samme enhet mer enn én gang")


def _check_rounds(data, measure_numbers, plan_slug, installation: Installation, problem) -> None:
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
        if not SLUG.match(slug):
            problem(where, "feltet «slug» kan bare ha små bokstaver a–z, tall og bindestrek")
        owner = installation.round_plans.get(slug)
        if owner is not None and owner != plan_slug:
            problem(
                where,
                f"kortnavnet er allerede brukt av en runde i planen «{owner}»; rundenes "
                "kortnavn er unike i hele installasjonen",
            )
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


def _text_problem(value, column: Any, may_be_empty: bool = False) -> str | None:
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


def _year(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200


def _iso_date(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
