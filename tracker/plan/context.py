"""The plan a request is about: the one in a public address (/planer/<slug>/…), found once per
request with a 404 in one place, or the plan of the round a person is working on.

A public view calls ``load_plan(plan_slug)`` as its first step, inside the page cache, so a
cached page costs no query for its plan. The plan is kept on ``g`` for the layout (site title,
owner) and for links: ``url_for`` fills in the current plan's slug for every endpoint that
takes one.
"""

from flask import Flask, abort, current_app, g

from tracker.plan.models import Plan
from tracker.plan.queries import get_plan


def load_plan(slug: str) -> Plan:
    plan = get_plan(slug)
    if plan is None:
        abort(404)
    return use_plan(plan)


def use_plan(plan: Plan) -> Plan:
    """Make ``plan`` the page's plan (the layout's title and owner, the links' slug)."""
    g.plan = plan
    return plan


def page_plan() -> Plan | None:
    """The plan the page is about, if any (for the layout)."""
    return g.get("plan")


def keep_plan(endpoint: str, values: dict) -> None:
    """url_defaults hook: links from a plan's page lead to the same plan's pages."""
    plan = g.get("plan")
    if (
        plan is not None
        and "plan_slug" not in values
        and current_app.url_map.is_endpoint_expecting(endpoint, "plan_slug")
    ):
        values["plan_slug"] = plan.slug


def init_app(app: Flask) -> None:
    app.url_defaults(keep_plan)
