from datetime import datetime, timezone


def utcnow() -> datetime:
    """The current time, timezone-aware; used as a column default (called per row, not at import)."""
    return datetime.now(timezone.utc)
