"""Disks that fill up or turn read-only, for the report builds' storage faults (as root only:
mounting a tmpfs needs it; the tests skip otherwise)."""

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_disk() -> Iterator[Path]:
    """A real 1 MiB file system (tmpfs)."""
    mount = Path(tempfile.mkdtemp(prefix="tracker-small-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)
        mount.rmdir()


def fill(mount: Path) -> None:
    """Write until the file system is full."""
    with open(mount / "fyll", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
                os.fsync(filler.fileno())
        except OSError:
            pass  # the disk is full


def make_read_only(mount: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, capture_output=True)
