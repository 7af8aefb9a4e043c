#!/usr/bin/env python3
"""Benchmark the public front page `/` against two yardsticks measured in the same run.

    .venv/bin/python bench/bench_public.py [--duration 10] [--rounds 5] [--connections 32]
        [--plans 1] [--path /] [--skip-nginx] [--results bench/results-public.md]

1. creates a fresh PostgreSQL database, migrates it and seeds the plan; with --plans N, N-1 more
   plans like it (50 measures, their published rounds) join it, and `/` is the list of plans;
2. tracker under gunicorn (2 sync workers) against a one-route Flask app under gunicorn
   (2 sync workers) serving the very gzipped bytes tracker sent: `wrk -c32` on `/`, measured in
   pairs (tracker then the yardstick, the next pair the other way round, so a change in the
   machine's load during a pair hits both); ratio 1 is the median of the pairs' ratios (target:
   at or above 100 %, the cached page costs no more than Flask's cheapest route);
3. deploy/nginx.conf itself (tests/support/nginx.py swaps in ports, paths, `server_name
   localhost` and a self-signed certificate) in front of that gunicorn, against a server block
   of the same nginx serving the page as a static file (gzip_static, same TLS, same access log):
   both over HTTPS, in pairs the same way; ratio 2 (>= 80 %);
4. measures the first-visit transfer: the gzip-compressed page plus every asset it references;
5. writes bench/results-public.md with the machine's load average, stops every server and drops
   the database.
Needs Debian's wrk, nginx and openssl (make system-deps bench-deps). Load only ever targets
127.0.0.1.
"""

import argparse
import os
import re
import shutil
import socket
import ssl
import statistics
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
GUNICORN_ARGS = ["--workers", "2"]
# The benchmark's certificate is self-signed: urllib must not check it (localhost only).
INSECURE = ssl._create_unverified_context()  # noqa: S323


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=INSECURE) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def fetch(url: str, gzip: bool = True) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(request, context=INSECURE) as response:
        return response.read(), dict(response.headers)


def run_wrk(url: str, duration: int, connections: int) -> dict:
    """One wrk run; errors (non-2xx/3xx, socket errors) are reported, never hidden."""
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


def start_gunicorn(
    target: str, env: dict, processes: list, *extra: str, ready_path: str = "/"
) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on a free port; it joins ``processes`` at once, so it is always stopped."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", *GUNICORN_ARGS, *extra, target],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    processes.append(process)
    url = f"http://127.0.0.1:{port}"
    wait_for(url + ready_path, timeout=120)  # a loaded machine starts workers slowly
    return process, url


def static_yardstick(port: int):
    """A server block for the same nginx: the page as a static file, same TLS."""

    def server(workdir: Path, cert: Path, key: Path) -> str:
        site = workdir / "site"
        return f"""
    server {{
        listen 127.0.0.1:{port} ssl http2;
        server_name localhost;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:static_tls:10m;
        location = / {{
            root {site};
            default_type "text/html; charset=utf-8";
            gzip_static on;
            try_files /index.html =404;
        }}
    }}
"""

    return server


# Loads ``count`` - 1 copies of the seeded plan (each 50 measures with its published rounds) as
# plans of their own, in the app's own loader, as `flask plans import` would.
ADD_PLANS = """
import copy, json, sys
from tracker import create_app
from tracker.extensions import db
from tracker.plan.loader import load_plan

seed = json.load(open("seed/plan_2024_2027.json", encoding="utf-8"))
app = create_app()
with app.app_context():
    for number in range(2, int(sys.argv[1]) + 1):
        data = copy.deepcopy(seed)
        data["plan"]["slug"] = f"bench-plan-{number}"
        data["plan"]["title"] = f"Handlingsplan nummer {number}"
        for reporting_round in data.get("rounds", []):
            reporting_round["slug"] = f"{reporting_round['slug']}-{number}"
        load_plan(db.session(), data, new_plan=True)
    db.session.commit()
"""


