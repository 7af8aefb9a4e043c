"""Servers the tests start as processes of their own (nginx, gunicorn): a free port to give
them, and a way to stop them that never leaves one behind."""

import signal
import socket
import subprocess

# How often the tests' threaded HTTP servers (socketserver) look whether they are to stop:
# shutdown() waits up to that long, 0.5 s by default. A wake-up costs microseconds.
SERVER_POLL_SECONDS = 0.05


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, stop_signal: int = signal.SIGTERM) -> None:
    """Ask ``process`` to stop with ``stop_signal`` (its graceful one); kill it after 30 s."""
    if process.poll() is None:
        process.send_signal(stop_signal)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
