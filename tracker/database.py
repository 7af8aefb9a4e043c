"""How the app connects to its database: every wait is bounded.

PostgreSQL gets a connect timeout, and a statement and a lock timeout on every connection, so a
database that hangs, or a row held by someone else, ends a request with the Norwegian 503 after
seconds instead of holding a worker until the proxy answers 504 (and then, perhaps, committing a
save whose person was told it failed). SQLite waits for the write lock as long as the lock
timeout. The settings are DATABASE_*_TIMEOUT_SECONDS in tracker/config.py.
"""

from flask import Flask
from sqlalchemy.engine import make_url


def engine_options(config: dict) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS with the timeouts added to whatever is set already."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    backend = make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    if backend == "postgresql":
        milliseconds = {
            "statement_timeout": config["DATABASE_STATEMENT_TIMEOUT_SECONDS"] * 1000,
            "lock_timeout": config["DATABASE_LOCK_TIMEOUT_SECONDS"] * 1000,
        }
        connect_args.setdefault("connect_timeout", config["DATABASE_CONNECT_TIMEOUT_SECONDS"])
        connect_args.setdefault(
            "options", " ".join(f"-c {name}={value}" for name, value in milliseconds.items())
        )
    elif backend == "sqlite" and config["DATABASE_LOCK_TIMEOUT_SECONDS"]:
        connect_args.setdefault("timeout", config["DATABASE_LOCK_TIMEOUT_SECONDS"])
    options["connect_args"] = connect_args
    return options


def init_app(app: Flask) -> None:
    """Before Flask-SQLAlchemy creates the engine."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
