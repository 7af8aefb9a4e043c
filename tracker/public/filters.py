"""The reader's filters on the list of measures, read from the query string."""

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from tracker.measures.models import Area
from tracker.ministries.models import ResponsibleUnit
from tracker.public.queries import MeasureFilter
from tracker.reporting.states import NOT_REPORTED, Status

MAX_SEARCH_LENGTH = 200
# The query string parameters the list of measures reads (besides the language): its filters,
# and the page of a long list.
FILTER_PARAMETERS = ("omrade", "departement", "status", "q", "forsinket", "side")
# «forsinket=ja»: the measures with an overdue milestone (a checkbox sends «ja»).
OVERDUE_VALUES = ("ja", "1", "on")


def parse_filter(
    args: MultiDict, areas: list[Area], units: list[ResponsibleUnit]
) -> tuple[MeasureFilter, list[str]]:
    """The filter the query string asks for, and a message for each value we had to ignore.

    An unknown value (an old bookmark, a typo in the address) is dropped with a message
    rather than answered with an error, so the reader still gets a list.
    """
    problems = []
    area = args.get("omrade", "").strip()
    if area and area not in {a.key for a in areas}:
        problems.append(
            _("Fant ikke hovedområdet «%(value)s». Viser alle hovedområder.", value=area)
        )
        area = ""
    # «departement» is the parameter's name in every address made so far; it means any unit.
    unit = args.get("departement", "").strip()
    if unit and unit not in {u.abbreviation for u in units}:
        problems.append(
            _("Fant ikke den ansvarlige «%(value)s». Viser alle ansvarlige.", value=unit)
        )
        unit = ""
    status = args.get("status", "").strip()
    if status and status not in {s.value for s in Status} | {NOT_REPORTED}:
        problems.append(_("Fant ikke statusen «%(value)s». Viser alle statuser.", value=status))
        status = ""
    text = " ".join(args.get("q", "").split())
    if len(text) > MAX_SEARCH_LENGTH:
        problems.append(_("Søket er forkortet til %(count)d tegn.", count=MAX_SEARCH_LENGTH))
        text = text[:MAX_SEARCH_LENGTH]
    overdue = args.get("forsinket", "").strip().lower()
    if overdue and overdue not in OVERDUE_VALUES:
        problems.append(_("Forstod ikke «forsinket=%(value)s». Viser alle tiltak.", value=overdue))
    return MeasureFilter(
        area=area, unit=unit, status=status, text=text, overdue=overdue in OVERDUE_VALUES
    ), problems


def parse_page(args: MultiDict) -> tuple[int, list[str]]:
    """The page of the list the query string asks for (1 without one), and a message if we had
    to ignore what it said."""
    value = args.get("side", "").strip()
    if not value:
        return 1, []
    if not value.isdigit() or not 1 <= int(value) <= 100_000:
        return 1, [_("Fant ikke side «%(value)s». Viser side 1.", value=value[:20])]
    return int(value), []
