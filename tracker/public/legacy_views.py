"""The public addresses from before there were several plans, kept answering for good.

Journalists, data.norge.no and feed readers have linked /tiltak/7, /data/tiltak.json and
/feed.atom. Each now moves permanently (301) to the same page of the installation's first plan
(the lowest id: the plan those links were made for), so a link made in 2025 keeps meaning the
same plan whatever plans are added later. A round's open-data files go to the round's own plan;
the query string (language, filters, search) goes along. The site root / is not here: it shows
the plan itself while there is one, and the list of plans when there are several.
"""

from flask import Blueprint, abort, redirect, request, url_for

from tracker.plan.queries import first_plan
from tracker.public.queries import get_published_round
from tracker.security import allow_framing

blueprint = Blueprint("legacy", __name__)

# An open-data client fetching across origins must be let through the redirect as well.
OPEN_DATA_HEADERS = {"Access-Control-Allow-Origin": "*"}


def _moved(endpoint: str, plan_slug: str | None = None, headers: dict | None = None, **values):
    if plan_slug is None:
        plan = first_plan() or abort(404)
        plan_slug = plan.slug
    # url_for leaves the current language out (lang is in the query string, carried below).
    target = url_for(endpoint, plan_slug=plan_slug, **values, lang=None)
    query = request.query_string.decode("latin1")
    response = redirect(target + (f"?{query}" if query else ""), 301)
    response.headers.update(headers or {})
    return response


@blueprint.get("/tiltak")
def measure_list():
    return _moved("public.measure_list")


@blueprint.get("/tiltak/<int:number>")
def measure_detail(number: int):
    return _moved("public.measure_detail", number=number)


@blueprint.get("/innebygd")
def plan_embed():
    allow_framing()  # the redirect is followed inside the other site's frame
    return _moved("public.plan_embed")


@blueprint.get("/tiltak/<int:number>/innebygd")
def measure_embed(number: int):
    allow_framing()
    return _moved("public.measure_embed", number=number)


@blueprint.get("/departementer/<abbreviation>")
def unit_detail(abbreviation: str):
    return _moved("public.unit_detail", abbreviation=abbreviation)


@blueprint.get("/om-dataene")
def about_data():
    return _moved("public.about_data")


@blueprint.get("/data/tiltak.<any(json, csv, xlsx):file_format>")
@blueprint.get("/data/tiltak-excel.csv", defaults={"file_format": "excel-csv"})
def latest_round_file(file_format: str):
    return _moved("open_data.latest_round_file", headers=OPEN_DATA_HEADERS, file_format=file_format)


@blueprint.get("/data/<slug>/tiltak.<any(json, csv, xlsx):file_format>")
@blueprint.get("/data/<slug>/tiltak-excel.csv", defaults={"file_format": "excel-csv"})
def round_file(slug: str, file_format: str):
    reporting_round = get_published_round(slug) or abort(404)
    return _moved(
        "open_data.round_file",
        plan_slug=reporting_round.plan.slug,
        headers=OPEN_DATA_HEADERS,
        slug=slug,
        file_format=file_format,
    )


@blueprint.get("/feed.atom")
def site_feed():
    return _moved("feeds.plan")


@blueprint.get("/departementer/<abbreviation>/feed.atom")
def unit_feed(abbreviation: str):
    return _moved("feeds.unit", abbreviation=abbreviation)


@blueprint.get("/tiltak/<int:number>/feed.atom")
def measure_feed(number: int):
    return _moved("feeds.measure", number=number)
