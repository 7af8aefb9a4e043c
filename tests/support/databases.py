"""Throwaway PostgreSQL databases: the test suite's, a test's own, and the benchmarks'.

``ThrowawayDatabase`` is the one place that creates and drops them; it needs no pytest, so the
scripts in bench/ use it too.
"""

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_SERVER_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"


class ThrowawayDatabase:
    """A new, empty database on the server at ``server_url``, dropped when done."""

    def __init__(self, server_url: str, prefix: str = "tracker_test") -> None:
        self.server_url = server_url
        self.name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.url = (
            make_url(server_url).set(database=self.name).render_as_string(hide_password=False)
        )

    def create(self) -> str:
        """Create the database and return its URL; raises when the server cannot be used."""
        self._execute(f'CREATE DATABASE "{self.name}"')
        return self.url

    def drop(self) -> None:
        # FORCE: a test that failed half-way may leave a connection open.
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _execute(self, statement: str) -> None:
        admin = create_engine(
            self.server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
        )
        try:
            with admin.connect() as connection:
                connection.execute(text(statement))
        finally:
            admin.dispose()


@contextmanager
def fresh_postgres_database():
    """Yield the URL of a new, empty database; drop it afterwards.

    Skips when the server cannot be reached, unless REQUIRE_POSTGRES=1 makes that a failure.
    """
    server_url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER_URL
    if make_url(server_url).get_backend_name() != "postgresql":
        server_url = DEFAULT_SERVER_URL
    database = ThrowawayDatabase(server_url)
    try:
        url = database.create()
    except Exception as error:  # noqa: BLE001 - becomes a clear failure or skip
        message = f"PostgreSQL at {make_url(server_url).render_as_string()} cannot be used: {error}"
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield url
    finally:
        database.drop()
