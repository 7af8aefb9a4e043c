"""Option types the commands share, refused in Norwegian like the forms."""

from datetime import date

import click


def iso_date(ctx, param, value) -> date | None:
    """A click callback: a date written ÅÅÅÅ-MM-DD, or a clear refusal."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"«{value}» er ikke en dato på formen ÅÅÅÅ-MM-DD.") from None
