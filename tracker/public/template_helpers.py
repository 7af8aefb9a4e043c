"""Template helpers for the public pages: language, localised area names and dates."""

from datetime import date

from flask import request, url_for
from flask_babel import format_date, get_locale

DEFAULT_LOCALE = "nb"
# Each language named in itself, as a language switch should.
LANGUAGE_NAMES = {"nb": "Norsk (bokmål)", "en": "English"}


def locale_code() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def language_url(language: str) -> str:
    """The current page, with its filters, in ``language`` (Norwegian has no ``lang`` argument)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = None if language == DEFAULT_LOCALE else language
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def area_name(area) -> str:
    """An area's name in the page language (works for Area and AreaCounts alike)."""
    return area.name_en if locale_code() == "en" and area.name_en else area.name


def long_date(value: date | None) -> str:
    if value is None:
        return ""
    return format_date(value, "d. MMMM y" if locale_code() == DEFAULT_LOCALE else "d MMMM y")


def keep_language(endpoint: str, values: dict) -> None:
    """url_defaults hook: links from an English page stay English, via ``?lang=en``."""
    if "lang" not in values and locale_code() != DEFAULT_LOCALE:
        values["lang"] = locale_code()


HELPERS = {"language_url": language_url, "language_names": LANGUAGE_NAMES, "area_name": area_name}
FILTERS = {"long_date": long_date}
