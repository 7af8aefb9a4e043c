"""The language the report's frame is written in: bokmål (nb) or nynorsk (nn).

Headings, table heads, the title page, the colophon and every fixed sentence are gettext
messages; while a report is built, ``building_in(language)`` makes ``_`` answer from that
language's catalogue (no request, no Flask: the build runs in a thread or a command). Bokmål is
the messages' own language, so ``nb`` needs no catalogue. The narratives keep their own
language; the plan's texts keep the plan's.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache

from babel.dates import format_date
from babel.support import NullTranslations, Translations

from tracker.i18n import NORWEGIAN_DATE
from tracker.resources import PACKAGE_DIR

REPORT_LANGUAGES = {"nb": "nb-NO", "nn": "nn-NO"}  # the code and its tag in DOCX and PDF
TRANSLATIONS = PACKAGE_DIR / "translations"

_language: ContextVar[str] = ContextVar("report_language", default="nb")


@cache
def _catalogue(language: str) -> NullTranslations:
    if language == "nb":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


@contextmanager
def building_in(language: str) -> Iterator[None]:
    if language not in REPORT_LANGUAGES:
        raise ValueError(f"no report language {language!r}")
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def _(message: str) -> str:
    """``message`` in the report's language (the bokmål message itself when untranslated)."""
    return _catalogue(_language.get()).gettext(message) or message


def report_date(value: date) -> str:
    """1. juni 2025 in the report's language («1. juni 2025» in both written standards)."""
    return format_date(value, NORWEGIAN_DATE, locale=_language.get())


def language_tag() -> str:
    """nb-NO or nn-NO: the document's language."""
    return REPORT_LANGUAGES[_language.get()]
