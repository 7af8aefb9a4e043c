"""The public, read-only pages and the open data: only what the coordinators have published.

Every plan has its pages under /planer/<slug>/; /planer/ lists the plans. The addresses from
before there were several plans live on in tracker/public/legacy_views.py.
"""

from collections import defaultdict

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import refresh

from tracker.measures.queries import all_areas, measure_counts
from tracker.ministries.queries import get_plan_unit, units_with_measures
from tracker.plan.context import load_plan, use_plan
from tracker.plan.models import Plan
from tracker.plan.queries import all_plans, only_plan
from tracker.public import open_data as data_files
from tracker.public.filters import FILTER_PARAMETERS, parse_filter
from tracker.public.page_cache import do_not_store, public_page
from tracker.public.queries import (
    MeasureFilter,
    get_published_round,
    public_measure,
    public_measures,
    published_history,
)
from tracker.public.search import excerpt, highlight_words
from tracker.reporting.queries import (
    latest_public_reports,
    latest_published_round,
    public_status_summary,
    public_totals_by_plan,
    published_rounds,
    reports_by_measure,
)
from tracker.reporting.states import STATUS_ORDER

blueprint = Blueprint("public", __name__)
open_data = Blueprint("open_data", __name__)

PLAN = "/planer/<plan_slug>"


# Flask-Babel remembers the locale on the app context, which a test client (and any code that
# keeps one open) shares between requests; each request must choose its own language.
blueprint.before_app_request(refresh)


@blueprint.get("/")
@public_page
def home():
    """The site's front page: the plan itself while the installation has one, else the list."""
    plan = only_plan()
    if plan is None:
        return _plan_list()
    return _front_page(use_plan(plan), canonical=True)


@blueprint.get("/planer/")
@public_page
def plans():
    return _plan_list()


def _plan_list():
    plans = all_plans()
    return render_template(
        "public/plans.html",
        plans=plans,
        totals=public_totals_by_plan(),
        statuses=STATUS_ORDER,
    )


@blueprint.get(f"{PLAN}/")
@public_page
def index(plan_slug: str):
    return _front_page(load_plan(plan_slug))


def _front_page(plan: Plan, canonical: bool = False):
    reporting_round = latest_published_round(plan)
    areas = all_areas(plan)
    measures = public_measures(plan, reporting_round)
    by_area = defaultdict(list)
    for measure in measures:
        by_area[measure.area_id].append(measure)
    measure_count, retired_count = measure_counts(plan)
    return render_template(
        "public/index.html",
        plan=plan,
        canonical=url_for("public.index", plan_slug=plan.slug) if canonical else None,
        reporting_round=reporting_round,
        reports=latest_public_reports(plan) if reporting_round else {},
        summary=public_status_summary(plan) if reporting_round else None,
        areas=[(area, by_area.get(area.id, [])) for area in areas],
        measure_count=measure_count,
        retired_count=retired_count,
        statuses=STATUS_ORDER,
    )


@blueprint.get(f"{PLAN}/tiltak")
@public_page(query=FILTER_PARAMETERS)
def measure_list(plan_slug: str):
    plan = load_plan(plan_slug)
    areas, units = all_areas(plan), units_with_measures(plan)
    measure_filter, problems = parse_filter(request.args, areas, units)
    if problems:
        do_not_store()  # each typo would be a page of its own in the cache
    reporting_round = latest_published_round(plan)
    measures = public_measures(plan, reporting_round, measure_filter)
    reports = latest_public_reports(plan) if reporting_round else {}
    excerpts = {}
    if measure_filter.text:
        # Where each found measure says what was searched for, the words marked.
        words = highlight_words(measure_filter.text)
        for measure in measures:
            report = reports.get(measure.id)
            texts = [report.narrative if report else "", measure.description, measure.title]
            excerpts[measure.id] = excerpt(texts, words)
    return render_template(
        "public/measures.html",
        plan=plan,
        areas=areas,
        units=units,
        statuses=STATUS_ORDER,
        measure_filter=measure_filter,
        problems=problems,
        reporting_round=reporting_round,
        measures=measures,
        reports=reports,
        excerpts=excerpts,
    )


@blueprint.get(f"{PLAN}/tiltak/<int:number>")
@public_page
def measure_detail(plan_slug: str, number: int):
    plan = load_plan(plan_slug)
    measure = public_measure(plan, number) or abort(404)
    history = published_history(measure)
    latest = latest_published_round(plan)
    # The latest published status, whichever round it is from; the page says which date.
    current = history[0] if history else None
    return render_template(
        "public/measure.html",
        plan=plan,
        measure=measure,
        history=history,
        current=current,
        latest_round=latest,
    )


@blueprint.get(f"{PLAN}/enheter/<abbreviation>")
@public_page
def unit_detail(plan_slug: str, abbreviation: str):
    plan = load_plan(plan_slug)
    unit = get_plan_unit(plan, abbreviation)
    if unit is None and abbreviation != abbreviation.upper():
        # Abbreviations are upper case; «…/enheter/aid» is a reader typing, not an error.
        return redirect(url_for("public.unit_detail", abbreviation=abbreviation.upper()), 301)
    if unit is None:
        abort(404)
    reporting_round = latest_published_round(plan)
    return render_template(
        "public/unit.html",
        plan=plan,
        unit=unit,
        reporting_round=reporting_round,
        measures=public_measures(plan, reporting_round, MeasureFilter(unit=unit.abbreviation)),
        reports=latest_public_reports(plan) if reporting_round else {},
    )


@blueprint.get(f"{PLAN}/om-dataene")
@public_page
def about_data(plan_slug: str):
    plan = load_plan(plan_slug)
    return render_template(
        "public/about_data.html",
        plan=plan,
        rounds=published_rounds(plan),
        fields=data_files.FIELDS,
        licence_name=data_files.LICENCE_NAME,
        licence_url=data_files.LICENCE_URL,
    )


@open_data.get(f"{PLAN}/data/tiltak.<any(json, csv):file_format>")
@public_page
def latest_round_file(plan_slug: str, file_format: str):
    plan = load_plan(plan_slug)
    reporting_round = latest_published_round(plan) or abort(404)
    # What the public pages show: each measure's latest published status, from any round.
    return _data_file(plan, reporting_round, file_format, latest_public_reports(plan))


@open_data.get(f"{PLAN}/data/<slug>/tiltak.<any(json, csv):file_format>")
@public_page
def round_file(plan_slug: str, slug: str, file_format: str):
    plan = load_plan(plan_slug)
    reporting_round = get_published_round(slug, plan) or abort(404)
    return _data_file(plan, reporting_round, file_format)


def _data_file(plan: Plan, reporting_round, file_format: str, reports=None):
    rows = data_files.records(
        reporting_round,
        public_measures(plan, reporting_round),
        reports_by_measure(reporting_round) if reports is None else reports,
    )
    headers = {"Access-Control-Allow-Origin": "*"}
    if file_format == "json":
        return data_files.to_json(plan, reporting_round, rows), headers | {
            "Content-Type": "application/json"
        }
    headers["Content-Disposition"] = f'attachment; filename="tiltak-{reporting_round.slug}.csv"'
    return data_files.to_csv(rows), headers | {"Content-Type": "text/csv; charset=utf-8"}
