#!/usr/bin/env python3
"""Benchmark the public front page: gunicorn + PostgreSQL against nginx serving the same page.

    .venv/bin/python bench/bench_public.py [--duration 20] [--connections 32]

1. creates a fresh PostgreSQL database, migrates it and seeds the plan;
2. starts gunicorn on 127.0.0.1 and runs `wrk -t2 -c32 -d20s` on `/`;
3. saves that page as a static file, serves it with nginx (a temporary nginx.conf, foreground
   process, 127.0.0.1 only) and runs the same wrk load: the ceiling, in the same run;
4. measures the first-visit transfer: the gzip-compressed page plus every asset it references;
5. writes bench/results-public.md, then stops both servers and drops the database.
Load only ever targets 127.0.0.1.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results-public.md"
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")
# 2 cores: two sync workers per core. gthread workers measured a far worse p99 here (a
# keep-alive connection stays with one worker, so load spreads unevenly); sync workers are
# gunicorn's recommendation behind a buffering proxy, which is how production runs.
GUNICORN_ARGS = os.environ.get("BENCH_GUNICORN_ARGS", "--workers 4")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def fetch(url: str, gzip: bool = True) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(request) as response:
        return response.read(), dict(response.headers)


def run_wrk(url: str, duration: int, connections: int) -> dict:
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            "Accept-Encoding: gzip",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", output)
    return {
        "rate": rate,
        "p99_ms": p99_ms,
        "errors": errors.group(0) if errors else "none",
        "raw": output,
    }


def bench_database():
    """A fresh PostgreSQL database for one benchmark run (create() it, drop() it after)."""
    sys.path.insert(0, str(ROOT))
    from tests.support.databases import ThrowawayDatabase

    return ThrowawayDatabase(PG_SERVER, prefix="tracker_bench")


def first_visit_bytes(base: str) -> tuple[int, list[tuple[str, int]]]:
    """Compressed bytes of the page and of every stylesheet and script it references."""
    page, _ = fetch(base + "/")
    html, _ = fetch(base + "/", gzip=False)
    parts = [("/", len(page))]
    for url in re.findall(rb'(?:href|src)="(/static/[^"]+)"', html):
        body, _ = fetch(base + url.decode().replace("&amp;", "&"))
        parts.append((url.decode(), len(body)))
    return sum(size for _, size in parts), parts


NGINX_CONF = """daemon off;
worker_processes 2;
pid {dir}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
  uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
  default_type text/html;
  gzip on; gzip_min_length 0;
  server {{
    listen 127.0.0.1:{port};
    root {dir}/site;
    location = / {{ try_files /index.html =404; }}
  }}
}}
"""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (apt-get install {tool})")

    database = bench_database()
    db_url = database.create()
    env = os.environ | {
        "DATABASE_URL": db_url,
        "TRACKER_ENV": "production",
        "SECRET_KEY": uuid.uuid4().hex,
    }
    workdir = Path(tempfile.mkdtemp(prefix="bench-public-"))
    workdir.chmod(0o755)  # nginx's worker processes may run as another user
    gunicorn = nginx = None
    try:
        flask = [str(BIN / "flask"), "--app", "wsgi"]
        subprocess.run(
            flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        subprocess.run(flask + ["seed"], cwd=ROOT, env=env, check=True, capture_output=True)

        port = free_port()
        gunicorn = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                *GUNICORN_ARGS.split(),
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        app_url = f"http://127.0.0.1:{port}"
        wait_for(app_url + "/")
        subprocess.run(
            ["wrk", "-t2", "-c32", "-d3s", app_url + "/"], check=True, capture_output=True
        )  # warm-up
        ours = run_wrk(app_url + "/", args.duration, args.connections)
        transfer, parts = first_visit_bytes(app_url)
        page, _ = fetch(app_url + "/", gzip=False)

        (workdir / "site").mkdir()
        (workdir / "tmp").mkdir()
        (workdir / "site" / "index.html").write_bytes(page)
        nginx_port = free_port()
        (workdir / "nginx.conf").write_text(NGINX_CONF.format(dir=workdir, port=nginx_port))
        nginx = subprocess.Popen(
            ["nginx", "-c", str(workdir / "nginx.conf"), "-p", str(workdir)],
            stdout=subprocess.DEVNULL,
        )
        nginx_url = f"http://127.0.0.1:{nginx_port}"
        wait_for(nginx_url + "/")
        ceiling = run_wrk(nginx_url + "/", args.duration, args.connections)
    finally:
        for process in (gunicorn, nginx):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
        database.drop()

    report(ours, ceiling, transfer, parts, args)
    return 0


def report(ours: dict, ceiling: dict, transfer: int, parts: list, args) -> None:
    fraction = ours["rate"] / ceiling["rate"]
    verdict = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    lines = [
        "# Public front page benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPU cores, "
        f"`wrk -t2 -c{args.connections} -d{args.duration}s` on `/` (seeded plan, PostgreSQL), "
        f"gunicorn `{GUNICORN_ARGS}`. Reproduce: `.venv/bin/python bench/bench_public.py`.",
        "",
        "| server | requests/s | p99 latency | errors |",
        "|---|---:|---:|---|",
        f"| tracker (gunicorn + PostgreSQL) | {ours['rate']:,.0f} | {ours['p99_ms']:.1f} ms | "
        f"{ours['errors']} |",
        f"| nginx, same page as a static file | {ceiling['rate']:,.0f} | {ceiling['p99_ms']:.1f} "
        f"ms | {ceiling['errors']} |",
        "",
        f"Our throughput is **{fraction:.1%}** of nginx's.",
        "",
        f"- Target ≥ 1,000 requests/s: {verdict(ours['rate'] >= 1000)}.",
        f"- Target p99 < 100 ms: {verdict(ours['p99_ms'] < 100)}.",
        f"- First visit ≤ 600 KB compressed: {transfer / 1000:,.1f} KB — "
        f"{verdict(transfer <= 600_000)}.",
        "",
        "First-visit transfer (gzip-compressed bodies):",
        "",
        "| resource | bytes |",
        "|---|---:|",
        *[f"| `{url.split('?')[0]}` | {size:,} |" for url, size in parts],
        f"| **total** | **{transfer:,}** |",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print(ours["raw"])


if __name__ == "__main__":
    sys.exit(main())
