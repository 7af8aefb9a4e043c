from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware; used as a column default (called per row, not at
    import)."""
    return datetime.now(UTC)
