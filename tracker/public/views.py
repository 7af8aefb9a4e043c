"""The public, read-only pages and the open data: only what the coordinator has published."""

from collections import defaultdict

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import refresh

from tracker.measures.queries import all_areas
from tracker.ministries.queries import get_ministry, ministries_with_measures
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
from tracker.reporting.queries import (
    latest_public_reports,
    latest_published_round,
    public_status_summary,
    published_rounds,
    reports_by_measure,
)
from tracker.reporting.states import STATUS_ORDER

blueprint = Blueprint("public", __name__)
open_data = Blueprint("open_data", __name__, url_prefix="/data")

# Flask-Babel remembers the locale on the app context, which a test client (and any code that
# keeps one open) shares between requests; each request must choose its own language.
blueprint.before_app_request(refresh)


@blueprint.get("/")
@public_page
def index():
    reporting_round = latest_published_round()
    areas = all_areas()
    measures = public_measures(reporting_round)
    by_area = defaultdict(list)
    for measure in measures:
        by_area[measure.area_id].append(measure)
    return render_template(
        "public/index.html",
        reporting_round=reporting_round,
        reports=latest_public_reports() if reporting_round else {},
        summary=public_status_summary() if reporting_round else None,
        areas=[(area, by_area.get(area.id, [])) for area in areas],
        statuses=STATUS_ORDER,
    )


@blueprint.get("/tiltak")
@public_page(query=FILTER_PARAMETERS)
def measure_list():
    areas, ministries = all_areas(), ministries_with_measures()
    measure_filter, problems = parse_filter(request.args, areas, ministries)
    if problems:
        do_not_store()  # each typo would be a page of its own in the cache
    reporting_round = latest_published_round()
    return render_template(
        "public/measures.html",
        areas=areas,
        ministries=ministries,
        statuses=STATUS_ORDER,
        measure_filter=measure_filter,
        problems=problems,
        reporting_round=reporting_round,
        measures=public_measures(reporting_round, measure_filter),
        reports=latest_public_reports() if reporting_round else {},
    )


@blueprint.get("/tiltak/<int:number>")
@public_page
def measure_detail(number: int):
    measure = public_measure(number) or abort(404)
    history = published_history(measure)
    latest = latest_published_round()
    # The latest published status, whichever round it is from; the page says which date.
    current = history[0] if history else None
    return render_template(
        "public/measure.html",
        measure=measure,
        history=history,
        current=current,
        latest_round=latest,
    )


@blueprint.get("/departementer/<abbreviation>")
@public_page
def ministry_detail(abbreviation: str):
    ministry = get_ministry(abbreviation)
    if ministry is None and abbreviation != abbreviation.upper():
        # Abbreviations are upper case; «/departementer/aid» is a reader typing, not an error.
        return redirect(url_for("public.ministry_detail", abbreviation=abbreviation.upper()), 301)
    if ministry is None:
        abort(404)
    reporting_round = latest_published_round()
    return render_template(
        "public/ministry.html",
        ministry=ministry,
        reporting_round=reporting_round,
        measures=public_measures(reporting_round, MeasureFilter(ministry=ministry.abbreviation)),
        reports=latest_public_reports() if reporting_round else {},
    )


@blueprint.get("/om-dataene")
@public_page
def about_data():
    return render_template(
        "public/about_data.html",
        rounds=published_rounds(),
        fields=data_files.FIELDS,
        licence_name=data_files.LICENCE_NAME,
        licence_url=data_files.LICENCE_URL,
    )


@open_data.get("/tiltak.<any(json, csv):file_format>")
@public_page
def latest_round_file(file_format: str):
    reporting_round = latest_published_round() or abort(404)
    # What the public pages show: each measure's latest published status, from any round.
    return _data_file(reporting_round, file_format, latest_public_reports())


@open_data.get("/<slug>/tiltak.<any(json, csv):file_format>")
@public_page
def round_file(slug: str, file_format: str):
    reporting_round = get_published_round(slug) or abort(404)
    return _data_file(reporting_round, file_format)


def _data_file(reporting_round, file_format: str, reports=None):
    rows = data_files.records(
        reporting_round,
        public_measures(reporting_round),
        reports_by_measure(reporting_round) if reports is None else reports,
    )
    headers = {"Access-Control-Allow-Origin": "*"}
    if file_format == "json":
        return data_files.to_json(reporting_round, rows), headers | {
            "Content-Type": "application/json"
        }
    headers["Content-Disposition"] = f'attachment; filename="tiltak-{reporting_round.slug}.csv"'
    return data_files.to_csv(rows), headers | {"Content-Type": "text/csv; charset=utf-8"}
