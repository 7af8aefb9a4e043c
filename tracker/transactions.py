"""The one transaction boundary for views and commands.

Operations only flush; the caller decides where the unit of work ends. ``with transaction():``
commits what the block did, or rolls all of it back when the block raises, so no view or command
writes ``commit()`` or ``rollback()`` by hand and a failed change never leaves half its rows.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask_babel import lazy_gettext
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.request_deadline import RequestTooLate, past_deadline
from tracker.user_errors import UserError


class CommitOutcomeUnknown(UserError):
    """The connection broke while the database committed: the change may or may not be stored."""

    def __init__(self):
        super().__init__(
            lazy_gettext(
                "Forbindelsen til databasen brøt mens endringen ble lagret, så vi vet ikke om "
                "den ble lagret. Åpne siden på nytt og se hva som er lagret før du sender igjen."
            )
        )


@contextmanager
def transaction(commit_on: tuple[type[BaseException], ...] = ()) -> Iterator[Session]:
    """``commit_on`` names refusals whose work is kept all the same (e.g. the audit entry of a
    wrong password); the error still reaches the caller, after the commit."""
    try:
        yield db.session()  # the request's (or command's) Session behind the scoped proxy
    except commit_on:
        _commit()
        raise
    except BaseException:
        db.session.rollback()
        raise
    _commit()


def _commit() -> None:
    if past_deadline():
        # The proxy has given up on this request: keep nothing the person was not told about.
        db.session.rollback()
        raise RequestTooLate()
    # A failure before COMMIT is sent (a flush, the search index) leaves nothing stored; once it
    # is sent, a broken connection leaves the outcome unknown, and the person must be told so.
    sent = _commit_sent.set(False)
    try:
        db.session.commit()
    except (OperationalError, InterfaceError) as error:
        if _commit_sent.get():
            raise CommitOutcomeUnknown() from error
        raise
    finally:
        _commit_sent.reset(sent)


_commit_sent: ContextVar[bool] = ContextVar("commit_sent", default=False)


@event.listens_for(Engine, "commit")
def _note_commit_sent(connection) -> None:
    """Called just before the driver sends COMMIT."""
    _commit_sent.set(True)
