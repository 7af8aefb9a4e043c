"""deploy/nginx.conf itself, run by Debian's nginx in front of the app on this machine: the one
test harness for every test and benchmark that puts nginx in front (tests/test_nginx.py,
tests/test_proxy_faults.py, tests/test_two_instances.py through tests/support/live_stack.py,
bench/bench_public.py).

Only what a deployment is told to change is swapped: ports (free ones of 127.0.0.1), file paths,
the certificate (self-signed for the name or address clients use), the upstream servers (one, or
several as on several machines) and where the app's own 502/504 pages are written. Everything
else (the default server that refuses other names, the micro-cache and its staleness rules, the
timeouts) is the shipped file, so what these tests pass is what is deployed.
"""

import ipaddress
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.processes import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
SHIPPED_SERVER_NAME = "tracker.example.no"
SHIPPED_ERROR_PAGES = "/srv/tracker/instance/error-pages/"
DEFAULT_SERVER = re.compile(
    r"\n    server \{\n        listen 80 default_server;.*?\n    \}\n", flags=re.S
)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def make_certificate(workdir: Path, server_name: str) -> tuple[Path, Path]:
    """A self-signed certificate for ``server_name`` (a host name or an IP address)."""
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    alt_name = f"IP:{server_name}" if is_address(server_name) else f"DNS:{server_name}"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", f"/CN={server_name}",
            "-addext", f"subjectAltName={alt_name}", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def render_nginx_conf(
    workdir: Path,
    upstream_ports: list[int],
    http_port: int,
    tls_port: int,
    server_name: str,
    cert: Path,
    key: Path,
    *,
    read_timeout: int | None = None,
    extra_servers: str = "",
) -> str:
    """deploy/nginx.conf with this machine's ports, paths, name and upstreams; ``extra_servers``
    go into its http block. For an IP address the default server goes: a client naming an
    address sends no TLS server name, which that server refuses (tests/test_nginx.py tests the
    refusal under a host name)."""
    conf = NGINX_CONF.read_text(encoding="utf-8")
    upstreams = "\n        ".join(f"server 127.0.0.1:{port};" for port in upstream_ports)
    swaps = [
        ("pid /run/nginx-tracker.pid;", f"daemon off;\npid {workdir}/nginx.pid;"),
        (
            "error_log /var/log/nginx/tracker.error.log warn;",
            f"error_log {workdir}/error.log warn;",
        ),
        (
            "access_log /var/log/nginx/tracker.access.log tracker;",
            f"access_log {workdir}/access.log tracker;\n"
            + "".join(
                f"    {kind}_temp_path {workdir}/tmp/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            ),
        ),
        ("/var/cache/nginx/", f"{workdir}/cache/"),
        ("/etc/ssl/tracker/fullchain.pem", str(cert)),
        ("/etc/ssl/tracker/privkey.pem", str(key)),
        ("server 127.0.0.1:8000;", upstreams),
        (SHIPPED_ERROR_PAGES, f"{workdir}/error-pages/"),
        (f"server_name {SHIPPED_SERVER_NAME};", f"server_name {server_name};"),
    ]
    if read_timeout is not None:
        swaps.append(("proxy_read_timeout 60s;", f"proxy_read_timeout {read_timeout}s;"))
    for old, new in swaps:
        if old not in conf:
            raise RuntimeError(f"deploy/nginx.conf no longer contains {old!r}: update {__file__}")
        conf = conf.replace(old, new)
    if is_address(server_name):
        conf, defaults = DEFAULT_SERVER.subn("\n", conf)
        if defaults != 1:
            raise RuntimeError(f"deploy/nginx.conf's default server moved: update {__file__}")
    # IPv6 may be missing here; the IPv4 listeners stay, on free ports of 127.0.0.1 (port 80 or
    # 443 would collide with a parallel test's nginx).
    conf = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", conf)
    conf = re.sub(r"listen 80\b", f"listen 127.0.0.1:{http_port}", conf)
    conf = re.sub(r"listen 443\b", f"listen 127.0.0.1:{tls_port}", conf)
    return conf[: conf.rstrip().rindex("}")] + extra_servers + "}\n"


def write_error_pages(folder: Path) -> None:
    """The app's own 502/504 pages where nginx looks for them (`flask error-pages` in
    production)."""
    from tracker import create_app
    from tracker.proxy_pages import render_pages

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        for name, html in render_pages().items():
            (folder / name).write_text(html, encoding="utf-8")


class Nginx:
    """deploy/nginx.conf in front of the app on ``upstream_ports`` (an int: one instance; a
    list: round-robin over several, as on several machines); HTTPS at ``base``, the name (or
    address) clients use being ``server_name``. ``read_timeout`` replaces proxy_read_timeout
    (proxy fault tests); ``extra_servers(workdir, cert, key)`` returns server blocks to add.
    Run the app with TRUSTED_PROXIES=1 behind it, as production does."""

    def __init__(
        self,
        upstream_ports: int | list[int],
        server_name: str = "localhost",
        *,
        read_timeout: int | None = None,
        extra_servers: Callable[[Path, Path, Path], str] | None = None,
    ):
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed: make system-deps (Debian's nginx)")
        ports = [upstream_ports] if isinstance(upstream_ports, int) else list(upstream_ports)
        # nginx's workers run as another user: everything they read must be world-readable, so
        # directly under /tmp (pytest's own folders are private).
        self.workdir = Path(tempfile.mkdtemp(prefix="tracker-nginx-"))
        self.workdir.chmod(0o755)
        for name in ("tmp", "cache", "error-pages"):
            (self.workdir / name).mkdir()
            (self.workdir / name).chmod(0o777)
        write_error_pages(self.workdir / "error-pages")
        self.server_name = server_name
        self.cert, key = make_certificate(self.workdir, server_name)
        self.http_port, self.tls_port = free_port(), free_port()
        self.base = f"https://{server_name}:{self.tls_port}"
        self.log = self.workdir / "error.log"
        extra = extra_servers(self.workdir, self.cert, key) if extra_servers else ""
        conf = render_nginx_conf(
            self.workdir,
            ports,
            self.http_port,
            self.tls_port,
            server_name,
            self.cert,
            key,
            read_timeout=read_timeout,
            extra_servers=extra,
        )
        (self.workdir / "nginx.conf").write_text(conf, encoding="utf-8")
        self._stderr = open(self.workdir / "stderr.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [binary, "-c", str(self.workdir / "nginx.conf"), "-p", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )
        self._wait_until_listening()

    def _wait_until_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = (self.workdir / "stderr.log").read_text(encoding="utf-8")
                self.stop()
                raise RuntimeError(f"nginx stopped: {stderr}")
            # nginx writes its pid file once it holds its ports: before that, a connection may
            # reach another process that took the port first (parallel test runs).
            if (self.workdir / "nginx.pid").exists():
                try:
                    socket.create_connection(("127.0.0.1", self.tls_port), timeout=1).close()
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not listen within {timeout} s")

    def cache_entries(self) -> list[Path]:
        """The micro-cache's files (one per cached URL and variant)."""
        return [path for path in (self.workdir / "cache").rglob("*") if path.is_file()]

    def expires_at(self, path: str) -> float | None:
        """When nginx's copies of ``path`` (HTTPS, our name) stop being fresh, as a Unix time.

        Read from the cache files themselves: each starts with nginx's cache header, whose
        second field (after a machine-word version) is ``valid_sec``, then a ``KEY:`` line.
        """
        key = f"\nKEY: https{self.server_name}{path}\n".encode()
        moments = []
        for entry in self.cache_entries():
            head = entry.read_bytes()[:4096]
            if key in head:
                moments.append(struct.unpack_from("<q", head, 8)[0])
        return max(moments) if moments else None

    def wait_until_expired(self, path: str, timeout: float = 60) -> None:
        """Wait, without asking nginx, until it holds no fresh copy of ``path``."""
        expires = self.expires_at(path)
        if expires is None:
            raise AssertionError(f"nginx keeps no copy of {path}")
        deadline = time.monotonic() + timeout
        # nginx counts whole seconds: a copy is stale once valid_sec < now.
        while int(time.time()) <= expires:
            if time.monotonic() > deadline:
                raise AssertionError(f"nginx's copy of {path} did not expire")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop gracefully (SIGQUIT lets requests in flight finish), killing after 30 s."""
        stop_process(self.process, signal.SIGQUIT)
        self._stderr.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
