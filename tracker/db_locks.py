"""Locks held in the database, so that the same work on several machines takes turns.

PostgreSQL: advisory locks, named by a string (hashed to the 64-bit key PostgreSQL wants).
``hold_until_commit`` holds one until the transaction ends, so what the holder wrote is committed
before the next holder reads: with READ COMMITTED every statement after the lock sees it. Like
every lock wait it is bounded by the connection's ``lock_timeout`` (tracker/database.py), unless
the caller asks to wait as long as it takes (a command that would rather wait than fail).

SQLite (development, one machine): the whole database has one writer, so the lock is its write
lock, taken at once by a write that changes nothing.
"""

import hashlib

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, scoped_session


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (the same on every machine and Python)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def hold_until_commit(
    session: Session | scoped_session | Connection, *names: str, wait_forever: bool = False
) -> None:
    """Take the named locks for the rest of the current transaction (in a fixed order, so two
    holders of several locks cannot deadlock)."""
    dialect = session.dialect if isinstance(session, Connection) else session.get_bind().dialect
    if dialect.name != "postgresql":
        # The schema's own bookkeeping table is always there; no row matches.
        session.execute(text("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0"))
        return
    if wait_forever:
        session.execute(text("SET LOCAL lock_timeout = 0"))
    for key in sorted({lock_key(name) for name in names}):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
