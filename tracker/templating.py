"""Jinja filters and globals shared by every page."""

import hashlib
import os
from functools import cache

from flask import Flask, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from tracker import narrative
from tracker.public.template_helpers import long_date
from tracker.reporting.states import Status


def init_app(app: Flask) -> None:
    app.jinja_env.filters["narrative_html"] = narrative_html
    # «1. juni 2025» in bokmål and nynorsk, «1 June 2025» in English.
    app.jinja_env.filters["nb_date"] = long_date
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["Status"] = Status
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "nb")


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
