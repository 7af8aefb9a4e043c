"""Every Jinja filter, global and context processor, registered in one place when the app is
built (``init_template_globals``), never as a side effect of importing a module: dates,
language, narrative text, fingerprinted static URLs, the vocabularies and the permission rules
templates use to hide buttons."""

import hashlib
from datetime import date, datetime
from functools import cache
from urllib.parse import quote

from flask import Flask, current_app, g, has_app_context, url_for
from flask_babel import format_date, format_datetime, gettext
from markupsafe import Markup, escape

from tracker import narrative
from tracker.absolute_urls import absolute_url
from tracker.i18n import INTERNATIONAL_DATE, NORWEGIAN_DATE, NORWEGIAN_DATETIME
from tracker.languages import LANGUAGE_NAMES, language_url, locale_code
from tracker.plan.context import page_plan
from tracker.plan.operations import PLAN_CHANGE_FIELDS, PLAN_CHANGE_LABELS
from tracker.plan.permissions import can_edit_plan
from tracker.reporting.permissions import TEMPLATE_RULES
from tracker.reporting.states import NOT_REPORTED, NOT_REPORTED_LABEL, Status
from tracker.reporting.workflow_queries import (
    REVISION_ACTIONS,
    is_overdue,
    last_editor,
    progress_of,
)
from tracker.resources import STATIC_DIR
from tracker.results.numbers import format_number
from tracker.results.progress import progress_sentence
from tracker.results.queries import results_of_report
from tracker.sso.client import single_sign_on_context
from tracker.typography import NO_BREAK_SPACE, keep_together


def init_template_globals(app: Flask) -> None:
    """What every template can use, whichever blueprint renders it."""
    app.jinja_env.filters.update(
        {
            "narrative_html": narrative_html,
            "mailto": mailto,
            # «1. juni 2025» in bokmål and nynorsk, «1 June 2025» in English, on every page.
            "nb_date": long_date,
            "nb_datetime": nb_datetime,
            "long_date": long_date,
            # «2024–2027»: a plan's period on one line.
            "no_break": no_break,
            # «1 234,5», «12 %»: an indicator's values and the budget.
            "number": format_number,
        }
    )
    app.jinja_env.globals.update(
        {
            "asset_url": asset_url,
            "absolute_url": absolute_url,  # links that leave the site: from PUBLIC_URL
            # Language: the page's, each language's name, and this page in another language.
            "current_locale": locale_code,
            "language_names": LANGUAGE_NAMES,
            "language_url": language_url,
            "area_name": area_name,
            # The footer's statements: accessibility, feedback on barriers, privacy.
            "site_statements": site_statements,
            # The plan the page is about (site title, owner, links), if any.
            "page_plan": page_plan,
            # The vocabularies.
            "Status": Status,
            "NOT_REPORTED": NOT_REPORTED,
            "NOT_REPORTED_LABEL": NOT_REPORTED_LABEL,
            "REVISION_ACTIONS": REVISION_ACTIONS,
            # The reporting workflow: where a report stands, and who may do what to it (the
            # same rules the views enforce: a hidden button is never the only guard).
            "progress_of": progress_of,
            "is_overdue": is_overdue,
            "last_editor": last_editor,
            **TEMPLATE_RULES,
            # The results (tracker/results/): how far an indicator has come, in the page's
            # language, and a report's results beside its narrative.
            "progress_sentence": page_progress_sentence,
            "report_results": results_of_report,
            "can_edit_plan": can_edit_plan,
            "PLAN_CHANGE_LABELS": PLAN_CHANGE_LABELS,
            "PLAN_CHANGE_FIELDS": PLAN_CHANGE_FIELDS,
        }
    )
    # Per request: whether single sign-on is on, and whether passwords still are.
    app.context_processor(single_sign_on_context)


def page_progress_sentence(indicator, latest: float | None) -> str:
    return progress_sentence(indicator, latest, gettext)


def site_statements() -> dict[str, str]:
    """What the law asks every page to link: the accessibility statement (if configured), where
    to report a barrier (``mailto:`` for an e-mail address) and the privacy page."""
    feedback = current_app.config["ACCESSIBILITY_FEEDBACK"]
    if feedback and not feedback.startswith(("https://", "http://")):
        feedback = mailto(feedback)
    return {
        "accessibility": current_app.config["ACCESSIBILITY_STATEMENT_URL"],
        "feedback": feedback,
        "privacy": url_for("statements.privacy"),
    }


# --- Dates ---------------------------------------------------------------------------------------


def nb_datetime(value: datetime) -> str:
    """1. juni 2025 kl. 14:05, in the app's time zone."""
    return format_datetime(value, NORWEGIAN_DATETIME)


def long_date(value: date | None) -> str:
    """A date in the page language (the public pages)."""
    if value is None:
        return ""
    # Both written standards of Norwegian write «1. juni 2025»; English «1 June 2025».
    text = format_date(value, INTERNATIONAL_DATE if locale_code() == "en" else NORWEGIAN_DATE)
    # On the public pages a date never parts at a line's end (issue 23).
    return text.replace(" ", NO_BREAK_SPACE) if _on_public_page() else text


def no_break(text: str) -> str:
    """«2024–2027» and other things that belong together, kept on one line on public pages."""
    return keep_together(str(text)) if _on_public_page() else text


def _on_public_page() -> bool:
    # Set by page_cache.public_page for the request it renders.
    return has_app_context() and bool(g.get("public_page"))


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
        # No line break inside a date, a period or an amount (never inside an address shown).
        words = escape(span.text if span.text == span.url else keep_together(span.text))
        out.append(f'<a href="{escape(span.url)}">{words}</a>' if span.url else str(words))
    return "".join(out)


def asset_url(filename: str) -> str:
    """URL of a static file with its content hash, so it can be cached for a year."""
    return url_for("static", filename=filename, v=content_hash(filename))


@cache
def content_hash(filename: str) -> str:
    with open(STATIC_DIR / filename, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


# --- E-mail links --------------------------------------------------------------------------------


def mailto(address: str) -> str:
    """A mailto: link to exactly ``address``. Everything but the address's plain characters is
    percent-encoded, so nothing in it ("%40", "?bcc=", ",") reads as another recipient or a
    header field to the mail program."""
    return "mailto:" + quote(address or "", safe="@+-._~")
