"""One JSON line per request on stdout, for the log collector.

Only what an operator needs to follow a request: never form bodies, query strings (they
may carry tokens), cookies or headers other than the request id. A secret in the path itself
(the token of an e-mailed invitation or reset link) is replaced by REDACTED: whoever reads the
log must not be able to take over the account.
"""

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request, session
from sqlalchemy import inspect as sa_inspect

REQUEST_LOGGER = "tracker.requests"
# A request id set by the proxy is kept only if it is short and harmless to log.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Route variables that hold a secret; their value never reaches the log.
SECRET_VIEW_ARGS = ("token",)
REDACTED = "[skjult]"


class StdoutHandler(logging.Handler):
    """Writes to whatever sys.stdout is at the time, so captured output (tests) sees it too."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:  # noqa: BLE001 - logging must never break a request
            self.handleError(record)


def init_app(app: Flask) -> None:
    logger = logging.getLogger(REQUEST_LOGGER)
    if not any(isinstance(handler, StdoutHandler) for handler in logger.handlers):
        logger.addHandler(StdoutHandler())
    logger.setLevel(logging.INFO)
    logger.propagate = False
    # First of all hooks: CSRF checks and cached public pages answer from earlier hooks, and
    # their requests must be timed too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request(log_request)


def start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = request_id_from(request.headers.get("X-Request-ID", ""))


def request_id_from(incoming: str) -> str:
    """The proxy's request id when it is safe to log, else a new one."""
    return incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def log_request(response):
    started = g.get("request_started")
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    write_line(
        method=request.method,
        path=loggable_path(),
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 2) if started else None,
        remote_addr=request.remote_addr,
        user_id=signed_in_user_id(),
        request_id=request_id,
    )
    return response


def loggable_path() -> str:
    """The request's path with the value of every secret route variable redacted."""
    path = request.path
    for name in SECRET_VIEW_ARGS:
        value = (request.view_args or {}).get(name)
        if isinstance(value, str) and value:
            path = path.replace(value, REDACTED)
    return path


def write_line(**facts) -> None:
    """The one line per request; also written by tracker/public/fast_path.py."""
    line = {"event": "request", **facts}
    logging.getLogger(REQUEST_LOGGER).info(json.dumps(line, ensure_ascii=False, sort_keys=True))


def signed_in_user_id() -> int | None:
    """The signed-in user's id, without a database query (the database may be what failed)."""
    loaded = g.get("_login_user")  # set by Flask-Login once the request looked at current_user
    if loaded is not None:
        if loaded.is_anonymous:
            return None
        # The id from the identity map: reading loaded.id after a commit would query again.
        identity = sa_inspect(loaded).identity
        return identity[0] if identity else None
    # "user id:session generation" (User.get_id), or a bare id from an older cookie.
    user_id = session.get("_user_id")
    user_id = user_id.partition(":")[0] if isinstance(user_id, str) else ""
    return int(user_id) if user_id.isascii() and user_id.isdigit() else None
