"""A PostgreSQL database of a test's own, for tests that need PostgreSQL whatever the run uses."""

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_SERVER_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"


@contextmanager
def fresh_postgres_database():
    """Yield the URL of a new, empty database; drop it afterwards.

    Skips when the server cannot be reached, unless REQUIRE_POSTGRES=1 makes that a failure.
    """
    server_url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER_URL
    if make_url(server_url).get_backend_name() != "postgresql":
        server_url = DEFAULT_SERVER_URL
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - becomes a clear failure or skip
        admin.dispose()
        message = f"PostgreSQL at {make_url(server_url).render_as_string()} cannot be used: {error}"
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
