"""The app's language, time zone and date formats, in one place.

Free of Flask, so the DOCX exporter uses the same ones as the pages (tracker/templating.py).
"""

from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import format_date

DEFAULT_LOCALE = "nb"
SUPPORTED_LOCALES = ("nb", "nn", "en")
# Norway, where the deadlines are set and the report is dated.
TIMEZONE_NAME = "Europe/Oslo"
TIMEZONE = ZoneInfo(TIMEZONE_NAME)

NORWEGIAN_DATE = "d. MMMM y"  # 1. juni 2025
INTERNATIONAL_DATE = "d MMMM y"  # 1 June 2025
NORWEGIAN_DATETIME = "d. MMMM y 'kl.' HH:mm"


def norwegian_date(value: date) -> str:
    """1. juni 2025, whatever the reader's language (the DOCX is written in Norwegian)."""
    return format_date(value, NORWEGIAN_DATE, locale=DEFAULT_LOCALE)
