"""tracker: status tracking for Handlingsplan mot rasisme og diskriminering – ny innsats 2024–2027."""
import os

from flask import Flask, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.config import load_config
from tracker.extensions import babel, csrf, db, login_manager, migrate

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` overrides settings, e.g. ``{"SQLALCHEMY_DATABASE_URI": ...}``."""
    app = Flask(
        __name__,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path, config))
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from tracker import models  # noqa: F401  (the schema must be known before migrate binds)
    from tracker.auth import loader  # noqa: F401  (registers Flask-Login's user loader)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)


def register_blueprints(app: Flask) -> None:
    from tracker.public.views import blueprint as public

    app.register_blueprint(public)
    from tracker.export.views import blueprint as export
    app.register_blueprint(export)


def register_template_helpers(app: Flask) -> None:
    from tracker import templating

    templating.init_app(app)


def register_commands(app: Flask) -> None:
    from tracker.plan.cli import seed_command

    app.cli.add_command(seed_command)
    from tracker.export.cli import report_command
    app.cli.add_command(report_command)


def select_locale() -> str:
    """Norwegian unless the reader chose English (``?lang=en`` remembers it in the session)."""
    supported = ("nb", "en")
    chosen = request.args.get("lang")
    if chosen in supported:
        session["lang"] = chosen
        return chosen
    return session.get("lang", "nb") if session.get("lang") in supported else "nb"


@event.listens_for(Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    # SQLite ignores foreign keys unless asked on every connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
