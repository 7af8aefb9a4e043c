"""One JSON line per request on stdout, for the log collector, written by one WSGI layer for
every request: rendered by Flask, replayed by the page cache, or refused by a hook.

Only what an operator needs to follow a request: never form bodies, query strings (they
may carry tokens), cookies or headers other than the request id. A secret in the path itself
(the token of an e-mailed invitation or reset link) is replaced by REDACTED: whoever reads the
log must not be able to take over the account.

The line is written straight to stdout rather than through the logging module: a log record
(thread and process names, time, caller) costs more than the rest of a replayed page, and the
collector reads stdout anyway.
"""

import json
import os
import re
import sys
import threading
import time

from flask import Flask, g, request, session
from sqlalchemy import inspect as sa_inspect

# A request id set by the proxy is kept only if it is short and harmless to log.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Where Flask's pass leaves the signed-in person's id and the loggable path for the log line.
USER_ID_KEY = "tracker.request_log.user_id"
PATH_KEY = "tracker.request_log.path"
# Route variables that hold a secret; their value never reaches the log.
SECRET_VIEW_ARGS = ("token",)
REDACTED = "[skjult]"
# One line at a time, whole, whichever thread writes it.
_write_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Log every request: a WSGI layer around Flask and the page cache, so a replayed page is
    logged by the same code as a rendered one (and a refusal by an early hook is timed too)."""
    app.after_request(note_user)
    # Flask's documented way to add WSGI middleware (see tracker/public/replay.py).
    app.wsgi_app = RequestLog(app.wsgi_app)  # type: ignore[method-assign]


class RequestLog:
    """Gives each request its id (sent back as X-Request-ID) and writes its line when the
    response starts."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID", ""))
        logged = False

        def start_and_log(status, headers, exc_info=None):
            nonlocal logged
            if not logged:  # an error after the headers starts the response a second time
                logged = True
                write_line(
                    method=environ.get("REQUEST_METHOD"),
                    path=environ.get(PATH_KEY) or request_path(environ),
                    status=int(status[:3]),
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    remote_addr=environ.get("REMOTE_ADDR"),
                    user_id=environ.get(USER_ID_KEY),
                    request_id=request_id,
                )
            return start_response(status, [*headers, ("X-Request-ID", request_id)], exc_info)

        return self.wsgi_app(environ, start_and_log)


def request_path(environ) -> str:
    """The path as werkzeug's ``Request.path`` reads it (WSGI hands it over as latin-1)."""
    raw = environ.get("PATH_INFO", "").encode("latin1").decode(errors="replace")
    return "/" + raw.lstrip("/")


def request_id_from(incoming: str) -> str:
    """The proxy's request id when it is safe to log, else a new one."""
    return incoming if _SAFE_REQUEST_ID.match(incoming) else os.urandom(16).hex()


def note_user(response):
    """after_request: who made the request, and its path without secrets, for the line the
    WSGI layer writes (only Flask knows which part of the path is a route's secret)."""
    request.environ[USER_ID_KEY] = signed_in_user_id()
    request.environ[PATH_KEY] = loggable_path()
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
    line = json.dumps({"event": "request", **facts}, ensure_ascii=False, sort_keys=True) + "\n"
    with _write_lock:
        try:
            # Whatever sys.stdout is at the time, so captured output (tests) sees it too.
            sys.stdout.write(line)
            sys.stdout.flush()
        except (OSError, ValueError):
            pass  # a log line must never break a request (a closed or full stdout)


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
