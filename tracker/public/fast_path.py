"""Answer an anonymous reader's cached public page before Flask does any per-request work.

A cache hit needs none of what a Flask request costs: the request context, session opening,
Flask-Login's user loading, the forced-password-change hook, Babel's locale and the session's
teardown. This WSGI middleware looks the page up in the same per-worker cache that
``page_cache.public_page`` fills and answers with the same headers (the cached page's own,
the security headers, X-Request-ID) and the same request-log line. Anything it cannot answer
with certainty goes on to Flask unchanged:

- not a GET, or a request carrying a session or remember-me cookie (it may name a person);
- no data version read within PUBLIC_VERSION_CHECK_SECONDS (Flask's path reads it again);
- no fresh page in the cache for this path, query string and language.

The language is chosen from the query string only (tracker.select_locale), so a page stored
under a key was rendered for exactly that key: a hit can never serve the wrong language.
"""

import time
from urllib.parse import parse_qsl

from flask import Flask
from werkzeug.http import is_resource_modified, parse_accept_header, parse_cookie

from tracker import request_log, security
from tracker.i18n import DEFAULT_LOCALE
from tracker.public import page_cache

_STATUS_TEXT = {200: "200 OK", 304: "304 Not Modified"}


class CachedPageFastPath:
    """WSGI middleware in front of ``app``'s own WSGI callable (inside ProxyFix, if any)."""

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self.cookie_names = frozenset(
            (
                app.config["SESSION_COOKIE_NAME"],
                app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
            )
        )

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        page = self._cached_page(environ) if environ.get("REQUEST_METHOD") == "GET" else None
        if page is None:
            return self.wsgi_app(environ, start_response)
        return self._answer(environ, start_response, page, started)

    def _cached_page(self, environ) -> page_cache.CachedPage | None:
        if "HTTP_COOKIE" in environ and self.cookie_names & parse_cookie(environ).keys():
            return None
        extensions = self.app.extensions
        cache, known = extensions.get("public_page_cache"), extensions.get("public_data_version")
        if cache is None or known is None:
            return None
        version, read_at = known
        interval = self.app.config["PUBLIC_VERSION_CHECK_SECONDS"]
        if time.monotonic() - read_at >= interval:
            return None
        return cache.get(page_cache.page_key(environ, self._locale(environ)), version.key)

    def _locale(self, environ) -> str:
        query = environ.get("QUERY_STRING", "")
        if "lang" in query:
            for name, value in parse_qsl(query, keep_blank_values=True):
                if name == "lang":
                    return (
                        value if value in self.app.config["SUPPORTED_LOCALES"] else DEFAULT_LOCALE
                    )
        return DEFAULT_LOCALE

    def _answer(self, environ, start_response, page, started: float):
        compressed = "gzip" in parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING"))
        headers = list(page.gzip_headers if compressed else page.plain_headers)
        etag = page.etag + ("-gz" if compressed else "")
        if is_resource_modified(environ, etag=etag, last_modified=page.last_modified):
            status, body = 200, page.gzipped if compressed else page.body
            headers.append(("Content-Length", str(len(body))))
        else:
            status, body = 304, b""
        request_id = request_log.request_id_from(environ.get("HTTP_X_REQUEST_ID", ""))
        headers += security.security_headers(environ.get("wsgi.url_scheme") == "https")
        headers.append(("X-Request-ID", request_id))
        start_response(_STATUS_TEXT[status], headers)
        request_log.write_line(
            method="GET",
            path=page_cache.request_path(environ),
            status=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
            remote_addr=environ.get("REMOTE_ADDR"),
            user_id=None,
            request_id=request_id,
        )
        return [body]


def init_app(app: Flask) -> None:
    """Install the fast path; before ProxyFix wraps the app, so it sees the client's address."""
    # Flask's documented way to add WSGI middleware: an instance attribute that shadows the
    # method (ProxyFix then wraps this one the same way). mypy refuses any assignment to a
    # method; setattr() would only hide the same thing from it.
    app.wsgi_app = CachedPageFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
