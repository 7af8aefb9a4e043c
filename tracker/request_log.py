"""One JSON line per request on stdout, for the log collector, written by one WSGI layer for
every request: rendered by Flask, replayed by the page cache, or refused by a hook.

Only what an operator needs to follow a request: never form bodies, query strings (they
may carry tokens), cookies or headers other than the request id.
"""

import json
import logging
import os
import re
import sys
import time

from flask import Flask, g, request, session
from sqlalchemy import inspect as sa_inspect

REQUEST_LOGGER = "tracker.requests"
_logger = logging.getLogger(REQUEST_LOGGER)
# A request id set by the proxy is kept only if it is short and harmless to log.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class StdoutHandler(logging.Handler):
    """Writes to whatever sys.stdout is at the time, so captured output (tests) sees it too."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:  # noqa: BLE001 - logging must never break a request
            self.handleError(record)


# Where Flask's pass leaves the signed-in person's id for the log line.
USER_ID_KEY = "tracker.request_log.user_id"


def init_app(app: Flask) -> None:
    """Log every request: a WSGI layer around Flask and the page cache, so a replayed page is
    logged by the same code as a rendered one (and a refusal by an early hook is timed too)."""
    if not any(isinstance(handler, StdoutHandler) for handler in _logger.handlers):
        _logger.addHandler(StdoutHandler())
    _logger.setLevel(logging.INFO)
    _logger.propagate = False
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
                    path=request_path(environ),
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
    """after_request: who made the request, for the line the WSGI layer writes."""
    request.environ[USER_ID_KEY] = signed_in_user_id()
    return response


def write_line(**facts) -> None:
    if not _logger.isEnabledFor(logging.INFO):
        return
    line = json.dumps({"event": "request", **facts}, ensure_ascii=False, sort_keys=True)
    # A record made directly: Logger.info would first walk the stack to find its caller, which
    # costs as much as the rest of a replayed page (and the line names no caller).
    _logger.handle(_logger.makeRecord(REQUEST_LOGGER, logging.INFO, __file__, 0, line, (), None))


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
