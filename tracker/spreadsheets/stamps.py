"""Signed stamps in a downloaded sheet: which round and unit it is for, and each report's version
when it was downloaded. Signed with the app's key, so an edited stamp is noticed on upload (a
person cannot make their sheet pass for another unit's, or hide a conflict by raising a version).
"""

import hashlib
import hmac

from flask import current_app

_CONTEXT = b"tracker.spreadsheets.stamp"


def _signature(*parts) -> str:
    key = hmac.new(str(current_app.secret_key).encode(), _CONTEXT, hashlib.sha256).digest()
    message = "\x1f".join(str(part) for part in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def sheet_stamp(round_slug: str, unit_id: int) -> str:
    return f"{round_slug}:{unit_id}:{_signature('sheet', round_slug, unit_id)}"


def read_sheet_stamp(stamp) -> tuple[str, int] | None:
    """(round slug, unit id) of an untouched stamp, else None."""
    try:
        round_slug, unit_id, signature = str(stamp).rsplit(":", 2)
        unit = int(unit_id)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _signature("sheet", round_slug, unit)):
        return None
    return round_slug, unit


def row_stamp(round_slug: str, number: int, version: int) -> str:
    return f"{number}:{version}:{_signature('row', round_slug, number, version)}"


def read_row_stamp(round_slug: str, stamp) -> tuple[int, int] | None:
    """(measure number, version) of an untouched row stamp for this round, else None."""
    try:
        number, version, signature = str(stamp).split(":")
        parsed = int(number), int(version)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _signature("row", round_slug, *parsed)):
        return None
    return parsed


def state_digest(state: tuple) -> str:
    """A short fingerprint of what a result row held when downloaded (a value has no version
    column, so the stamp carries this instead)."""
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def result_stamp(round_slug: str, kind: str, row_id: int, digest: str) -> str:
    """An indicator's or milestone's row: its id and what it held (``state_digest``)."""
    return f"{row_id}:{digest}:{_signature(kind, round_slug, row_id, digest)}"


def read_result_stamp(round_slug: str, kind: str, stamp) -> tuple[int, str] | None:
    """(id, digest) of an untouched result row stamp of this kind and round, else None."""
    try:
        row_id, digest, signature = str(stamp).split(":")
        parsed = int(row_id)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _signature(kind, round_slug, parsed, digest)):
        return None
    return parsed, digest
