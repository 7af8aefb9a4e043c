"""What /healthz checks: everything an instance needs to serve, not merely that it runs.

- the database answers;
- its schema is the one this code was written for (one migration behind, sign-in answered 500
  while the old check said 200);
- the report folder can take a report (it exists, a file can be written there, and
  REPORT_JOBS_MIN_FREE_MB are free);
- every instance signs sessions with the same SECRET_KEY (tracker/secret_key_check.py).
"""

import errno
import os
import tempfile
from functools import cache

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from tracker import secret_key_check
from tracker.health.queries import database_answers, schema_revisions
from tracker.resources import MIGRATIONS_DIR

OK = "ok"
# A check whose own query failed: neither known good nor known bad.
UNKNOWN = "unknown"


def health() -> tuple[int, dict]:
    """The status code and the body: 200 when every check is OK, else 503."""
    if not database_answers():
        # Nothing else matters, or can be checked, while the database is away.
        return 503, {"status": "error", "database": "unavailable"}
    checks = {
        "database": OK,
        "schema": OK if schema_revisions() == {head_revision()} else "outdated",
        "report_folder": report_folder_state(),
    }
    if current_app.config["SECRET_KEY_CHECK"]:
        try:
            checks["secret_key"] = secret_key_check.check_now()
        except SQLAlchemyError:
            checks["secret_key"] = UNKNOWN
    failing = {
        name: state
        for name, state in checks.items()
        if state not in (OK, secret_key_check.OTHERS_DIFFER)
    }
    return (503 if failing else 200), {"status": "error" if failing else "ok", **checks}


@cache
def head_revision() -> str | None:
    """The newest migration this code ships (read once per process)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def report_folder_state() -> str:
    """OK, "unwritable" or "full"."""
    folder = current_app.config["REPORT_JOBS_DIR"]
    try:
        os.makedirs(folder, exist_ok=True)
        # A real write: a full disk or a read-only mount fails here, whatever statvfs says.
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"\0" * 4096)
            probe.flush()
            os.fsync(probe.fileno())
        free = os.statvfs(folder)
    except OSError as error:
        return "full" if error.errno in (errno.ENOSPC, errno.EDQUOT) else "unwritable"
    if free.f_bavail * free.f_frsize < current_app.config["REPORT_JOBS_MIN_FREE_MB"] * 1024**2:
        return "full"
    return OK
