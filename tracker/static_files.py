"""Static files with long-lived caching for fingerprinted URLs and gzip for text assets.

``asset_url`` adds ``?v=<content hash>``; a request carrying the current hash can be cached
for a year, because a changed file gets a new URL. Compressed bodies are made once per file
version and worker, so plotly.js (1.2 MB, 0.4 MB gzipped) is not re-compressed per request.
"""

import gzip
import mimetypes
import os
from datetime import UTC, datetime
from functools import cache

from flask import Flask, abort, current_app, request, send_from_directory
from werkzeug.security import safe_join

from tracker.public.recording import accepts_gzip
from tracker.resources import STATIC_DIR
from tracker.templating import content_hash

STATIC_FOLDER = str(STATIC_DIR)  # the app's static_folder (tracker/__init__.py)
ONE_YEAR = 31_536_000
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


def init_app(app: Flask) -> None:
    # Keep Flask's own `static` URL rule and endpoint; only the function behind it changes.
    app.view_functions["static"] = serve_static


def serve_static(filename: str):
    path = safe_join(STATIC_FOLDER, filename)
    if path is None or not os.path.isfile(path):
        abort(404)
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if mimetype.startswith(COMPRESSIBLE) and accepts_gzip(request.headers.get("Accept-Encoding")):
        stat = os.stat(path)
        response = current_app.response_class(_gzipped(path, stat.st_mtime_ns), mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(content_hash(filename) + "-gz")
        response.last_modified = datetime.fromtimestamp(int(stat.st_mtime), UTC)
        response.make_conditional(request)
    else:
        # Flask's own sender answers conditional requests with its validators.
        response = send_from_directory(STATIC_FOLDER, filename)
    response.vary.add("Accept-Encoding")
    if request.args.get("v") == content_hash(filename):
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response


@cache
def _gzipped(path: str, mtime_ns: int) -> bytes:
    # mtime_ns is part of the cache key: an edited file is compressed again.
    with open(path, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=9, mtime=0)
