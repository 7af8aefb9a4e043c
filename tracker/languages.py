"""The interface languages and how a page keeps its language while a person navigates.

The language lives in the address (``?lang=nn``), never in the session: each language version
of a page is its own cacheable resource, a shared link shows what the sender saw, and the
signed-in pages keep the choice because every link, form action and redirect is built by
``url_for``, which adds ``lang`` (see ``keep_language``).
"""

from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import get_locale

from tracker.i18n import DEFAULT_LOCALE

# Each language named in itself, as a language switch should.
LANGUAGE_NAMES = {"nb": "Norsk (bokmål)", "nn": "Norsk (nynorsk)", "en": "English"}
# The written standards a narrative can be in (the Language Act's two forms of Norwegian).
NARRATIVE_LANGUAGES = ("nb", "nn")
# Språkrådet's rule for central state bodies: at least 25 % of each written standard.
NYNORSK_MINIMUM_SHARE = 0.25


def locale_code() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def language_url(language: str) -> str:
    """The current page, with its filters, in ``language`` (bokmål has no ``lang`` argument)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    if language != DEFAULT_LOCALE:
        args.append(("lang", language))
    return request.path + ("?" + urlencode(args) if args else "")


def keep_language(endpoint: str, values: dict) -> None:
    """url_defaults hook: every link from a nynorsk or English page stays in that language.

    Static files are left alone: their address is the same whatever the page language.
    """
    if endpoint != "static" and "lang" not in values and locale_code() != DEFAULT_LOCALE:
        values["lang"] = locale_code()


def default_narrative_language() -> str:
    """A new narrative is in nynorsk when the person works in the nynorsk interface."""
    return "nn" if locale_code() == "nn" else DEFAULT_LOCALE


def init_app(app: Flask) -> None:
    app.url_defaults(keep_language)
