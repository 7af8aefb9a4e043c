"""Every instance of the site must sign sessions with one SECRET_KEY.

Two machines that each made up their own key log their users out on every other request (the
cookie one signed, the other refuses). So each instance writes a fingerprint of its key (an HMAC
of a fixed text under the key, which tells nothing about the key) to the shared database, with
when it was first and last seen: gunicorn's master when it starts, and each worker at most every
BEAT_SECONDS while it serves, and on every /healthz.

- A server refuses to start while another key was seen in the last LIVE_SECONDS
  (gunicorn.conf.py's ``on_starting``), saying so in Norwegian.
- If two keys are live anyway (two machines started at the same moment), the key seen first is
  the site's: an instance holding another reports ``"secret_key": "differs"`` on /healthz with
  503, so a load balancer takes it out; the others report ``"others_differ"`` and stay in. Both
  log it.

A key last seen before this instance started is not counted: replacing a machine's key and
restarting is how a key is changed. A server stopped cleanly takes its key out of the count at
once (``on_exit``); one that was killed, after LIVE_SECONDS.
"""

import hashlib
import hmac
import logging
import os
import sys
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import Connection, DateTime, String, column, create_engine, select, table, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db
from tracker.timeutil import utcnow

logger = logging.getLogger(__name__)

LIVE_SECONDS = 60  # a key seen this recently is in use
BEAT_SECONDS = 20  # how often a serving worker says its key is in use
OK, DIFFERS, OTHERS_DIFFER = "ok", "differs", "others_differ"

# Not a model: the table holds the running instances' state, not data, so the backup leaves it.
fingerprints = table(
    "secret_key_fingerprints",
    column("fingerprint", String(64)),
    column("first_seen", DateTime(timezone=True)),
    column("last_seen", DateTime(timezone=True)),
)


def fingerprint(key: str | bytes) -> str:
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    return hmac.new(raw, b"tracker: which key signs the sessions", hashlib.sha256).hexdigest()


def announce(connection: Connection, key_fingerprint: str, now: datetime) -> None:
    """Say that this key is in use now."""
    insert = (postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert)(
        fingerprints
    ).values(fingerprint=key_fingerprint, first_seen=now, last_seen=now)
    connection.execute(
        insert.on_conflict_do_update(
            index_elements=["fingerprint"], set_={"last_seen": insert.excluded.last_seen}
        )
    )


def verdict(connection: Connection, key_fingerprint: str, since: datetime, now: datetime) -> str:
    """OK, DIFFERS (another live key was seen first: this instance is the odd one) or
    OTHERS_DIFFER (this key is the site's; another instance has a different one)."""
    live_since = max(since, now - timedelta(seconds=LIVE_SECONDS))
    live = {
        row.fingerprint: _aware(row.first_seen)
        for row in connection.execute(
            select(fingerprints.c.fingerprint, fingerprints.c.first_seen).where(
                fingerprints.c.last_seen > live_since
            )
        )
    }
    others = {key: first for key, first in live.items() if key != key_fingerprint}
    if not others:
        return OK
    ours = live.get(key_fingerprint, now)
    return DIFFERS if min(others.values()) < ours else OTHERS_DIFFER


def check_now() -> str:
    """Announce this instance's key and judge the keys in use (for /healthz and the beat)."""
    state = current_app.extensions["secret_key_check"]
    now = utcnow()
    key_fingerprint = fingerprint(current_app.config["SECRET_KEY"])
    with db.engine.begin() as connection:
        announce(connection, key_fingerprint, now)
        result = verdict(connection, key_fingerprint, state["started_at"], now)
    state["last_beat"] = time.monotonic()
    if result != OK:
        logger.error(
            "another instance signs sessions with a different SECRET_KEY (%s): signed-in users "
            "are logged out whenever their requests change instance; give every instance the "
            "same SECRET_KEY",
            result,
        )
    return result


def init_app(app: Flask) -> None:
    init_state(app)
    if app.config["SECRET_KEY_CHECK"]:
        app.before_request(_beat_now_and_then)


def init_state(app: Flask) -> None:
    # Started when the app was made: in gunicorn, when the worker started.
    app.extensions["secret_key_check"] = {"started_at": utcnow(), "last_beat": -BEAT_SECONDS}


def _beat_now_and_then() -> None:
    state = current_app.extensions["secret_key_check"]
    if time.monotonic() - state["last_beat"] < BEAT_SECONDS:
        return
    try:
        check_now()
    except SQLAlchemyError:
        pass  # the database is away: the request itself will say so


# --- gunicorn's master (gunicorn.conf.py) ------------------------------------------------------


def refuse_to_start_with_a_second_key() -> None:
    """Exit with a Norwegian message if another instance uses a different key now; otherwise
    announce this one's. Nothing to check without a database that has the table (yet)."""
    key, engine = os.environ.get("SECRET_KEY"), _engine()
    if not key or engine is None:
        return
    now = utcnow()
    try:
        with engine.begin() as connection:
            key_fingerprint = fingerprint(key)
            others = list(
                connection.execute(
                    select(fingerprints.c.last_seen).where(
                        fingerprints.c.fingerprint != key_fingerprint,
                        fingerprints.c.last_seen > now - timedelta(seconds=LIVE_SECONDS),
                    )
                )
            )
            if not others:
                announce(connection, key_fingerprint, now)
    except SQLAlchemyError:
        return  # not migrated yet, or the database is away: the app will say what it can
    finally:
        engine.dispose()
    if others:
        seconds = round((now - max(_aware(row.last_seen) for row in others)).total_seconds())
        print(
            "tracker: SECRET_KEY er en annen enn den en annen maskin (eller prosess) bruker mot "
            f"den samme databasen; den ble sist sett for {seconds} sekunder siden. Alle "
            "maskinene må ha samme SECRET_KEY, ellers blir brukerne logget ut annenhver "
            "forespørsel. Bruk verdien fra de andre maskinene. Er den andre maskinen stoppet, "
            f"kan du starte igjen om {LIVE_SECONDS} sekunder. tracker ble ikke startet.",
            file=sys.stderr,
        )
        raise SystemExit(1)


def stop_announcing() -> None:
    """A clean stop takes this instance's key out of the count at once (unless another
    instance with the same key says it is still in use, at its next beat)."""
    key, engine = os.environ.get("SECRET_KEY"), _engine()
    if not key or engine is None:
        return
    try:
        with engine.begin() as connection:
            connection.execute(
                update(fingerprints)
                .where(fingerprints.c.fingerprint == fingerprint(key))
                .values(last_seen=utcnow() - timedelta(seconds=LIVE_SECONDS))
            )
    except SQLAlchemyError:
        pass
    finally:
        engine.dispose()


def _engine():
    """An engine of the master's own (it has no app), in production only (as SECRET_KEY_CHECK)."""
    from tracker.config import database_url_is_set, database_url_setting

    if not database_url_is_set():
        return None
    if os.environ.get("TRACKER_ENV", "production") != "production":
        return None
    url = database_url_setting()
    options = {"connect_args": {"connect_timeout": 5}} if url.startswith("postgresql") else {}
    return create_engine(url, **options)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time written here is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
