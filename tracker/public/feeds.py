"""Atom feeds of publications: what changed, per published round.

``publications`` collects (one query for the rounds, one for the reports); ``build_feed``
writes Atom bytes from plain data and knows nothing of Flask or the database.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree import ElementTree  # nosec B405  (builds the feed; what it parses is defused)

from defusedxml.ElementTree import fromstring
from sqlalchemy import func, literal, select

from tracker.extensions import db
from tracker.measures.models import Measure, Responsibility
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.queries import PUBLIC_REVIEW_STATES, published_rounds
from tracker.reporting.states import RoundState, Status

ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class Change:
    """A measure's public status in a round, and what it was in its previous published report.
    Plain values, not entities: a feed of 100 times today's data reads 20,000 of them."""

    number: int
    title: str
    status: Status
    previous: Status | None
    narrative: str = ""  # read for a single measure's feed only
    narrative_se: str = ""  # its Northern Sámi text, likewise

    @property
    def changed(self) -> bool:
        return self.previous != self.status


# An entry lists at most this many measures that changed status, and says how many more.
LISTED_CHANGES = 100


@dataclass
class Publication:
    """One published round and the public reports it holds for the measures asked about: for
    one measure, every report; for the plan or a unit, the first LISTED_CHANGES (by number)
    of those that changed status, and how many changed in all (``changed_total``)."""

    round: ReportingRound
    changes: list[Change] = field(default_factory=list)
    changed_total: int = 0

    @property
    def status_changes(self) -> list[Change]:
        return [change for change in self.changes if change.changed]


def publications(
    plan: Plan, unit_id: int | None = None, measure_id: int | None = None
) -> list[Publication]:
    """Every published round of the plan, newest first, with the public reports of the chosen
    measures (all, one unit's, or one) and each one's status in its previous published report.

    The database compares each report with the measure's previous public one (a window
    function) and hands back only what an entry lists: reading every public report of the
    plan into Python took 0.6 s at 100 times today's data."""
    rounds = published_rounds(plan)
    narrative = MeasureReport.narrative if measure_id is not None else literal("")
    narrative_se = MeasureReport.narrative_se if measure_id is not None else literal("")
    public = (
        select(
            MeasureReport.round_id,
            MeasureReport.status,
            Measure.number,
            Measure.title,
            narrative.label("narrative"),
            narrative_se.label("narrative_se"),
            func.lag(MeasureReport.status, type_=MeasureReport.status.type)
            .over(
                partition_by=MeasureReport.measure_id,
                order_by=(ReportingRound.as_of, ReportingRound.id),
            )
            .label("previous"),
        )
        .join(MeasureReport.round)
        .join(MeasureReport.measure)
        .where(
            ReportingRound.plan_id == plan.id,
            ReportingRound.state == RoundState.PUBLISHED,
            MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES),
        )
    )
    if measure_id is not None:
        public = public.where(MeasureReport.measure_id == measure_id)
    if unit_id is not None:
        public = public.where(
            select(Responsibility.measure_id)
            .where(
                Responsibility.measure_id == MeasureReport.measure_id,
                Responsibility.unit_id == unit_id,
            )
            .exists()
        )
    reports = public.subquery("public_reports")
    changed = reports.c.previous.is_distinct_from(reports.c.status)
    if measure_id is not None:
        # One measure's feed has an entry per report, changed or not: a handful of rows.
        query = select(reports, changed.label("total")).order_by(reports.c.number)
    else:
        numbered = (
            select(
                reports,
                func.row_number()
                .over(partition_by=reports.c.round_id, order_by=reports.c.number)
                .label("position"),
                func.count().over(partition_by=reports.c.round_id).label("total"),
            )
            .where(changed)
            .subquery("changed")
        )
        query = (
            select(*(numbered.c[name] for name in (*reports.c.keys(), "total")))
            .where(numbered.c.position <= LISTED_CHANGES)
            .order_by(numbered.c.number)
        )
    by_round = {reporting_round.id: Publication(reporting_round) for reporting_round in rounds}
    for round_id, status, number, title, text, sami, previous, total in db.session.execute(query):
        publication = by_round[round_id]
        publication.changes.append(Change(number, title, status, previous, text or "", sami or ""))
        publication.changed_total = (
            publication.changed_total + int(total) if measure_id is not None else int(total)
        )
    return [by_round[reporting_round.id] for reporting_round in rounds]


# --- Writing Atom -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: datetime
    link: str
    html: str  # the entry's content, as HTML text (Atom type="html")
    # A Northern Sámi part (issue 26), as HTML text; with one, the content is XHTML.
    sami_html: str = ""


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    subtitle: str
    author: str
    self_link: str
    page_link: str
    language: str
    updated: datetime
    entries: list[Entry]


def build_feed(feed: Feed) -> bytes:
    """The feed as an Atom 1.0 document (RFC 4287)."""
    root = ElementTree.Element(f"{{{ATOM}}}feed", {"xml:lang": feed.language})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", _timestamp(feed.updated))
    author = ElementTree.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", feed.author)
    _link(root, "self", feed.self_link, "application/atom+xml")
    _link(root, "alternate", feed.page_link, "text/html")
    for entry in feed.entries:
        element = ElementTree.SubElement(root, f"{{{ATOM}}}entry")
        _text(element, "id", entry.id)
        _text(element, "title", entry.title)
        _text(element, "updated", _timestamp(entry.updated))
        _link(element, "alternate", entry.link, "text/html")
        _content(element, entry)
    ElementTree.register_namespace("", ATOM)
    ElementTree.register_namespace("xhtml", XHTML)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _text(parent, name: str, value: str, **attributes) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}{name}", attributes).text = value


def _content(entry_element, entry: Entry) -> None:
    """The entry's content: HTML text, or with a Sámi part XHTML, in which Atom lets that part
    alone be marked ``xml:lang="se"`` (an entry has one content element, whatever its
    languages). Both parts are our templates' output: escaped text in well-formed tags."""
    if not entry.sami_html:
        _text(entry_element, "content", entry.html, type="html")
        return
    content = ElementTree.SubElement(entry_element, f"{{{ATOM}}}content", {"type": "xhtml"})
    content.append(
        fromstring(
            f'<div xmlns="{XHTML}">{entry.html}'
            f'<div xml:lang="se" lang="se">{entry.sami_html}</div></div>'
        )
    )


def _link(parent, rel: str, href: str, media_type: str) -> None:
    ElementTree.SubElement(
        parent, f"{{{ATOM}}}link", {"rel": rel, "href": href, "type": media_type}
    )


def _timestamp(moment: datetime) -> str:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
