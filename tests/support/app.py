"""The app as the tests build it, and a test client whose requests run like a real server's."""

import copy
import tempfile

from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from tracker import create_app


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": None,
        # Report builds leave their files here, not in the repository's instance folder.
        "REPORT_JOBS_DIR": _report_jobs_dir(),
    }
    config.update(overrides)
    app = create_app(config)
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


class _CompiledTemplatesInMemory(BytecodeCache):
    """Jinja's compiled templates, kept for every app this test process builds: each test
    builds an app of its own, and compiling its templates again cost about as much as many a
    test itself. Jinja checks each entry against the template's source before using it."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplatesInMemory()


class RequestPerContextClient(FlaskClient):
    """Runs every request in an app context of its own, as a real server does.

    The ``app`` fixture keeps one app context open for the whole test; requests made inside it
    would share ``g`` (Flask-Login's cached user, Flask-WTF's cached CSRF token) and the test's
    database session, so a view that forgot to commit would still look right. Here each request
    gets its own session and commits, or loses, its work like in production.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _report_jobs_dir() -> str:
    return tempfile.mkdtemp(prefix="tracker-report-jobs-")


class ReusedApp:
    """The app with the default test settings, built once per test process and lent to every
    test that asks for no settings of its own: building an app (werkzeug compiles each route)
    cost about as much as a small test.

    After each test it is put back as it was built: its settings (tests and the live server
    change some), a new report folder, and what it keeps in memory between requests (the page
    cache, the cached data version, the secret-key check's last beat). A test that changed the
    app itself (a hook, a guard, a route) fails here, by name: it must build its own
    (``@pytest.mark.own_app``), or it would change every later test.
    """

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._build()

    def _build(self) -> None:
        self.app = make_app(self._database_url)
        self._settings = copy.deepcopy(dict(self.app.config))
        self._shape = _shape(self.app)

    def put_back(self) -> str | None:
        """Restore the app; say what the test changed that cannot be restored, if anything."""
        from tracker import secret_key_check
        from tracker.public.page_cache import VERSION_EXTENSION

        app = self.app
        app.config.clear()
        app.config.update(copy.deepcopy(self._settings))
        app.config["REPORT_JOBS_DIR"] = _report_jobs_dir()
        app.extensions["public_page_cache"].store.clear()
        app.extensions.pop(VERSION_EXTENSION, None)
        secret_key_check.init_state(app)
        if _shape(app) != self._shape:
            self._build()  # so that the tests after it are not changed too
            return "the test changed the app's hooks, guards or routes"
        return None


def _shape(app: Flask) -> tuple:
    """What a test could add to an app that putting back its settings does not undo."""
    from tracker.request_guards import guards_of

    return (
        {key: list(funcs) for key, funcs in app.before_request_funcs.items()},
        {key: list(funcs) for key, funcs in app.after_request_funcs.items()},
        {key: list(funcs) for key, funcs in app.teardown_request_funcs.items()},
        list(guards_of(app)),
        sorted(app.view_functions),
        sorted(app.extensions),
        app.wsgi_app,
    )