def add_plans(env: dict, count: int) -> None:
    if count > 1:
        subprocess.run(
            [str(BIN / "python"), "-c", ADD_PLANS, str(count)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def in_pairs(urls: dict, rounds: int, duration: int, connections: int) -> dict:
    """wrk on both URLs back to back, ``rounds`` times, the order swapped each round; per URL
    the median rate and p99, and the median of the pairs' ratios (first URL / second)."""
    (first, first_url), (second, second_url) = urls.items()
    runs: dict = {first: [], second: []}
    ratios, loads = [], []
    for index in range(rounds):
        loads.append(os.getloadavg()[0])
        order = [(first, first_url), (second, second_url)]
        pair = {}
        for name, url in order if index % 2 == 0 else reversed(order):
            pair[name] = run_wrk(url, duration, connections)
            runs[name].append(pair[name])
        ratios.append(pair[first]["rate"] / pair[second]["rate"])
    results = {
        name: {
            "rate": statistics.median(run["rate"] for run in results),
            "p99_ms": statistics.median(run["p99_ms"] for run in results),
            "rates": [run["rate"] for run in results],
            "errors": "; ".join(sorted({run["errors"] for run in results})),
        }
        for name, results in runs.items()
    }
    results[first]["pair_ratios"] = ratios
    results[first]["ratio"] = statistics.median(ratios)
    results[first]["loads"] = loads
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--plans", type=int, default=1, help="plans of 50 measures each")
    parser.add_argument("--path", default="/", help="the page measured (default: /)")
    parser.add_argument("--skip-nginx", action="store_true", help="only tracker vs one route")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    for tool in ("wrk", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (make system-deps bench-deps)")
    sys.path.insert(0, str(ROOT))
    from tests.support.nginx import Nginx

    load_before = load_average()
    database = bench_database()
    db_url = database.create()
    env = os.environ | {
        "DATABASE_URL": db_url,
        "TRACKER_ENV": "production",
        "SECRET_KEY": uuid.uuid4().hex,
        "PUBLIC_URL": "https://tracker.example.no",
        "TRUSTED_PROXIES": "1",
    }
    workdir = Path(tempfile.mkdtemp(prefix="bench-public-"))
    processes, nginx = [], None
    try:
        flask = [str(BIN / "flask"), "--app", "wsgi"]
        subprocess.run(
            flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        subprocess.run(flask + ["seed"], cwd=ROOT, env=env, check=True, capture_output=True)
        add_plans(env, args.plans)
        path = args.path

        _, app_url = start_gunicorn("wsgi:app", env, processes)
        page_gz, headers = fetch(app_url + path)
        assert headers.get("Content-Encoding") == "gzip", headers
        (workdir / "page.html.gz").write_bytes(page_gz)
        one_route, one_route_url = start_gunicorn(
            "one_route_app:app",
            env
            | {
                "ONE_ROUTE_BODY": str(workdir / "page.html.gz"),
                "ONE_ROUTE_CONTENT_TYPE": headers["Content-Type"],
                "ONE_ROUTE_PATH": path,
            },
            processes,
            "--chdir",
            str(ROOT / "bench"),
            ready_path=path,
        )
        assert fetch(one_route_url + path)[0] == page_gz, "the yardstick must serve the same bytes"
        for url in (app_url, one_route_url):  # warm-up
            subprocess.run(
                ["wrk", "-t2", "-c32", "-d3s", url + path], check=True, capture_output=True
            )
        apps = in_pairs(
            {"tracker": app_url + path, "one_route": one_route_url + path},
            args.rounds,
            args.duration,
            args.connections,
        )
        one_route.terminate()
        one_route.wait(timeout=30)
        processes.remove(one_route)
        if args.skip_nginx:
            report_apps(apps, args, load_before, load_average())
            return 0

        page, _ = fetch(app_url + "/", gzip=False)
        static_port = free_port()
        nginx = Nginx(int(app_url.rsplit(":", 1)[1]), extra_servers=static_yardstick(static_port))
        site = nginx.workdir / "site"
        site.mkdir()
        site.chmod(0o755)
        (site / "index.html").write_bytes(page)
        (site / "index.html.gz").write_bytes(page_gz)
        # The name nginx answers to (its default server refuses any other, and no name at all).
        proxy_url, static_url = nginx.base, f"https://localhost:{static_port}"
        wait_for(proxy_url + "/")
        wait_for(static_url + "/")
        proxied, _ = fetch(proxy_url + "/")
        assert proxied == page_gz, "nginx must pass on the app's gzipped page unchanged"
        for url in (proxy_url, static_url):  # warm-up
            subprocess.run(
                ["wrk", "-t2", "-c32", "-d3s", url + "/"], check=True, capture_output=True
            )
        proxies = in_pairs(
            {"nginx_proxy": proxy_url + "/", "nginx_static": static_url + "/"},
            args.rounds,
            args.duration,
            args.connections,
        )
        transfer, parts = first_visit_bytes(app_url)
    finally:
        if nginx is not None:
            nginx.stop()
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
        database.drop()

    report(apps | proxies, transfer, parts, args, load_before, load_average())
    return 0


def report_apps(results: dict, args, load_before, load_after) -> None:
    """The first yardstick alone (--skip-nginx), for the runs with several plans."""
    ratio = results["tracker"]["ratio"]
    lines = [
        f"### {args.plans} plan{'s' if args.plans > 1 else ''} of 50 measures, `{args.path}`",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPU cores shared with "
        f"other work (load average 1/5/15 min: {load_before} before, {load_after} after), "
        f"`wrk -t2 -c{args.connections} -d{args.duration}s`, {args.rounds} pairs. Reproduce: "
        f"`.venv/bin/python bench/bench_public.py --plans {args.plans} --path {args.path} "
        f"--rounds {args.rounds} --duration {args.duration} --skip-nginx "
        f"--results {args.results}`.",
        "",
        "| server | requests/s (median) | runs | p99 latency | errors |",
        "|---|---:|---|---:|---|",
        *[
            f"| {key} | {value['rate']:,.0f} | "
            f"{', '.join(f'{rate:,.0f}' for rate in value['rates'])} | "
            f"{value['p99_ms']:.1f} ms | {value['errors']} |"
            for key, value in results.items()
        ],
        "",
        f"- tracker / one-route Flask app: **{ratio:.1%}** (pairs: "
        + ", ".join(f"{r:.0%}" for r in results["tracker"]["pair_ratios"])
        + f"). Target: at or above 100 % — {'met' if ratio >= 1.0 else 'NOT met'}.",
        "",
    ]
    with args.results.open("a", encoding="utf-8") as output:
        output.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def report(results: dict, transfer: int, parts: list, args, load_before, load_after) -> None:
    app_ratio = results["tracker"]["ratio"]
    proxy_ratio = results["nginx_proxy"]["ratio"]
    verdict = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    names = {
        "tracker": "tracker `/` (gunicorn, 2 workers, PostgreSQL)",
        "one_route": "one-route Flask app, same gzipped bytes (gunicorn, 2 workers)",
        "nginx_proxy": "deploy/nginx.conf → tracker, HTTPS, micro-cache",
        "nginx_static": "same nginx, page as a static file (gzip_static), HTTPS",
    }
    pairs = lambda key: ", ".join(f"{ratio:.0%}" for ratio in results[key]["pair_ratios"])  # noqa: E731
    loads = lambda key: ", ".join(f"{load:.1f}" for load in results[key]["loads"])  # noqa: E731
    lines = [
        "# Public front page benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPU cores shared with "
        f"other work (load average 1/5/15 min: {load_before} before, {load_after} after), "
        f"`wrk -t2 -c{args.connections} -d{args.duration}s` with `Accept-Encoding: gzip` on `/` "
        f"(seeded plan). Measured in {args.rounds} pairs: each pair runs both servers back to "
        "back, the order swapped every pair, so load from other work during a pair weighs on "
        "both; a ratio is the median of the pairs' ratios. "
        f"Reproduce: `.venv/bin/python bench/bench_public.py --rounds {args.rounds}`.",
        "",
        "| server | requests/s (median) | runs | p99 latency | errors |",
        "|---|---:|---|---:|---|",
        *[
            f"| {names[key]} | {value['rate']:,.0f} | "
            f"{', '.join(f'{rate:,.0f}' for rate in value['rates'])} | "
            f"{value['p99_ms']:.1f} ms | {value['errors']} |"
            for key, value in results.items()
        ],
        "",
        f"- tracker / one-route Flask app: **{app_ratio:.1%}** (pairs: {pairs('tracker')}; "
        f"1-minute load at each pair: {loads('tracker')}). Target: at or above 100 % — "
        f"{verdict(app_ratio >= 1.0)}.",
        f"- nginx in front of tracker / nginx static file: **{proxy_ratio:.1%}** (pairs: "
        f"{pairs('nginx_proxy')}). Target ≥ 80 % — {verdict(proxy_ratio >= 0.80)}.",
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
    args.results.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
