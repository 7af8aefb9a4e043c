"""A public page as Flask's full pass produced it, how each request gets its representation
of it, and the per-worker store of such recordings, bounded in bytes.

``representation`` is the one place that decides gzip or identity (by the request's
Accept-Encoding and its q-values) and 200 or 304 (by If-None-Match / If-Modified-Since): a
freshly rendered page and a replayed one are answered by the same call.
"""

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from werkzeug.http import is_resource_modified, parse_accept_header, parse_date, quote_etag

# Set per response by the layers around the page cache (the WSGI server and request_log):
# a recording never holds them, so a replay gets its own.
PER_RESPONSE_HEADERS = frozenset({"date", "x-request-id"})
# Made per representation below.
REPRESENTATION_HEADERS = frozenset({"content-length", "content-encoding", "etag"})
# What a stored recording costs beyond its bodies and headers (objects, key, LRU links).
ENTRY_OVERHEAD_BYTES = 1024


@dataclass(frozen=True)
class Representation:
    body: bytes
    headers: tuple[tuple[str, str], ...]  # the 200's headers
    not_modified_headers: tuple[tuple[str, str], ...]  # the 304's: no Content-Length
    etag: str


@dataclass(frozen=True)
class Recording:
    """One page: status, headers and body from Flask, prepared as identity and gzip."""

    status: str
    identity: Representation
    gzipped: Representation
    last_modified: datetime | None
    version: tuple  # the published data version the page was rendered from
    stored_at: float

    @property
    def size(self) -> int:
        headers = sum(len(name) + len(value) for name, value in self.identity.headers)
        return len(self.identity.body) + len(self.gzipped.body) + 2 * headers + ENTRY_OVERHEAD_BYTES


def record(status: str, headers: list[tuple[str, str]], body: bytes, version: tuple) -> Recording:
    kept = tuple(
        (name, value)
        for name, value in headers
        if name.lower() not in PER_RESPONSE_HEADERS | REPRESENTATION_HEADERS
    )
    etag = hashlib.sha256(body).hexdigest()[:24]
    compressed = gzip.compress(body, compresslevel=6, mtime=0)
    last_modified = next((v for n, v in kept if n.lower() == "last-modified"), None)
    return Recording(
        status=status,
        # A strong validator names one representation, so the gzipped body gets its own.
        identity=_representation(body, kept, etag, ()),
        gzipped=_representation(compressed, kept, etag + "-gz", (("Content-Encoding", "gzip"),)),
        last_modified=parse_date(last_modified) if last_modified else None,
        version=version,
        stored_at=time.monotonic(),
    )


def _representation(body: bytes, kept, etag: str, encoding) -> Representation:
    common = (*kept, *encoding, ("ETag", quote_etag(etag)))
    return Representation(
        body=body,
        headers=(*common, ("Content-Length", str(len(body)))),
        not_modified_headers=common,
        etag=etag,
    )


# Browsers send a handful of distinct values, and parsing one costs as much as the rest of a
# replay.
@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether gzip is acceptable: named or matched by ``*`` with a quality above 0."""
    return parse_accept_header(accept_encoding).quality("gzip") > 0


def representation(recording: Recording, environ) -> tuple[str, tuple, bytes]:
    """Status, headers and body for this request: gzip or identity, 200 or 304."""
    chosen = (
        recording.gzipped
        if accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        else recording.identity
    )
    conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
    if not conditional or is_resource_modified(
        environ, etag=chosen.etag, last_modified=recording.last_modified
    ):
        return recording.status, chosen.headers, chosen.body
    return "304 Not Modified", chosen.not_modified_headers, b""


class RecordingStore:
    """A thread-safe LRU of recordings by key, holding at most ``max_bytes`` of them.

    Free-text searches and every query string make new keys, so the bound is on bytes, not on
    entries: long narratives make large pages. A recording older than ``ttl`` seconds is
    dropped (plan text changed outside the workflow has no data version to compare).
    """

    def __init__(self, max_bytes: int, ttl: float):
        self.max_bytes, self.ttl = max_bytes, ttl
        self.bytes_held = 0
        self._entries: OrderedDict[tuple, Recording] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple) -> Recording | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if time.monotonic() - found.stored_at > self.ttl:
                self._remove(key)
                return None
            self._entries.move_to_end(key)
            return found

    def put(self, key: tuple, recording: Recording) -> None:
        size = recording.size
        if size > self.max_bytes:
            return  # would push out everything else
        with self._lock:
            if key in self._entries:
                self._remove(key)
            self._entries[key] = recording
            self.bytes_held += size
            while self.bytes_held > self.max_bytes:
                self._remove(next(iter(self._entries)))

    def discard(self, key: tuple, recording: Recording) -> None:
        """Forget ``recording`` (its data version is gone), unless it was replaced meanwhile."""
        with self._lock:
            if self._entries.get(key) is recording:
                self._remove(key)

    def clear(self) -> None:
        """Forget every recording (the tests lend one app to many tests)."""
        with self._lock:
            self._entries.clear()
            self.bytes_held = 0

    def _remove(self, key: tuple) -> None:
        self.bytes_held -= self._entries.pop(key).size
