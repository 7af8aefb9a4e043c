#!/usr/bin/env python3
"""Load test: 20 contact persons saving reports while public readers hammer the site.

    .venv/bin/python bench/bench_load.py [--duration 60] [--contacts 20] [--readers 8]

1. creates a fresh database on the PostgreSQL server on 127.0.0.1 (BENCH_POSTGRES_URL, as for
   bench_public.py), migrates it, seeds the plan, opens a
   round and creates the contact persons, two per unit; each saves the measures their
   unit shares with other units first, so several people save the same reports;
2. starts gunicorn with the project's gunicorn.conf.py (production settings, JSON request log);
3. for --duration seconds: every contact person signs in through the form, then loops: GET the
   report form (CSRF token + version), POST a new narrative; meanwhile two `wrk` processes read
   `/` and `/tiltak`;
4. counts every answer (from the app's own request log and from the clients), then checks the
   database: stored versions per report = saves answered 302, versions contiguous, current
   values = the latest revision's, every stored narrative one a client sent;
5. writes bench/results-load.md, stops gunicorn and drops the database.
Load only ever targets 127.0.0.1.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_public import bench_database  # noqa: E402  (fresh database on 127.0.0.1)

from tests.support.live_stack import (  # noqa: E402  (after the sys.path line)
    Gunicorn,
    SaveLog,
    check_reports,
    prepare_database,
    run_contact_persons,
)  # noqa: E402

RESULTS = ROOT / "bench" / "results-load.md"
# What the readers fetch: the front page and the plan's list of measures (not an old address,
# which would only measure a redirect).
READ_PATHS = ("/", "/planer/handlingsplan-rasisme-2024-2027/tiltak")


def start_wrk(url: str, duration: int, connections: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            "-H",
            "Accept-Encoding: gzip",
            url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wrk_figures(output: str) -> dict:
    requests_done = int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests": requests_done,
        "rate": rate,
        "p99_ms": float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)],
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def request_kind(entry: dict) -> str:
    path = entry["path"]
    if path.startswith("/rapportering/") and "/tiltak/" in path:
        return f"{entry['method']} report form"
    return f"{entry['method']} {path}"


def durations_by_kind(app_log: list[dict]) -> list[tuple[str, int, float, float]]:
    """(kind, count, median ms, p99 ms) of the time the app itself spent, busiest kind first."""
    by_kind = defaultdict(list)
    for entry in app_log:
        if entry.get("duration_ms") is not None:
            by_kind[request_kind(entry)].append(entry["duration_ms"])
    rows = []
    for kind, values in by_kind.items():
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        rows.append((kind, len(values), statistics.median(values), p99))
    return sorted(rows, key=lambda row: -row[1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--contacts", type=int, default=20)
    parser.add_argument("--readers", type=int, default=8, help="wrk connections per public page")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    database = bench_database()
    db_url = database.create()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    server = None
    try:
        scenario = prepare_database(db_url, contacts=args.contacts)
        server = Gunicorn(db_url, workdir)
        workers = len(server.worker_pids())
        log, stop = SaveLog(), threading.Event()
        readers = [
            start_wrk(server.base + path, args.duration, args.readers) for path in READ_PATHS
        ]
        started = time.monotonic()
        writers = run_contact_persons(server.base, scenario.people, log, stop)
        time.sleep(args.duration)
        stop.set()
        for thread in writers:
            thread.join(timeout=60)
        elapsed = time.monotonic() - started
        public = [wrk_figures(reader.communicate()[0]) for reader in readers]
        app_log = server.request_log()
        app_statuses = Counter(entry["status"] for entry in app_log)
        server.stop()
        crashes = server.stderr_path.read_text().count("Error handling request")
        server = None
        consistency = check_reports(db_url, log)
    finally:
        if server is not None:
            server.stop()
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    saves = log.outcomes["stored"] + log.outcomes["conflict"]
    other = {
        outcome: count
        for outcome, count in log.outcomes.items()
        if outcome not in ("stored", "conflict")
    }
    sent = saves + sum(other.values())
    server_errors = sum(count for status, count in app_statuses.items() if status >= 500) + crashes
    shared = {
        number: versions for number, versions in consistency.stored_versions.items() if versions
    }
    expected = {number: len(log.told("stored", number)) for number in shared}
    people_on = {
        number: sum(number in measures for _, measures in scenario.people) for number in shared
    }
    verdicts = {
        "zero 5xx answers": server_errors == 0 and all(p["non_2xx"] == 0 for p in public),
        "every save stored (302) or refused as a conflict (409)": not other,
        "stored versions per report = saves answered 302": expected == shared,
        "database consistent (contiguous versions, current = latest revision, only sent text)": (
            not consistency.problems
        ),
    }
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Load test: contact persons saving while the public reads",
        "",
        f"Run {now} with `.venv/bin/python bench/bench_load.py --duration {args.duration} "
        f"--contacts {args.contacts} --readers {args.readers}` on a {os.cpu_count()}-core machine "
        "shared "
        "with other jobs. gunicorn with the project's `gunicorn.conf.py` "
        f"({workers} sync workers), PostgreSQL on 127.0.0.1, a fresh database seeded with the "
        "plan.",
        "",
        "## Saves (through the real forms: sign in, GET form for CSRF token + version, POST)",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| contact persons | {args.contacts} |",
        f"| reports saved | {len(shared)}, {sum(n > 1 for n in people_on.values())} of them by "
        "several people "
        f"(up to {max(people_on.values(), default=0)} on one) |",
        f"| saves sent | {sent} in {elapsed:.0f} s ({sent / elapsed:.1f}/s) |",
        f"| stored (302) | {log.outcomes['stored']} |",
        f"| conflict (409, the conflict page) | {log.outcomes['conflict']} |",
        f"| anything else | {sum(other.values())} {other if other else ''} |",
        "",
        "## Public readers (wrk, one thread each, gzip)",
        "",
        "| page | connections | requests | requests/s | p99 | non-2xx/3xx | socket errors |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for path, figures in zip(READ_PATHS, public, strict=False):
        lines.append(
            f"| `{path}` | {args.readers} | {figures['requests']:,} | {figures['rate']:,.0f} | "
            f"{figures['p99_ms']:.1f} ms | {figures['non_2xx']} | {figures['socket_errors']} |"
        )
    lines += [
        "",
        "## Every answer the app gave (its JSON request log)",
        "",
        "| status | count |",
        "|---|---:|",
        *(f"| {status} | {count:,} |" for status, count in sorted(app_statuses.items())),
        f"| gunicorn's own 500 (a crash outside the app) | {crashes} |",
        "",
        "Time the app spent per request (its own `duration_ms`; the rest of a client's wait is "
        "the queue",
        "for a free sync worker on a machine whose two cores also run the clients, wrk and "
        "PostgreSQL):",
        "",
        "| request | count | median | p99 |",
        "|---|---:|---:|---:|",
        *(
            f"| {kind} | {count:,} | {median:.1f} ms | {p99:.1f} ms |"
            for kind, count, median, p99 in durations_by_kind(app_log)[:8]
        ),
        "",
        "## The database afterwards",
        "",
        f"{consistency.reports_checked} reports checked. Versions stored per report "
        "(saves after the round opened) against saves answered 302 for it:",
        "",
        "| measure | people saving it | versions stored | saves answered 302 |",
        "|---:|---:|---:|---:|",
        *(
            f"| {number} | {people_on[number]} | {shared[number]} | {expected[number]} |"
            for number in sorted(shared)
        ),
        "",
        "Problems found: "
        + ("none" if not consistency.problems else "; ".join(consistency.problems)),
        "",
        "## Verdict",
        "",
        *(f"- {claim}: {'yes' if ok else '**NO**'}" for claim, ok in verdicts.items()),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
