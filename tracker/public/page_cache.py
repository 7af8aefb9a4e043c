"""The Flask side of the public page cache: which pages may be recorded, their cache headers,
and the published data version they were rendered from.

A publication day can bring a news spike, and every anonymous reader sees the same bytes. A view
marked ``@public_page`` is rendered by Flask in full; the page cache around Flask
(tracker/public/replay.py) records what came out and replays it to the next anonymous reader of
the same key until the published data version changes. This module only marks a response as
recordable (``Cacheable`` in the WSGI environ) and gives it its cache headers; validators, gzip
and 304 are made from the recording by tracker/public/recording.py, for a fresh page and a
replayed one alike.

Under a spike even the version query dominates, so a worker may reuse the version it read for
PUBLIC_VERSION_CHECK_SECONDS (a second in production: a publication or a withdrawal shows up at
most a second late).
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial, wraps

from flask import Flask, current_app, g, has_app_context, make_response, request
from flask_login.config import COOKIE_NAME as FLASK_LOGIN_REMEMBER_COOKIE

from tracker.languages import locale_code
from tracker.public.queries import DataVersion, published_data_version

# Where a marked response tells the page cache it may be recorded (see Cacheable).
ENVIRON_KEY = "tracker.page_cache"
DO_NOT_STORE_KEY = "tracker.page_cache.do_not_store"
VERSION_EXTENSION = "public_data_version"
# Every public page takes the language; views name their own parameters besides.
LANGUAGE_PARAMETER = "lang"


@dataclass
class Cacheable:
    """Set in the WSGI environ by a public page that Flask rendered for an anonymous reader."""

    version: tuple  # the published data version read before rendering
    blueprints: tuple[str, ...]
    # False: answered with validators and gzip like any public page, but not kept, because the
    # key holds something the page does not know (an unknown or repeated parameter, a value it
    # had to ignore): otherwise ?x=1, ?x=2, … would each take a place in the cache.
    storable: bool


def public_page(view=None, *, query: tuple[str, ...] = ()):
    """Mark ``view`` as a public page; ``query`` names the parameters it reads besides ``lang``.

    ``@public_page`` or ``@public_page(query=("q",))``.
    """
    if view is None:
        return partial(public_page, query=query)
    known = frozenset((LANGUAGE_PARAMETER, *query))

    @wraps(view)
    def public_view(**kwargs):
        # The date filters keep a date on one line on the public pages (templating.long_date).
        g.public_page = True
        if carries_session(request.cookies, current_app.config):
            return _private(make_response(view(**kwargs)))
        # Read before rendering: a page rendered from newer data than its version is re-rendered
        # once more; the other way round, an old page would be kept under the new version.
        version = data_version(current_app)
        response = make_response(view(**kwargs))
        if response.status_code != 200 or "Set-Cookie" in response.headers:
            return _private(response)
        response.cache_control.public = True
        # How long browsers may reuse a page without asking again.
        response.cache_control.max_age = current_app.config["PUBLIC_MAX_AGE_SECONDS"]
        response.vary.update(("Accept-Encoding", "Cookie"))
        response.headers["Content-Language"] = locale_code()
        if version.last_modified is not None:
            response.last_modified = version.last_modified
        request.environ[ENVIRON_KEY] = Cacheable(
            version=version.key,
            blueprints=tuple(request.blueprints),
            storable=_known_parameters_only(known)
            and not request.environ.get(DO_NOT_STORE_KEY, False),
        )
        return response

    return public_view


def do_not_store() -> None:
    """Called by a view whose page reports a value it had to ignore (a typo in an address):
    answered as usual, never kept."""
    request.environ[DO_NOT_STORE_KEY] = True


def _known_parameters_only(known: frozenset[str]) -> bool:
    names = [name for name, _ in request.args.items(multi=True)]
    language = request.args.get(LANGUAGE_PARAMETER)
    return (
        set(names) <= known
        and len(names) == len(set(names))
        and (language is None or language in current_app.config["SUPPORTED_LOCALES"])
    )


def data_version(app: Flask) -> DataVersion:
    """The published data version, read again once it is PUBLIC_VERSION_CHECK_SECONDS old
    (0: on every call). Used by public pages and by the page cache alike."""
    interval = app.config["PUBLIC_VERSION_CHECK_SECONDS"]
    last = app.extensions.get(VERSION_EXTENSION)
    now = time.monotonic()
    if last is not None and now - last[1] < interval:
        return last[0]
    if has_app_context():
        version = published_data_version()
    else:  # the page cache, before any request context
        with app.app_context():
            version = published_data_version()
    # One tuple assignment, so a concurrent thread reads either the old or the new pair.
    app.extensions[VERSION_EXTENSION] = (version, now)
    return version


def session_cookie_names(config: Mapping) -> frozenset[str]:
    return frozenset(
        (
            config["SESSION_COOKIE_NAME"],
            config.get("REMEMBER_COOKIE_NAME", FLASK_LOGIN_REMEMBER_COOKIE),
        )
    )


def carries_session(cookies: Mapping[str, str], config: Mapping) -> bool:
    """A signed-in person's page may name them: it is never recorded or replayed."""
    return not session_cookie_names(config).isdisjoint(cookies.keys())


def _private(response):
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    return response
