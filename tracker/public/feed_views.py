"""Atom feeds per plan: the whole plan, one unit's measures, one measure. Thin routes over
feeds.py."""

from datetime import UTC, datetime, time

from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.absolute_urls import absolute_url, public_host
from tracker.languages import locale_code
from tracker.ministries.queries import get_plan_unit
from tracker.plan.context import load_plan
from tracker.plan.models import Plan
from tracker.public.feed_negotiation import prefers_html
from tracker.public.feeds import (
    LISTED_CHANGES,
    Entry,
    Feed,
    Publication,
    build_feed,
    publications,
)
from tracker.public.page_cache import public_page
from tracker.public.queries import public_measure
from tracker.results.queries import milestones_reached_in_reports

blueprint = Blueprint("feeds", __name__)

ATOM_TYPE = "application/atom+xml; charset=utf-8"
PLAN = "/planer/<plan_slug>"


@blueprint.get(f"{PLAN}/feed.atom")
@public_page
def plan(plan_slug: str):
    found = load_plan(plan_slug)
    title = found.title_in(locale_code())
    return _feed(
        found,
        [item for item in publications(found) if item.status_changes],
        title=_("%(plan)s: publiserte statuser", plan=title),
        subtitle=_("Én oppføring per publiserte rapportering, med tiltakene som endret status."),
        self_link=absolute_url("feeds.plan"),
        page_link=absolute_url("public.index"),
        scope="",
    )


@blueprint.get(f"{PLAN}/enheter/<abbreviation>/feed.atom")
@public_page
def unit(plan_slug: str, abbreviation: str):
    found_plan = load_plan(plan_slug)
    found = get_plan_unit(found_plan, abbreviation) or abort(404)
    return _feed(
        found_plan,
        [item for item in publications(found_plan, unit_id=found.id) if item.status_changes],
        title=_("%(unit)s: publiserte statuser", unit=found.name),
        subtitle=_(
            "Statusendringer for tiltakene til %(unit)s, per publiserte rapportering.",
            unit=found.name,
        ),
        self_link=absolute_url("feeds.unit", abbreviation=found.abbreviation),
        page_link=absolute_url("public.unit_detail", abbreviation=found.abbreviation),
        scope=f"/departementer/{found.abbreviation}",
    )


@blueprint.get(f"{PLAN}/tiltak/<int:number>/feed.atom")
@public_page
def measure(plan_slug: str, number: int):
    found_plan = load_plan(plan_slug)
    found = public_measure(found_plan, number) or abort(404)
    return _feed(
        found_plan,
        [item for item in publications(found_plan, measure_id=found.id) if item.changes],
        title=_("Tiltak %(number)d: publiserte statuser", number=found.number),
        subtitle=found.title,
        self_link=absolute_url("feeds.measure", number=found.number),
        page_link=absolute_url("public.measure_detail", number=found.number),
        scope=f"/tiltak/{found.number}",
        one_measure=True,
        milestones=milestones_reached_in_reports(found),
    )


def _feed(
    found_plan: Plan,
    items: list[Publication],
    title: str,
    subtitle: str,
    self_link: str,
    page_link: str,
    scope: str,
    one_measure: bool = False,
    milestones: dict | None = None,
):
    entries = [_entry(item, page_link, scope, one_measure, milestones or {}) for item in items]
    feed = Feed(
        # The feed is the plan's; its entries keep the ids they had before there were several
        # plans (a round's slug is unique in the installation), so a reader following the
        # old address's redirect sees nothing twice.
        id=_tag(datetime(2024, 1, 1, tzinfo=UTC), f"/planer/{found_plan.slug}{scope or '/'}"),
        title=title,
        subtitle=subtitle,
        author=found_plan.owner,
        self_link=self_link,
        page_link=page_link,
        language=locale_code(),
        updated=max((entry.updated for entry in entries), default=datetime.now(UTC)),
        entries=entries,
    )
    if prefers_html(request.headers.get("Accept")):
        # A browser opening the address: a page that says what a feed is, with its entries.
        response = make_response(render_template("public/feed_page.html", feed=feed))
    else:
        response = make_response(build_feed(feed), {"Content-Type": ATOM_TYPE})
    # Caches along the way keep the page and the feed apart (the page cache keys on it too).
    response.vary.add("Accept")
    return response


def _entry(
    item: Publication, page_link: str, scope: str, one_measure: bool, milestones: dict
) -> Entry:
    reporting_round = item.round
    published = reporting_round.published_at or datetime.combine(
        reporting_round.as_of, time(), tzinfo=UTC
    )
    return Entry(
        id=_tag(published, f"/runder/{reporting_round.slug}{scope}"),
        title=(
            _(
                "%(title)s: %(status)s",
                title=reporting_round.title,
                status=_(item.changes[0].status.label),
            )
            if one_measure
            else ngettext(
                "%(title)s: %(num)d tiltak endret status",
                "%(title)s: %(num)d tiltak endret status",
                item.changed_total,
                title=reporting_round.title,
            )
        ),
        updated=published,
        link=page_link,
        html=render_template(
            "public/_feed_entry.html",
            publication=item,
            with_narrative=one_measure,
            # A measure's entry says which milestones its report ticked off.
            milestones=milestones.get(item.round.id, []) if one_measure else [],
            listed=LISTED_CHANGES,
        ),
        sami_html=render_template("public/_feed_entry_se.html", publication=item)
        if one_measure and any(change.narrative_se.strip() for change in item.changes)
        else "",
    )


def _tag(moment: datetime, path: str) -> str:
    """A permanent entry id (RFC 4151 tag URI) that survives a change of address scheme."""
    return f"tag:{public_host()},{moment:%Y-%m-%d}:{path}"
