"""What the API says about each thing: plain dicts from models, no Flask and no queries here (the
views load everything first, so a response costs a fixed number of queries). The shapes are
those of tracker/api/openapi.py's schemas; the tests validate every response against them."""

from collections.abc import Callable

from tracker.measures.models import Area, Measure
from tracker.ministries.models import ResponsibleUnit
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound

Link = Callable[..., str]  # absolute_url(endpoint, **values)


def plan(item: Plan, link: Link) -> dict:
    return {
        "slug": item.slug,
        "title": item.title,
        "title_nn": item.title_nn,
        "title_en": item.title_en,
        "first_year": item.first_year,
        "last_year": item.last_year,
        "owner": item.owner,
        "language": item.default_language,
        "url": link("public.index", plan_slug=item.slug),
        "api_url": link("api.plan_detail", plan_slug=item.slug),
    }


def area(item: Area) -> dict:
    return {"key": item.key, "name": item.name, "name_en": item.name_en}


def unit(item: ResponsibleUnit) -> dict:
    return {"abbreviation": item.abbreviation, "name": item.name, "kind": item.kind.value}


def reporting_round(item: ReportingRound) -> dict:
    return {
        "slug": item.slug,
        "title": item.title,
        "as_of": item.as_of.isoformat(),
        "published_at": item.published_at.isoformat() if item.published_at else None,
    }


def status(report: MeasureReport | None) -> dict | None:
    """A published status: never a draft, since the queries give only approved reports in
    published rounds."""
    if report is None:
        return None
    return {
        "status": report.status.value,
        "status_label": report.status.label,
        "as_of": report.round.as_of.isoformat(),
        "round": report.round.slug,
        "narrative": report.narrative,
        "narrative_language": report.narrative_language,
        "narrative_se": report.narrative_se or None,
    }


def measure(item: Measure, report: MeasureReport | None, link: Link, plan_slug: str) -> dict:
    units = item.units
    return {
        "number": item.number,
        "title": item.title,
        "description": item.description,
        "summary_se": item.summary_se or None,
        "area": item.area.key,
        "units": [responsible.abbreviation for responsible in units],
        "lead_unit": units[0].abbreviation if units else None,
        "retired_on": item.retired_on.isoformat() if item.retired_on else None,
        "current_status": status(report),
        "url": link("public.measure_detail", plan_slug=plan_slug, number=item.number),
        "api_url": link("api.measure_detail", plan_slug=plan_slug, number=item.number),
    }
