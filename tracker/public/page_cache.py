"""HTTP caching for the public pages: validators, conditional requests and a per-worker cache.

A publication day can bring a news spike, and every anonymous reader sees the same bytes.
So each worker keeps the rendered, gzipped response per URL and language, keyed by the
published data version (one tiny query per request). A hit costs that query and no
rendering; a conditional request that matches answers 304 before anything is rendered.
Under a spike even that query dominates, so a worker may reuse the version it read for
PUBLIC_VERSION_CHECK_SECONDS (a second in production: a publication shows up at most a
second late, well inside the minute browsers and proxies may keep a page anyway).
"""

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from flask import current_app, make_response, request
from flask_login.config import COOKIE_NAME as FLASK_LOGIN_REMEMBER_COOKIE
from werkzeug.http import http_date, is_resource_modified, quote_etag

from tracker.languages import locale_code
from tracker.public.queries import DataVersion, published_data_version

# Cap on cached URLs per worker: free-text searches must not grow memory without bound.
MAX_ENTRIES = 1024
# Headers a view sets that belong to the cached page (the rest are set per response).
PASSED_ON_HEADERS = ("Content-Disposition", "Access-Control-Allow-Origin")


@dataclass(frozen=True)
class CachedPage:
    """A rendered page in both encodings, with every header prepared once."""

    version: tuple
    stored_at: float
    body: bytes
    gzipped: bytes
    etag: str
    last_modified: datetime | None
    # Headers for the identity and the gzip representation (validators included).
    plain_headers: tuple[tuple[str, str], ...]
    gzip_headers: tuple[tuple[str, str], ...]


class PageCache:
    """A small thread-safe LRU of CachedPage by key."""

    def __init__(self, ttl: float, max_entries: int = MAX_ENTRIES):
        self.max_entries, self.ttl = max_entries, ttl
        self._entries: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, version: tuple) -> CachedPage | None:
        with self._lock:
            page = self._entries.get(key)
            if (
                page is None
                or page.version != version
                or time.monotonic() - page.stored_at > self.ttl
            ):
                return None
            self._entries.move_to_end(key)
            return page

    def put(self, key: tuple, page: CachedPage) -> None:
        with self._lock:
            self._entries[key] = page
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


def _page_cache() -> PageCache:
    cache = current_app.extensions.get("public_page_cache")
    if cache is None:
        # Plan text changed outside the reporting workflow (e.g. `flask seed`) has no version
        # to compare, so a cached page is re-rendered after this many seconds at the latest.
        ttl = current_app.config["PUBLIC_PAGE_CACHE_SECONDS"]
        cache = current_app.extensions["public_page_cache"] = PageCache(ttl=ttl)
    return cache


def public_page(view):
    """Serve ``view`` with validators, Cache-Control and gzip, from the worker's cache when
    fresh."""

    @wraps(view)
    def cached_view(**kwargs):
        if _carries_session():
            return _private(make_response(view(**kwargs)))
        version = _data_version()
        locale = locale_code()
        key = page_key(request.environ, locale)
        cache = _page_cache()
        page = cache.get(key, version.key)
        if page is None:
            response = make_response(view(**kwargs))
            if response.status_code != 200 or "Set-Cookie" in response.headers:
                return _private(response)
            page = _store(response, version, locale)
            cache.put(key, page)
        return _respond(page)

    return cached_view


def request_path(environ) -> str:
    """The path as Flask's ``request.path`` reads it."""
    return "/" + environ.get("PATH_INFO", "").encode("latin1").decode(errors="replace").lstrip("/")


def page_key(environ, locale: str) -> tuple:
    """One page per path, raw query string and language (shared with fast_path.py)."""
    return (request_path(environ), environ.get("QUERY_STRING", "").encode("latin1"), locale)


def _data_version() -> DataVersion:
    # How long a worker may trust the data version it last read (0: ask on every request).
    interval = current_app.config["PUBLIC_VERSION_CHECK_SECONDS"]
    last = current_app.extensions.get("public_data_version")
    now = time.monotonic()
    if last is not None and now - last[1] < interval:
        return last[0]
    version = published_data_version()
    # One tuple assignment, so a concurrent thread reads either the old or the new pair.
    current_app.extensions["public_data_version"] = (version, now)
    return version


def _carries_session() -> bool:
    # A signed-in person's page may name them; it must never be cached or shared.
    cookies = (
        current_app.config["SESSION_COOKIE_NAME"],
        current_app.config.get("REMEMBER_COOKIE_NAME", FLASK_LOGIN_REMEMBER_COOKIE),
    )
    return any(name in request.cookies for name in cookies)


def _private(response):
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    return response


def _store(response, version: DataVersion, locale: str) -> CachedPage:
    body = response.get_data()
    etag = hashlib.sha256(body).hexdigest()[:24]
    # How long browsers and proxies may reuse a page without asking again.
    max_age = current_app.config["PUBLIC_MAX_AGE_SECONDS"]
    common = [
        ("Content-Type", response.headers["Content-Type"]),
        ("Content-Language", locale),
        ("Cache-Control", f"public, max-age={max_age}"),
        ("Vary", "Accept-Encoding, Cookie"),
        *((name, value) for name, value in response.headers.items() if name in PASSED_ON_HEADERS),
    ]
    if version.last_modified is not None:
        common.append(("Last-Modified", http_date(version.last_modified)))
    # A strong validator names one representation, so the gzipped body gets its own.
    return CachedPage(
        version=version.key,
        stored_at=time.monotonic(),
        body=body,
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
        etag=etag,
        last_modified=version.last_modified,
        plain_headers=(*common, ("ETag", quote_etag(etag))),
        gzip_headers=(*common, ("ETag", quote_etag(etag + "-gz")), ("Content-Encoding", "gzip")),
    )


def _respond(page: CachedPage):
    compressed = "gzip" in request.accept_encodings
    headers = page.gzip_headers if compressed else page.plain_headers
    etag = page.etag + ("-gz" if compressed else "")
    if not is_resource_modified(request.environ, etag=etag, last_modified=page.last_modified):
        return current_app.response_class(status=304, headers=headers)
    return current_app.response_class(page.gzipped if compressed else page.body, headers=headers)
