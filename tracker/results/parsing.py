"""Numbers and dates as people type them, in Norwegian or English notation.

«1 234,5», «1.234,5», «1,234.5», «1234.5» and «12 %» are all numbers. One comma or one point
alone is the decimal sign («1,5» and «1.5»; «1,234» is one point two three four, as a Norwegian
reads it). Groups of thousands are spaces, points or commas, three digits each. Anything else
is refused with a Norwegian message that says what to write.
"""

import re
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from tracker.results.numbers import format_number  # noqa: F401  (re-exported)
from tracker.user_errors import UserError

# Spaces people and word processors put between groups of thousands.
GROUP_SPACES = " \u00a0\u202f\u2009"
MINUS_SIGNS = "-\u2212\u2013"
# A value beyond this is a typing error, not an indicator (and floats hold it exactly).
LARGEST = Decimal(10) ** 15
_ALLOWED = re.compile(r"[0-9.,]+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


class ParseError(UserError):
    """A value that is not a number or a date we can read."""


def parse_number(text: str) -> float:
    """The number in ``text``; a trailing «%» is allowed (the indicator's unit says what it
    counts)."""
    value = _number(text.strip())
    if value is None:
        raise ParseError(
            _(
                "«%(text)s» er ikke et tall. Skriv for eksempel 1 234,5 eller 1,234.5 "
                "(prosent som 12 %%).",
                text=text.strip()[:40],
            )
        )
    if abs(value) >= LARGEST:
        raise ParseError(_("Tallet er for stort."))
    return float(value)


def _number(text: str) -> Decimal | None:
    if text.endswith("%"):
        text = text[:-1].rstrip(GROUP_SPACES)
    sign = 1
    if text[:1] in MINUS_SIGNS and text:
        sign, text = -1, text[1:]
    elif text.startswith("+"):
        text = text[1:]
    has_space = any(space in text for space in GROUP_SPACES)
    for space in GROUP_SPACES:
        text = text.replace(space, " ")
    if not text or not _ALLOWED.fullmatch(text.replace(" ", "")):
        return None
    commas, points = text.count(","), text.count(".")
    if commas and points:
        decimal_sign = "," if text.rfind(",") > text.rfind(".") else "."
        group_sign = "." if decimal_sign == "," else ","
    elif commas == 1 or points == 1:
        decimal_sign, group_sign = ("," if commas else "."), ""
    else:
        decimal_sign, group_sign = "", ("," if commas else "." if points else "")
    if group_sign and has_space:
        return None  # two kinds of grouping in one number
    if decimal_sign:
        if text.count(decimal_sign) != 1:
            return None
        whole, fraction = text.split(decimal_sign)
        if not fraction.isdigit():
            return None
    else:
        whole, fraction = text, ""
    separator = group_sign or " "
    groups = whole.split(separator) if (group_sign or has_space) else [whole]
    if not all(group.isdigit() for group in groups):
        return None
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    digits = "".join(groups) + ("." + fraction if fraction else "")
    return sign * Decimal(digits)


def parse_date(text: str, first_year: int, *, latest: date | None = None, period: str = "") -> date:
    """The date in ``text`` (31.12.2026 or 2026-12-31), refused before the plan's first year
    and, when given, after ``latest`` (a milestone is not done tomorrow)."""
    text = text.strip()
    day = _date(text)
    if day is None:
        raise ParseError(
            _("«%(text)s» er ikke en dato. Skriv for eksempel 31.12.2026.", text=text[:40])
        )
    if day.year < first_year:
        raise ParseError(
            _(
                "Datoen %(date)s er før planperioden (%(period)s).",
                date=day.strftime("%d.%m.%Y"),
                period=period or str(first_year),
            )
        )
    if latest is not None and day > latest:
        raise ParseError(_("Datoen %(date)s er fram i tid.", date=day.strftime("%d.%m.%Y")))
    return day


def _date(text: str) -> date | None:
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _NORWEGIAN_DATE.fullmatch(text)
        if not match:
            return None
        day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None
