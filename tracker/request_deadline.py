"""Requests the proxy has given up on are not worked on, and their work is not committed.

nginx stamps each request with ``X-Request-Start: t=<seconds since the epoch>``
(deploy/nginx.conf). Behind trusted proxies (TRUSTED_PROXIES) a request's deadline is that
moment plus REQUEST_DEADLINE_SECONDS; otherwise it counts from when the app got the request.

A request that waited in gunicorn's queue past its deadline (every worker was stuck on a hung
database) is answered 503 without being looked at, and a unit of work that reaches its commit
after the deadline is rolled back (tracker/transactions.py). By then the proxy has answered 504,
or will before the commit could return, and nobody may be told «failed» about a change that
was stored. The deadline is shorter than the proxy's timeout by more than a statement may take.
"""

import re
import time

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import lazy_gettext

from tracker.user_errors import UserError

_REQUEST_START = re.compile(r"^t=(\d{1,12}(?:\.\d{1,9})?)$")


class RequestTooLate(UserError):
    """The request is past its deadline: nothing was (or will be) stored."""

    def __init__(self):
        super().__init__(
            lazy_gettext(
                "Tjenesten hadde for mye å gjøre, og forespørselen din ventet for lenge. "
                "Ingenting ble lagret. Vent litt og prøv igjen."
            )
        )


def init_app(app: Flask) -> None:
    # Right after the request guards (tracker/request_guards.py), before anything reads the
    # database.
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks.insert(1 if hooks else 0, refuse_if_too_late)


def refuse_if_too_late() -> None:
    g.request_deadline = _received_at() + current_app.config["REQUEST_DEADLINE_SECONDS"]
    if past_deadline():
        raise RequestTooLate()


def past_deadline() -> bool:
    """Whether the current request (if any) is past its deadline."""
    if not has_request_context():
        return False
    deadline = g.get("request_deadline")
    return deadline is not None and time.time() > deadline


def _received_at() -> float:
    """When the proxy received the request, if a trusted proxy says; else now."""
    now = time.time()
    if not current_app.config["TRUSTED_PROXIES"]:
        return now
    match = _REQUEST_START.match(request.headers.get("X-Request-Start", ""))
    # Never later than now: the two machines' clocks may differ a little.
    return min(float(match.group(1)), now) if match else now
