"""The public, read-only pages and the open data: only what the coordinators have published.

Every plan has its pages under /planer/<slug>/; /planer/ lists the plans. The addresses from
before there were several plans live on in tracker/public/legacy_views.py.
"""

import json
from collections import defaultdict

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext, refresh
from flask_babel import gettext as _
from markupsafe import escape

from tracker.absolute_urls import absolute_url
from tracker.measures.queries import all_areas, measure_counts, measure_counts_by_area
from tracker.ministries.queries import get_plan_unit, unit_now, units_with_measures
from tracker.plan.context import load_plan, use_plan
from tracker.plan.models import Plan
from tracker.plan.queries import all_plans, only_plan
from tracker.public import open_data as data_files
from tracker.public.catalog import Addresses, build_catalogue
from tracker.public.filters import FILTER_PARAMETERS, parse_filter, parse_page
from tracker.public.page_cache import do_not_store, public_page
from tracker.public.queries import (
    PAGE_SIZE,
    MeasureFilter,
    get_published_round,
    public_measure,
    public_measure_page,
    public_measures,
    published_history,
    published_rounds_by_plan,
)
from tracker.public.search import excerpt_in, highlight_words
from tracker.reporting.queries import (
    latest_public_reports,
    latest_published_round,
    public_status_summary,
    public_totals_by_plan,
    published_rounds,
    reports_by_measure,
)
from tracker.reporting.states import STATUS_ORDER
from tracker.results.open_data import (
    RESULTS_FIELDS,
    indicator_rows,
    indicators_csv,
    with_results,
)
from tracker.results.queries import public_indicators, public_results
from tracker.security import allow_framing
from tracker.spreadsheets.workbook import XLSX_MIMETYPE

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
    measure_count, retired_count = measure_counts(plan)
    by_area: dict = defaultdict(list)
    area_counts: dict = {}
    if measure_count <= PAGE_SIZE:
        for measure in public_measures(plan, reporting_round):
            by_area[measure.area_id].append(measure)
    else:
        # A long plan's front page names its areas and how many measures each has, with a
        # link to their pages of the list; every measure on one page would be megabytes.
        area_counts = measure_counts_by_area(plan)
    return render_template(
        "public/index.html",
        plan=plan,
        canonical=url_for("public.index", plan_slug=plan.slug) if canonical else None,
        reporting_round=reporting_round,
        # The reports of the measures listed: none on a long plan's page (the same one query).
        reports=(
            latest_public_reports(plan, measure_ids=None if not area_counts else [])
            if reporting_round
            else {}
        ),
        summary=public_status_summary(plan) if reporting_round else None,
        areas=[(area, by_area.get(area.id, [])) for area in areas],
        area_counts=area_counts,
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
    page_number, page_problems = parse_page(request.args)
    reporting_round = latest_published_round(plan)
    page = public_measure_page(plan, reporting_round, measure_filter, page_number)
    if page_number > 1 and not page.measures:
        page_problems.append(_("Listen har ikke så mange sider. Viser side 1."))
        page = public_measure_page(plan, reporting_round, measure_filter, 1)
    problems += page_problems
    if problems:
        do_not_store()  # each typo would be a page of its own in the cache
    ids = [measure.id for measure in page.measures]
    reports = latest_public_reports(plan, measure_ids=ids) if reporting_round else {}
    excerpts = {}
    if measure_filter.text:
        # Where each found measure says what was searched for, the words marked.
        words = highlight_words(measure_filter.text)
        for measure in page.measures:
            report = reports.get(measure.id)
            language = plan.default_language
            found = excerpt_in(
                [
                    (report.narrative, report.narrative_language) if report else ("", language),
                    (measure.description, language),
                    (measure.title, language),
                    # Sámi texts last: where only they hold the word, the excerpt is Sámi.
                    (report.narrative_se if report else "", "se"),
                    (measure.summary_se, "se"),
                ],
                words,
            )
            if found:
                excerpts[measure.id] = found
    return render_template(
        "public/measures.html",
        plan=plan,
        areas=areas,
        units=units,
        statuses=STATUS_ORDER,
        measure_filter=measure_filter,
        problems=problems,
        reporting_round=reporting_round,
        measures=page.measures,
        page=page,
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
        results=public_results(plan, measure),
        embed_snippet=_embed_snippet(measure)
        if current_app.config["EMBED_ALLOWED_ORIGINS"]
        else "",
    )


def _embed_snippet(measure) -> str:
    """The ``<iframe>`` another site pastes to show the measure's status card."""
    source = absolute_url("public.measure_embed", number=measure.number)
    title = escape(gettext("Status for tiltak %(number)d", number=measure.number))
    return (
        f'<iframe src="{source}" title="{title}" width="420" height="200" loading="lazy"></iframe>'
    )


# --- Embeddable status cards: pages other sites show in a frame (EMBED_ALLOWED_ORIGINS) -------


@blueprint.get(f"{PLAN}/innebygd")
@public_page
def plan_embed(plan_slug: str):
    allow_framing()
    plan = load_plan(plan_slug)
    reporting_round = latest_published_round(plan)
    return render_template(
        "public/embed_plan.html",
        plan=plan,
        reporting_round=reporting_round,
        summary=public_status_summary(plan) if reporting_round else None,
        statuses=STATUS_ORDER,
    )


@blueprint.get(f"{PLAN}/tiltak/<int:number>/innebygd")
@public_page
def measure_embed(plan_slug: str, number: int):
    allow_framing()
    plan = load_plan(plan_slug)
    measure = public_measure(plan, number) or abort(404)
    history = published_history(measure)
    return render_template(
        "public/embed_measure.html",
        plan=plan,
        measure=measure,
        current=history[0] if history else None,
    )


@blueprint.get(f"{PLAN}/enheter/<abbreviation>")
@public_page(query=("side",))
def unit_detail(plan_slug: str, abbreviation: str):
    plan = load_plan(plan_slug)
    unit = get_plan_unit(plan, abbreviation)
    if unit is None and abbreviation != abbreviation.upper():
        # Abbreviations are upper case; «…/enheter/aid» is a reader typing, not an error.
        return redirect(url_for("public.unit_detail", abbreviation=abbreviation.upper()), 301)
    if unit is None:
        # A unit merged into another or renamed: its old address leads to the unit it is now.
        into = unit_now(abbreviation)
        if into is not None and get_plan_unit(plan, into.abbreviation) is not None:
            return redirect(url_for("public.unit_detail", abbreviation=into.abbreviation), 301)
        abort(404)
    reporting_round = latest_published_round(plan)
    page_number, problems = parse_page(request.args)
    page = public_measure_page(
        plan, reporting_round, MeasureFilter(unit=unit.abbreviation), page_number
    )
    if problems or (page_number > 1 and not page.measures):
        # Each wrong number would be a page of its own in the cache: the first page's address.
        return redirect(url_for("public.unit_detail", abbreviation=unit.abbreviation), 302)
    ids = [measure.id for measure in page.measures]
    return render_template(
        "public/unit.html",
        plan=plan,
        unit=unit,
        reporting_round=reporting_round,
        measures=page.measures,
        page=page,
        reports=latest_public_reports(plan, measure_ids=ids) if reporting_round else {},
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
        results_fields=RESULTS_FIELDS,
    )


# The files of a round: JSON, CSV (for programs), XLSX, and Excel's CSV (tiltak-excel.csv).
FILE_FORMATS = "<any(json, csv, xlsx):file_format>"
EXCEL_CSV = {"file_format": "excel-csv"}


@open_data.get(f"{PLAN}/data/tiltak.{FILE_FORMATS}")
@open_data.get(f"{PLAN}/data/tiltak-excel.csv", defaults=EXCEL_CSV)
@public_page
def latest_round_file(plan_slug: str, file_format: str):
    plan = load_plan(plan_slug)
    reporting_round = latest_published_round(plan) or abort(404)
    # What the public pages show: each measure's latest published status, from any round.
    return _data_file(plan, reporting_round, file_format, latest_public_reports(plan))


@open_data.get(f"{PLAN}/data/indikatorer.csv")
@public_page
def indicators_file(plan_slug: str):
    """Tidy: one row per measure, indicator and reported period, every published value."""
    plan = load_plan(plan_slug)
    body = indicators_csv(indicator_rows(public_measures(plan, None), public_indicators(plan)))
    return body, {
        "Access-Control-Allow-Origin": "*",
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="indikatorer.csv"',
    }


@open_data.get(f"{PLAN}/data/<slug>/tiltak.{FILE_FORMATS}")
@open_data.get(f"{PLAN}/data/<slug>/tiltak-excel.csv", defaults=EXCEL_CSV)
@public_page
def round_file(plan_slug: str, slug: str, file_format: str):
    plan = load_plan(plan_slug)
    reporting_round = get_published_round(slug, plan) or abort(404)
    return _data_file(plan, reporting_round, file_format)


@open_data.get("/data/katalog.jsonld")
@public_page
def catalogue():
    """The open data described in DCAT-AP-NO for data.norge.no (tracker/public/catalog.py)."""
    config = current_app.config
    contact = config["OPEN_DATA_CONTACT"]
    if contact and not contact.startswith(("https://", "http://")):
        contact = "mailto:" + contact
    addresses = Addresses(
        catalogue=absolute_url("open_data.catalogue"),
        home=absolute_url("public.home"),
        plan_page=lambda plan: absolute_url("public.index", plan_slug=plan.slug),
        about_data=lambda plan: absolute_url("public.about_data", plan_slug=plan.slug),
        latest_file=lambda plan, file_format: absolute_url(
            "open_data.latest_round_file", plan_slug=plan.slug, file_format=file_format
        ),
        round_file=lambda plan, reporting_round, file_format: absolute_url(
            "open_data.round_file",
            plan_slug=plan.slug,
            slug=reporting_round.slug,
            file_format=file_format,
        ),
        contact=contact,
        api=absolute_url("api.plans").removesuffix("/plans"),
        api_description=absolute_url("api.openapi"),
    )
    document = build_catalogue(
        all_plans(),
        published_rounds_by_plan(),
        addresses,
        publisher=config["PRIVACY_OWNER"] or config["REPORT_DEPARTMENT"],
    )
    return json.dumps(document, ensure_ascii=False, indent=1), {
        "Content-Type": "application/ld+json",
        "Access-Control-Allow-Origin": "*",
    }


def _data_file(plan: Plan, reporting_round, file_format: str, reports=None):
    measures = public_measures(plan, reporting_round)
    rows = data_files.records(
        reporting_round,
        measures,
        reports_by_measure(reporting_round) if reports is None else reports,
    )
    headers = {"Access-Control-Allow-Origin": "*"}
    if file_format == "json":
        # The latest file carries every published value; a round's own, those up to its date.
        with_results(plan, measures, rows, None if reports is not None else reporting_round.as_of)
        return data_files.to_json(plan, reporting_round, rows), headers | {
            "Content-Type": "application/json"
        }
    name = f"tiltak-{reporting_round.slug}"
    if file_format == "xlsx":
        headers["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        body = data_files.to_xlsx(plan, reporting_round, rows)
        return body, headers | {"Content-Type": XLSX_MIMETYPE}
    if file_format == "excel-csv":
        headers["Content-Disposition"] = f'attachment; filename="{name}-excel.csv"'
        return data_files.to_excel_csv(rows), headers | {"Content-Type": "text/csv; charset=utf-8"}
    headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return data_files.to_csv(rows), headers | {"Content-Type": "text/csv; charset=utf-8"}
