from datetime import UTC, date, datetime, time, timedelta

from tracker.i18n import TIMEZONE


def utcnow() -> datetime:
    """The current time, timezone-aware; used as a column default (called per row, not at
    import)."""
    return datetime.now(UTC)


def local_midnight(day: date | None, days_after: int = 0) -> datetime | None:
    """The start of ``day`` (plus ``days_after``) in Norway, in UTC as every stored time is."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=days_after), time(), tzinfo=TIMEZONE).astimezone(
        UTC
    )
