"""The yardstick for bench_public.py: a one-route Flask app serving fixed, gzipped bytes.

It serves the very bytes tracker sent for `/` (ONE_ROUTE_BODY, a file) with their content type
(ONE_ROUTE_CONTENT_TYPE): what Flask itself costs per request, with no work of ours.
"""

import os
from pathlib import Path

from flask import Flask, Response

BODY = Path(os.environ["ONE_ROUTE_BODY"]).read_bytes()
CONTENT_TYPE = os.environ.get("ONE_ROUTE_CONTENT_TYPE", "text/html; charset=utf-8")
# The one route's path: the page of tracker's it stands beside (bench_public.py --path).
PATH = os.environ.get("ONE_ROUTE_PATH", "/")

app = Flask(__name__)


@app.get(PATH)
def index():
    return Response(BODY, content_type=CONTENT_TYPE, headers={"Content-Encoding": "gzip"})
