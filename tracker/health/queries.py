import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    """True if the database answers ``SELECT 1`` now."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        # Stays by hand: this is a probe, not a unit of work; the failed statement must be
        # discarded so the session can be used (and closed) after the check.
        db.session.rollback()
        # The class name only: a connection error's message can name the host and user.
        logger.warning(
            "database unavailable (%s)", type(getattr(error, "orig", None) or error).__name__
        )
        return False
    return True


def schema_revisions() -> set[str]:
    """The Alembic revisions the database says it is at (none before the first migration)."""
    try:
        return set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        db.session.rollback()  # a probe, as above: no alembic_version table yet
        return set()
