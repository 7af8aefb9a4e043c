"""/api/v1/…: plans, areas, units, measures with their current public status and history, and the
published rounds. Only published data: every read goes through the public pages' queries.

Each resource is a public page (``@public_page``): rendered once per published data version,
replayed from the page cache after that, with the same ETag, Cache-Control and 304 handling as
the HTML pages. Reading is open to any origin (CORS ``*``), without credentials.
"""

import json

from flask import Blueprint

from tracker.absolute_urls import absolute_url, absolute_url_builder
from tracker.api import representations as show
from tracker.api.openapi import openapi_document
from tracker.measures.queries import all_areas
from tracker.ministries.queries import units_with_measures
from tracker.plan.context import use_plan
from tracker.plan.models import Plan
from tracker.plan.queries import all_plans, get_plan
from tracker.public.page_cache import public_page
from tracker.public.queries import public_measure, public_measures, published_history
from tracker.reporting.queries import (
    latest_public_reports,
    latest_published_round,
    published_rounds,
)

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

PLAN = "/plans/<plan_slug>"
CORS = {
    "Access-Control-Allow-Origin": "*",
    # Not on the safelist: a script on another site may read it for its next If-None-Match.
    "Access-Control-Expose-Headers": "ETag",
}


def api_get(rule: str):
    """A GET route whose OPTIONS is answered by ``preflight`` (with the CORS headers), not by
    Flask's automatic OPTIONS."""
    return blueprint.route(rule, methods=["GET"], provide_automatic_options=False)


def _json(document, status: int = 200):
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return body, status, {"Content-Type": "application/json", **CORS}


def _not_found(what: str):
    return _json({"error": "not_found", "message": f"{what} finnes ikke."}, 404)


def _plan(plan_slug: str) -> Plan | None:
    plan = get_plan(plan_slug)
    return use_plan(plan) if plan is not None else None


@blueprint.route("/<path:anything>", methods=["OPTIONS"])
@blueprint.route("/", methods=["OPTIONS"])
def preflight(anything: str = ""):
    """A browser asks before a GET with headers outside the safelist (If-None-Match)."""
    return (
        "",
        204,
        {
            **CORS,
            "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
            "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
            "Access-Control-Max-Age": "86400",
        },
    )


@api_get("/openapi.json")
@public_page
def openapi():
    return _json(openapi_document(absolute_url("api.plans").removesuffix("/plans")))


@api_get("/plans")
@public_page
def plans():
    return _json({"plans": [show.plan(plan, absolute_url) for plan in all_plans()]})


@api_get(PLAN)
@public_page
def plan_detail(plan_slug: str):
    plan = _plan(plan_slug)
    if plan is None:
        return _not_found("Planen")
    latest = latest_published_round(plan)
    return _json(
        {
            **show.plan(plan, absolute_url),
            "latest_round": show.reporting_round(latest) if latest else None,
            "links": {
                name: absolute_url(f"api.{name}", plan_slug=plan.slug)
                for name in ("areas", "units", "measures", "rounds")
            },
        }
    )


@api_get(f"{PLAN}/areas")
@public_page
def areas(plan_slug: str):
    return _plan_list(plan_slug, "areas", lambda plan: [show.area(a) for a in all_areas(plan)])


@api_get(f"{PLAN}/units")
@public_page
def units(plan_slug: str):
    return _plan_list(
        plan_slug, "units", lambda plan: [show.unit(u) for u in units_with_measures(plan)]
    )


@api_get(f"{PLAN}/rounds")
@public_page
def rounds(plan_slug: str):
    return _plan_list(
        plan_slug, "rounds", lambda plan: [show.reporting_round(r) for r in published_rounds(plan)]
    )


def _plan_list(plan_slug: str, key: str, rows):
    """A plan's list under ``key``, or the API's 404 for a plan that does not exist."""
    plan = _plan(plan_slug)
    if plan is None:
        return _not_found("Planen")
    return _json({key: rows(plan)})


@api_get(f"{PLAN}/measures")
@public_page
def measures(plan_slug: str):
    plan = _plan(plan_slug)
    if plan is None:
        return _not_found("Planen")
    latest = latest_published_round(plan)
    reports = latest_public_reports(plan) if latest else {}
    link = absolute_url_builder()
    return _json(
        {
            "measures": [
                show.measure(measure, reports.get(measure.id), link, plan.slug)
                for measure in public_measures(plan, latest)
            ]
        }
    )


@api_get(f"{PLAN}/measures/<int:number>")
@public_page
def measure_detail(plan_slug: str, number: int):
    plan = _plan(plan_slug)
    if plan is None:
        return _not_found("Planen")
    measure = public_measure(plan, number)
    if measure is None:
        return _not_found("Tiltaket")
    history = published_history(measure)
    current = history[0] if history else None
    return _json(
        {
            **show.measure(measure, current, absolute_url, plan.slug),
            "history": [show.status(report) for report in history],
        }
    )
