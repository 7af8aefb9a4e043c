"""deploy/nginx.conf itself, run by Debian's nginx in front of an app on this machine: for
tests/test_nginx.py and bench/bench_public.py.

Only what a deployment is told to change is swapped: ports (127.0.0.1 only), file paths, the
certificate (self-signed for ``server_name``) and the upstream address. Everything else (the
default server, the micro-cache and its staleness rules) is the shipped file.
"""

import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
SHIPPED_SERVER_NAME = "tracker.example.no"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_certificate(workdir: Path, server_name: str) -> tuple[Path, Path]:
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={server_name}",
            "-addext",
            f"subjectAltName=DNS:{server_name}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def render_nginx_conf(
    workdir: Path,
    app_port: int,
    http_port: int,
    tls_port: int,
    server_name: str,
    cert: Path,
    key: Path,
    extra_servers: str = "",
) -> str:
    """deploy/nginx.conf with this machine's ports, paths and name; ``extra_servers`` go into
    its http block."""
    conf = NGINX_CONF.read_text(encoding="utf-8")
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
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        (f"server_name {SHIPPED_SERVER_NAME};", f"server_name {server_name};"),
    ]
    for old, new in swaps:
        if old not in conf:
            raise RuntimeError(f"deploy/nginx.conf no longer contains {old!r}: update {__file__}")
        conf = conf.replace(old, new)
    # IPv6 may be missing here; the IPv4 listeners stay, on free ports of 127.0.0.1.
    conf = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", conf)
    conf = re.sub(r"listen 80\b", f"listen 127.0.0.1:{http_port}", conf)
    conf = re.sub(r"listen 443\b", f"listen 127.0.0.1:{tls_port}", conf)
    return conf[: conf.rstrip().rindex("}")] + extra_servers + "}\n"


class Nginx:
    """deploy/nginx.conf in front of the app on ``app_port``; HTTPS at ``base``."""

    def __init__(self, app_port: int, server_name: str = "localhost", extra_servers=None):
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed: make system-deps (Debian's nginx)")
        self.workdir = Path(tempfile.mkdtemp(prefix="tracker-nginx-"))
        self.workdir.chmod(0o755)  # nginx's worker processes may run as another user
        for name in ("tmp", "cache"):
            (self.workdir / name).mkdir()
            (self.workdir / name).chmod(0o777)
        self.server_name = server_name
        self.cert, key = make_certificate(self.workdir, server_name)
        self.http_port, self.tls_port = free_port(), free_port()
        self.base = f"https://{server_name}:{self.tls_port}"
        extra = extra_servers(self.workdir, self.cert, key) if extra_servers else ""
        conf = render_nginx_conf(
            self.workdir,
            app_port,
            self.http_port,
            self.tls_port,
            server_name,
            self.cert,
            key,
            extra,
        )
        (self.workdir / "nginx.conf").write_text(conf, encoding="utf-8")
        self.process = subprocess.Popen(
            [binary, "-c", str(self.workdir / "nginx.conf"), "-p", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_listening()

    def _wait_until_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx stopped: {self.process.stderr.read().decode()}")
            # nginx writes its pid file once it holds its ports: before that, a connection may
            # reach another process that took the port first (parallel test runs).
            if (self.workdir / "nginx.pid").exists():
                try:
                    socket.create_connection(("127.0.0.1", self.tls_port), timeout=1).close()
                    return
                except OSError:
                    pass
            time.sleep(0.05)
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
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.workdir, ignore_errors=True)
