"""Jinja filters and globals shared by every page, registered once: dates, language, narrative
text and fingerprinted static URLs."""

import hashlib
import os
from datetime import date, datetime
from functools import cache

from flask import Flask, url_for
from flask_babel import format_date, format_datetime
from markupsafe import Markup, escape

from tracker import narrative
from tracker.absolute_urls import absolute_url
from tracker.i18n import INTERNATIONAL_DATE, NORWEGIAN_DATE, NORWEGIAN_DATETIME
from tracker.languages import locale_code
from tracker.reporting.states import Status


def init_app(app: Flask) -> None:
    app.jinja_env.filters["narrative_html"] = narrative_html
    # «1. juni 2025» in bokmål and nynorsk, «1 June 2025» in English, on every page.
    app.jinja_env.filters["nb_date"] = long_date
    app.jinja_env.filters["nb_datetime"] = nb_datetime
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["absolute_url"] = absolute_url  # links that leave the site: PUBLIC_URL
    app.jinja_env.globals["Status"] = Status
    app.jinja_env.globals["current_locale"] = locale_code
    app.jinja_env.globals["area_name"] = area_name


# --- Dates ---------------------------------------------------------------------------------------


def nb_datetime(value: datetime) -> str:
    """1. juni 2025 kl. 14:05, in the app's time zone."""
    return format_datetime(value, NORWEGIAN_DATETIME)


def long_date(value: date | None) -> str:
    """A date in the page language (the public pages)."""
    if value is None:
        return ""
    # Both written standards of Norwegian write «1. juni 2025»; English «1 June 2025».
    return format_date(value, INTERNATIONAL_DATE if locale_code() == "en" else NORWEGIAN_DATE)


# --- Language ------------------------------------------------------------------------------------


def area_name(area) -> str:
    """An area's name in the page language (works for Area and AreaCounts alike)."""
    return area.name_en if locale_code() == "en" and area.name_en else area.name


# --- Narrative text and static files -------------------------------------------------------------


def narrative_html(text: str | None) -> Markup:
    """Render narrative text as paragraphs and lists; everything typed is escaped."""
    parts = []
    for block in narrative.parse(text or ""):
        if isinstance(block, narrative.Paragraph):
            parts.append(f"<p>{_linkify(block.text)}</p>")
        else:
            items = "".join(f"<li>{_linkify(item)}</li>" for item in block.items)
            tag = {"bullet": "ul", "decimal": "ol", "roman": 'ol type="i"'}[block.kind]
            parts.append(f"<{tag}>{items}</{tag.split()[0]}>")
    # Safe: the tags are literals and every piece of text went through escape() in _linkify.
    return Markup("\n".join(parts))  # nosec B704


def _linkify(text: str) -> str:
    """Escape text, then turn links on words and bare URLs (the PDF left many) into links."""
    out = []
    for span in narrative.inline(text):
        words = escape(span.text)
        out.append(f'<a href="{escape(span.url)}">{words}</a>' if span.url else str(words))
    return "".join(out)


def asset_url(filename: str) -> str:
    """URL of a static file with its content hash, so it can be cached for a year."""
    return url_for("static", filename=filename, v=content_hash(filename))


@cache
def content_hash(filename: str) -> str:
    from flask import current_app

    with open(os.path.join(current_app.static_folder, filename), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]
