"""tracker: status tracking for Handlingsplan mot rasisme og diskriminering – ny innsats 2024–2027."""

import os

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.config import load_config
from tracker.extensions import babel, csrf, db, login_manager, migrate

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT = os.path.dirname(PACKAGE_DIR)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` overrides settings, e.g. ``{"SQLALCHEMY_DATABASE_URI": ...}``."""
    app = Flask(
        __name__,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PACKAGE_DIR, "static"),
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path, config))
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    register_errorhandlers(app)
    register_hooks(app)
    return app


def register_extensions(app: Flask) -> None:
    from tracker import models  # noqa: F401  (the schema must be known before migrate binds)
    from tracker.auth import loader  # noqa: F401  (registers Flask-Login's user loader)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PACKAGE_DIR, "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)


def register_blueprints(app: Flask) -> None:
    from tracker.security import register_url_converters

    register_url_converters(app)
    from tracker.admin.views import blueprint as admin
    from tracker.auth.views import blueprint as auth
    from tracker.export.views import blueprint as export
    from tracker.health.views import blueprint as health
    from tracker.public.views import blueprint as public
    from tracker.public.views import open_data
    from tracker.reporting.views import blueprint as reporting

    app.register_blueprint(public)
    app.register_blueprint(open_data)
    app.register_blueprint(auth)
    app.register_blueprint(reporting)
    app.register_blueprint(admin)
    app.register_blueprint(health)
    app.register_blueprint(export)


def register_errorhandlers(app: Flask) -> None:
    from tracker import errors

    errors.register_errorhandlers(app)


def register_hooks(app: Flask) -> None:
    from tracker import request_log, security

    request_log.init_app(app)
    security.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from tracker import static_files, templating

    templating.init_app(app)
    static_files.init_app(app)


def register_commands(app: Flask) -> None:
    from tracker.auth.cli import users_command
    from tracker.backup.cli import data_cli
    from tracker.export.cli import report_command
    from tracker.plan.cli import seed_command
    from tracker.reporting.cli import rounds_command

    app.cli.add_command(seed_command)
    app.cli.add_command(data_cli)
    app.cli.add_command(users_command)
    app.cli.add_command(rounds_command)
    app.cli.add_command(report_command)


def select_locale() -> str:
    """Norwegian unless the address asks for English with ``?lang=en``.

    The language lives in the URL, not the session, so each language version is its own
    cacheable resource and a shared link shows the reader what the sender saw.
    """
    if not has_request_context():  # the CLI and the DOCX export write Norwegian
        return "nb"
    chosen = request.args.get("lang")
    return chosen if chosen in current_app.config["SUPPORTED_LOCALES"] else "nb"


@event.listens_for(Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    # SQLite ignores foreign keys unless asked on every connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
