"""The app as the tests build it, and a test client whose requests run like a real server's."""

import tempfile

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
        "REPORT_JOBS_DIR": tempfile.mkdtemp(prefix="tracker-report-jobs-"),
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
