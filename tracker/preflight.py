"""Checks `make serve` runs before anything else, so a misconfigured server stops with a clear
Norwegian message instead of a traceback: ``python -m tracker.preflight``."""

import os
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from tracker.config import ConfigurationError, database_url, load_config
from tracker.mail.settings import public_url


def problems_with_environment() -> list[str]:
    problems = []
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        problems.append(
            "DATABASE_URL mangler: i produksjon må tracker bruke PostgreSQL, for eksempel "
            "DATABASE_URL=postgresql://tracker@127.0.0.1:5432/tracker"
        )
    else:
        try:
            backend = make_url(database_url("")).get_backend_name()
        except ArgumentError:
            backend = None
        if backend != "postgresql":
            problems.append(
                "DATABASE_URL må peke på en PostgreSQL-database (postgresql://...), "
                f"ikke «{url.split(':', 1)[0]}»."
            )
    try:
        load_config(instance_path="", overrides={"TRACKER_ENV": "production"})
    except ConfigurationError as error:
        problems.append(str(error))
    try:
        public_url(os.environ.get("PUBLIC_URL"), production=True)
    except ConfigurationError as error:
        problems.append(str(error))
    return problems


def database_problem() -> str | None:
    """Whether the database answers; the message names the host, never the password."""
    url = make_url(database_url(""))
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        return (
            f"Får ikke kontakt med databasen {url.database} på {url.host}:{url.port or 5432}: "
            f"{reason}"
        )
    finally:
        engine.dispose()
    return None


def main() -> int:
    problems = problems_with_environment()
    if not problems:
        problem = database_problem()
        problems = [problem] if problem else []
    for problem in problems:
        print(f"make serve: {problem}", file=sys.stderr)
    if problems:
        print("make serve: tracker ble ikke startet.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
