"""tracker: status tracking for action plans, first of them Handlingsplan mot rasisme og
diskriminering – ny innsats 2024–2027."""

import os
from contextlib import contextmanager

import click
from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.config import ConfigurationError, load_config, production_warnings
from tracker.extensions import babel, csrf, db, login_manager, migrate
from tracker.i18n import DEFAULT_LOCALE
from tracker.resources import MIGRATIONS_DIR, STATIC_DIR, TEMPLATES_DIR
from tracker.uploads import UploadAwareRequest


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` overrides settings, e.g. ``{"SQLALCHEMY_DATABASE_URI": ...}``."""
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
        instance_relative_config=True,
    )
    # Views that take files declare a larger body (tracker/uploads.py).
    app.request_class = UploadAwareRequest
    os.makedirs(app.instance_path, exist_ok=True)
    with _configuration_errors_shown():
        app.config.from_mapping(load_config(app.instance_path, config))
    for warning in production_warnings(app.config):
        app.logger.warning(warning)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    register_errorhandlers(app)
    register_hooks(app)
    return app


class ConfigurationMessage(click.ClickException):
    """A configuration error met while a ``flask`` command loads the app: shown as its
    Norwegian message alone (no traceback, no "Error:" prefix); the command exits with 1."""

    def show(self, file=None) -> None:
        click.echo(self.message, err=True, file=file)


@contextmanager
def _configuration_errors_shown():
    try:
        yield
    except ConfigurationError as error:
        if click.get_current_context(silent=True) is None:
            raise  # a server or a test: the caller decides how to show it
        raise ConfigurationMessage(error.message) from None


def register_extensions(app: Flask) -> None:
    from tracker import models  # noqa: F401  (the schema must be known before migrate binds)
    from tracker.auth import loader  # noqa: F401  (registers Flask-Login's user loader)
    from tracker.database import init_app as bound_every_database_wait
    from tracker.public import search
    from tracker.sso import client as sso_client

    bound_every_database_wait(app)  # the timeouts, before the engine is made
    db.init_app(app)
    search.register(db.session)  # the search index follows every commit of published text
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    sso_client.init_app(app)


def register_blueprints(app: Flask) -> None:
    from tracker.account_links.views import blueprint as account_links
    from tracker.admin.views import blueprint as admin
    from tracker.api.views import blueprint as api
    from tracker.auth.views import blueprint as auth
    from tracker.export.views import blueprint as export
    from tracker.health.views import blueprint as health
    from tracker.mail.views import blueprint as mail
    from tracker.plan.views import blueprint as plan_editing
    from tracker.public.feed_views import blueprint as feeds
    from tracker.public.legacy_views import blueprint as legacy
    from tracker.public.statements import blueprint as statements
    from tracker.public.views import blueprint as public
    from tracker.public.views import open_data
    from tracker.reporting.views import blueprint as reporting
    from tracker.results.views import blueprint as results
    from tracker.results.views import downloads as evidence_files
    from tracker.security import register_url_converters
    from tracker.spreadsheets.views import blueprint as sheets
    from tracker.subscriptions.views import blueprint as subscriptions

    register_url_converters(app)  # before the routes that use them

    app.register_blueprint(public)
    app.register_blueprint(open_data)
    app.register_blueprint(api)
    app.register_blueprint(feeds)
    app.register_blueprint(legacy)
    app.register_blueprint(statements)
    app.register_blueprint(auth)
    app.register_blueprint(reporting)
    app.register_blueprint(results)
    app.register_blueprint(evidence_files)
    app.register_blueprint(sheets)
    app.register_blueprint(plan_editing)
    app.register_blueprint(admin)
    app.register_blueprint(health)
    app.register_blueprint(export)
    app.register_blueprint(mail)
    app.register_blueprint(account_links)
    app.register_blueprint(subscriptions)
    if app.config["OIDC_ISSUER"]:  # without a provider, single sign-on has no routes at all
        from tracker.sso.views import blueprint as sso

        app.register_blueprint(sso)


def register_errorhandlers(app: Flask) -> None:
    from tracker import errors

    errors.register_errorhandlers(app)


def register_hooks(app: Flask) -> None:
    """Hooks, then the WSGI layers from the inside out: page cache, request log, ProxyFix."""
    from tracker import request_deadline, request_guards, request_log, secret_key_check, security
    from tracker.public import replay

    request_guards.init_app(app)
    request_deadline.init_app(app)  # right after the guards, before anything reads the database
    secret_key_check.init_app(app)
    replay.init_app(app)
    request_log.init_app(app)  # around the page cache: replayed pages are logged the same way
    security.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from tracker import languages, static_files, templating
    from tracker.plan import context as plan_context

    languages.init_app(app)
    plan_context.init_app(app)
    templating.init_template_globals(app)
    static_files.init_app(app)


def register_commands(app: Flask) -> None:
    from tracker.auth.cli import users_command
    from tracker.backup.cli import data_cli
    from tracker.export.cli import report_command, report_jobs_command
    from tracker.mail.cli import mail_command, reminders_command
    from tracker.plan.cli import plans_command, seed_command
    from tracker.privacy.cli import retention_command
    from tracker.proxy_pages import error_pages_command
    from tracker.public.cli import search_command
    from tracker.reporting.cli import rounds_command

    app.cli.add_command(seed_command)
    app.cli.add_command(plans_command)
    app.cli.add_command(data_cli)
    app.cli.add_command(users_command)
    app.cli.add_command(rounds_command)
    app.cli.add_command(report_command)
    app.cli.add_command(report_jobs_command)
    app.cli.add_command(search_command)
    app.cli.add_command(mail_command)
    app.cli.add_command(reminders_command)
    app.cli.add_command(retention_command)
    app.cli.add_command(error_pages_command)


def select_locale() -> str:
    """Bokmål unless the address asks for nynorsk (``?lang=nn``) or English (``?lang=en``).

    The language lives in the URL, not the session (see tracker/languages.py).
    """
    if not has_request_context():  # the CLI and the DOCX export write Norwegian
        return DEFAULT_LOCALE
    chosen = request.args.get("lang", DEFAULT_LOCALE)
    return chosen if chosen in current_app.config["SUPPORTED_LOCALES"] else DEFAULT_LOCALE


@event.listens_for(Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    # SQLite ignores foreign keys unless asked on every connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
