"""The app as the tests build it, and a test client whose requests run like a real server's."""

import tempfile

from flask.testing import FlaskClient

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
    return create_app(config)


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
