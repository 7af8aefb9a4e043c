"""Template helpers for the public pages: language, localised area names and dates."""

from datetime import date

from flask_babel import format_date

from tracker.languages import locale_code


def area_name(area) -> str:
    """An area's name in the page language (works for Area and AreaCounts alike)."""
    return area.name_en if locale_code() == "en" and area.name_en else area.name


def long_date(value: date | None) -> str:
    if value is None:
        return ""
    # Both written standards of Norwegian write «1. juni 2025»; English «1 June 2025».
    return format_date(value, "d MMMM y" if locale_code() == "en" else "d. MMMM y")


HELPERS = {"area_name": area_name}
FILTERS = {"long_date": long_date}
