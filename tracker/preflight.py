"""Checks `make serve` runs before anything else, so a misconfigured server stops with a clear
Norwegian message instead of a traceback: ``python -m tracker.preflight``."""

import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from tracker.config import (
    ConfigurationError,
    database_url_is_set,
    database_url_setting,
    load_config,
    production_warnings,
)


def problems_with_environment() -> list[str]:
    """What stops production, read through the same declarations as the app's own start."""
    problems = []
    try:
        load_config(instance_path="", overrides={"TRACKER_ENV": "production"})
    except ConfigurationError as error:
        problems.append(error.message)
    if not database_url_is_set():
        problems.append(
            "DATABASE_URL mangler: i produksjon må tracker bruke PostgreSQL, for eksempel "
            "DATABASE_URL=postgresql://tracker@127.0.0.1:5432/tracker"
        )
    else:
        try:  # read on its own, so a problem elsewhere does not hide this one
            url = make_url(database_url_setting())
        except ConfigurationError:
            url = None  # already among the problems: load_config read it too
        if url is not None and url.get_backend_name() != "postgresql":
            problems.append(
                "DATABASE_URL må peke på en PostgreSQL-database (postgresql://...), "
                f"ikke «{url.drivername}»."
            )
    return problems


def database_problem(database_url: str) -> str | None:
    """Whether the database answers; the message names the host, never the password."""
    url = make_url(database_url)
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
    warnings: list[str] = []
    if not problems:
        config = load_config(instance_path="", overrides={"TRACKER_ENV": "production"})
        problem = database_problem(config["SQLALCHEMY_DATABASE_URI"])
        problems = [problem] if problem else []
        warnings = production_warnings(config)
    for problem in problems:
        print(f"make serve: {problem}", file=sys.stderr)
    # Not refusals: the site works without them, but a public body must not publish without.
    for warning in warnings:
        print(f"make serve: advarsel: {warning}", file=sys.stderr)
    if problems:
        print("make serve: tracker ble ikke startet.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
