"""The one transaction boundary for views and commands.

Operations only flush; the caller decides where the unit of work ends. ``with transaction():``
commits what the block did, or rolls all of it back when the block raises, so no view or command
writes ``commit()`` or ``rollback()`` by hand and a failed change never leaves half its rows.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from tracker.extensions import db


@contextmanager
def transaction(commit_on: tuple[type[BaseException], ...] = ()) -> Iterator[Session]:
    """``commit_on`` names refusals whose work is kept all the same (e.g. the audit entry of a
    wrong password); the error still reaches the caller, after the commit."""
    try:
        yield db.session()  # the request's (or command's) Session behind the scoped proxy
    except commit_on:
        db.session.commit()
        raise
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
