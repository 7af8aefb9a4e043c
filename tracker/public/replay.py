"""The public page cache: a WSGI layer around Flask that records what Flask's own full pass
produced for an anonymous public page, and replays it to the next reader of the same key.

Nothing of Flask's request handling is copied here. On a miss Flask handles the request in full
(every hook, the view, the error handlers, the session); if the view marked the response as a
public page (``page_cache.Cacheable``) and what came out is a 200 without Set-Cookie, its status,
headers and body are recorded. A replay sends them again; only the per-response headers (Date,
X-Request-ID) are left to the layers around it (the WSGI server and request_log, which writes
every request's log line, replayed or not). Both answers go through
``recording.representation``: gzip or identity, 200 or 304.

A request is replayed only when all of this holds, and otherwise goes to Flask:

- GET or HEAD, without a session or remember-me cookie;
- a recording under its key: scheme (HSTS), host, script root, path, query string and, for a
  feed, whether the Accept header asks for a page or for Atom (feed_negotiation.py). Nothing
  else can change a public page's bytes: the language is in the query string, links that leave
  the site come from PUBLIC_URL, a page that varies on another header is never recorded;
- the recording was made from the published data version current now;
- no request guard refuses (a refusal is Flask's to render, with its error page).

A page is recorded only if every hook Flask ran for it is declared skippable
(skippable_hooks.py); otherwise Flask handles each of its requests. Flask refuses new hooks once
it has handled a request, so what held when a page was recorded holds when it is replayed.
"""

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie
from werkzeug.wrappers import Request

from tracker import request_guards
from tracker.public.feed_negotiation import negotiated
from tracker.public.page_cache import (
    ENVIRON_KEY,
    Cacheable,
    data_version,
    session_cookie_names,
)
from tracker.public.recording import Recording, RecordingStore, record, representation
from tracker.public.skippable_hooks import HookCheck

# A recorded page may vary on these request headers only: the representation is chosen by
# Accept-Encoding, a feed's by Accept (held in the key), and a request with a session cookie is
# never replayed.
REPLAYABLE_VARY = frozenset({"accept", "accept-encoding", "cookie"})


def page_key(environ) -> tuple:
    """Everything of a request that can change a public page's bytes (see the module's notes)."""
    return (
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}",
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        # A feed's address answers a browser with a page and a reader with Atom.
        negotiated(environ),
    )


class PageCache:
    """WSGI middleware in front of ``app``'s own WSGI callable (inside request_log and
    ProxyFix, so the scheme and host are the client's)."""

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self.store = RecordingStore(
            max_bytes=app.config["PUBLIC_PAGE_CACHE_BYTES"],
            # Plan text changed outside the reporting workflow (e.g. `flask seed`) has no data
            # version to compare, so a recording is rendered again after this long at the latest.
            ttl=app.config["PUBLIC_PAGE_CACHE_SECONDS"],
        )
        self.hooks = HookCheck(app)
        self.cookie_names = session_cookie_names(app.config)

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or self._carries_session(environ):
            return self.wsgi_app(environ, start_response)
        key = page_key(environ)
        recording = self.store.get(key)
        if recording is not None and self._may_replay(key, recording, environ):
            status, headers, body = representation(recording, environ)
            start_response(status, list(headers))
            return [body] if method == "GET" else []
        if method == "HEAD":
            return self.wsgi_app(environ, start_response)  # a HEAD answer has no body to record
        return self._render(key, environ, start_response)

    def _carries_session(self, environ) -> bool:
        # Parsed only when there are cookies: most anonymous readers send none.
        return "HTTP_COOKIE" in environ and not self.cookie_names.isdisjoint(
            parse_cookie(environ).keys()
        )

    def _may_replay(self, key: tuple, recording: Recording, environ) -> bool:
        if request_guards.guards_of(self.app):
            try:
                request_guards.check(self.app, Request(environ, shallow=True))
            except HTTPException:
                return False  # Flask's pass runs the guard again and renders the refusal
        try:
            current = data_version(self.app)
        except SQLAlchemyError:
            return False  # the database is away: Flask's pass answers for it (a 503)
        if current.key != recording.version:
            self.store.discard(key, recording)
            return False
        return True

    def _render(self, key: tuple, environ, start_response):
        """Flask's full pass; a marked public page is recorded and answered from its recording."""
        started: list = []
        written: list[bytes] = []
        forwarding = False

        def capture(status, headers, exc_info=None):
            if forwarding:
                return start_response(status, headers, exc_info)
            started[:] = [status, headers, exc_info]
            return written.append

        app_iter = self.wsgi_app(environ, capture)
        cacheable = environ.get(ENVIRON_KEY)
        if not started or not isinstance(cacheable, Cacheable):
            # Not a public page (or an answer that starts later): pass it on untouched.
            forwarding = True
            if started:
                write = start_response(*started)
                for part in written:
                    write(part)
            return app_iter
        try:
            body = b"".join([*written, *app_iter])
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        status, headers, exc_info = started
        if not _recordable(status, headers):
            start_response(status, headers, exc_info)
            return [body]
        recording = record(status, headers, body, cacheable.version)
        if cacheable.storable and self.hooks.all_skippable(cacheable.blueprints):
            self.store.put(key, recording)
        status, headers, body = representation(recording, environ)
        start_response(status, list(headers))
        return [body]


def _recordable(status: str, headers: list[tuple[str, str]]) -> bool:
    """What came out of Flask's full pass (after every after_request hook and the session's
    save) may be replayed to anyone."""
    if not status.startswith("200"):
        return False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if (
            lowered == "vary"
            and not {part.strip().lower() for part in value.split(",")} <= REPLAYABLE_VARY
        ):
            return False
    return True


def init_app(app: Flask) -> None:
    """Install the page cache around Flask (request_log and ProxyFix go around it)."""
    # Flask's documented way to add WSGI middleware: an instance attribute that shadows the
    # method. mypy refuses any assignment to a method; setattr() would only hide the same thing.
    cache = app.extensions["public_page_cache"] = PageCache(app, app.wsgi_app)
    app.wsgi_app = cache  # type: ignore[method-assign]
