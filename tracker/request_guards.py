"""Request guards: checks that may refuse any request, cached public pages included.

A maintenance switch, a host check or a block list is a guard, not a plain ``before_request``
hook: the page cache (tracker/public/replay.py) answers a cached page without running Flask's
hooks, but it runs every guard first. A guard is a function of the request (a werkzeug
``Request``; no request context, no session, no database) that refuses by raising an
``HTTPException`` (``abort(503)``) and otherwise returns None. It must not change anything: a
refusal met on a cached page is handed to Flask, which runs the guard again and renders the
refusal like any other error.
"""

from collections.abc import Callable

from flask import Flask, current_app, request
from werkzeug.wrappers import Request

Guard = Callable[[Request], None]
EXTENSION = "request_guards"


def register(app: Flask, guard: Guard) -> None:
    app.extensions.setdefault(EXTENSION, []).append(guard)


def guards_of(app: Flask) -> list[Guard]:
    return app.extensions.get(EXTENSION, [])


def check(app: Flask, incoming: Request) -> None:
    """Run every guard on ``incoming``; the first refusal raises its HTTPException."""
    for guard in guards_of(app):
        guard(incoming)


def run_guards() -> None:
    """The before_request hook: the guards, for every request Flask handles."""
    check(current_app, request)


def init_app(app: Flask) -> None:
    # First of all hooks: a refused request should cost nothing else.
    app.before_request_funcs.setdefault(None, []).insert(0, run_guards)
