#!/usr/bin/env python3
"""Benchmark the read API (issue 26): what a response costs rendered by Flask (a cache miss)
and replayed from the page cache (a hit), for a plan of 50 and of 5,000 measures.

    .venv/bin/python bench/bench_api.py [--measures 50 5000] [--repeat 30]

On a fresh SQLite file per size, in process (Flask's test client through the whole WSGI stack:
request log, page cache, Flask), so the numbers are the app's own, without the network. A miss
is forced by clearing the page cache before each request. Writes bench/results-api.md.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from tests.support.app import make_app  # noqa: E402
from tests.support.public_helpers import load_synthetic_plan  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.public.recording import RecordingStore  # noqa: E402

RESULTS = ROOT / "bench" / "results-api.md"
PLAN = "/api/v1/plans/handlingsplan-rasisme-2024-2027"
PATHS = [
    PLAN + "/measures",
    PLAN + "/measures/3",
    "/api/v1/plans",
    "/data/katalog.jsonld",
    # For comparison: the HTML list of the same measures.
    "/planer/handlingsplan-rasisme-2024-2027/tiltak",
]


def median_ms(client, path: str, repeat: int, clear) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        clear()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
        size = len(response.get_data())
    return statistics.median(times), size


def run(measures: int, repeat: int) -> list[str]:
    url = "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.sqlite")
    app = make_app(url, PUBLIC_URL="https://tracker.example.no")
    app.config["PUBLIC_VERSION_CHECK_SECONDS"] = 1.0  # as in production
    rows = []
    with app.app_context():
        upgrade()
        load_synthetic_plan(measures)
        db.session.commit()
        client = app.test_client()
        cache = app.extensions["public_page_cache"]

        def forget_every_page() -> None:
            cache.store = RecordingStore(max_bytes=cache.store.max_bytes, ttl=cache.store.ttl)

        for path in PATHS:
            miss, size = median_ms(client, path, repeat, forget_every_page)
            client.get(path)
            hit, _ = median_ms(client, path, repeat, lambda: None)
            rows.append(f"| {measures} | `{path}` | {size:,} | {miss:.1f} | {hit:.2f} |")
    return rows


NOTES = """A miss is paid once per published data version and worker (a publication, a
withdrawal); every other request is a hit. The list of 5,000 measures costs about half
what the HTML list of them does: loading the measures with their areas and units through
the ORM dominates, and 10,000 absolute links (one bound URL map, `absolute_url_builder`)
take about a third.
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, nargs="+", default=[50, 5000])
    parser.add_argument("--repeat", type=int, default=30)
    arguments = parser.parse_args()
    rows = [row for count in arguments.measures for row in run(count, arguments.repeat)]
    RESULTS.write_text(
        "# The read API: rendered (miss) and replayed (hit)\n\n"
        "`.venv/bin/python bench/bench_api.py` on this machine (2 cores, shared), SQLite, in "
        f"process; median of {arguments.repeat} requests each.\n\n"
        "| measures | path | bytes | miss ms | hit ms |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\n"
        + NOTES,
        encoding="utf-8",
    )
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
