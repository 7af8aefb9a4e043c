"""Check an export document against the schema before anything is written.

Every value is checked the way the strictest database (PostgreSQL) would check it: types,
lengths, ranges, NUL characters, allowed enum values, uniqueness and references between
tables. Each problem names the table, the row and the field, in Norwegian.
"""

import base64
import binascii
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

from tracker.backup.dump import FORMAT, FORMAT_VERSION, data_tables
from tracker.backup.rules import rule_problems

MAX_JSON_DEPTH = 32
INTEGER_RANGES = (  # most specific first: BigInteger and SmallInteger are Integers too
    (BigInteger, 2**63),
    (SmallInteger, 2**15),
    (Integer, 2**31),
)


class Invalid(Exception):
    """One value that cannot be stored; the message says why."""


@dataclass
class ParsedDocument:
    """Rows ready to insert (Python values), per table, in the order tables must be filled."""

    rows: dict[str, list[dict]]


def parse_document(
    document, expected_revision: str | None
) -> tuple[ParsedDocument | None, list[str]]:
    """Return the parsed rows, or None and every problem found."""
    problems = _check_envelope(document, expected_revision)
    if problems:
        return None, problems
    tables = {table.name: table for table in data_tables()}
    given = document["tables"]
    for name in sorted(set(given) - set(tables), key=str):
        problems.append(_("Tabellen «%(table)s» finnes ikke i databasen.", table=name))
    for name in tables:
        if name not in given:
            problems.append(
                _("Tabellen «%(table)s» mangler i filen (skriv [] hvis den er tom).", table=name)
            )
    if problems:
        return None, problems
    rows = {name: _parse_rows(table, given[name], problems) for name, table in tables.items()}
    if problems:
        return None, problems
    problems += rule_problems(rows)
    for table in tables.values():
        _check_unique(table, rows[table.name], problems)
        _check_references(table, rows, problems)
    return (None, problems) if problems else (ParsedDocument(rows), [])


def _check_envelope(document, expected_revision) -> list[str]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return [
            _(
                "Filen er ikke en dataeksport fra tracker (feltet «format» skal være "
                "«%(format)s»).",
                format=FORMAT,
            )
        ]
    version = document.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        return [
            _(
                "Filen har formatversjon %(found)s, men denne versjonen av tracker leser bare "
                "formatversjon %(expected)d.",
                found=_shown(version),
                expected=FORMAT_VERSION,
            )
        ]
    if document.get("schema_revision") != expected_revision:
        return [
            _(
                "Filen er laget fra en database med skjemaversjon %(found)s, men databasen har "
                "skjemaversjon %(expected)s. Les filen inn med den versjonen av tracker som "
                "laget den, i en tom database med skjemaversjon %(found)s, og oppgrader så "
                "databasen med denne versjonen (flask --app wsgi db upgrade).",
                found=_shown(document.get("schema_revision")),
                expected=_shown(expected_revision),
            )
        ]
    if not isinstance(document.get("tables"), dict):
        return [_("Feltet «tables» må være et JSON-objekt med én liste per tabell.")]
    return []


def _parse_rows(table: Table, items, problems: list[str]) -> list[dict]:
    if not isinstance(items, list):
        problems.append(_("Tabellen «%(table)s» må være en liste med rader.", table=table.name))
        return []
    columns = {column.name: column for column in table.columns}
    parsed = []
    for index, item in enumerate(items, start=1):
        where = _("tabellen «%(table)s», rad %(row)d", table=table.name, row=index)
        if not isinstance(item, dict):
            problems.append(_("%(where)s: raden må være et JSON-objekt.", where=where))
            continue
        for name in sorted(set(item) - set(columns), key=str):
            problems.append(_("%(where)s: ukjent felt «%(field)s».", where=where, field=name))
        row = {}
        for name, column in columns.items():
            if name not in item:
                problems.append(
                    _("%(where)s: feltet «%(field)s» mangler.", where=where, field=name)
                )
                continue
            try:
                row[name] = column_value(column, item[name])
            except Invalid as error:
                problems.append(
                    _(
                        "%(where)s: feltet «%(field)s» %(reason)s",
                        where=where,
                        field=name,
                        reason=str(error),
                    )
                )
        parsed.append(row)
    return parsed


def column_value(column: Column, value):
    """The Python value to insert into ``column`` for the JSON ``value``, or Invalid."""
    if value is None:
        if not column.nullable:
            raise Invalid(_("kan ikke være tomt (null)."))
        return None
    kind = column.type
    if isinstance(kind, Enum):  # before String: Enum is a String
        if value not in kind.enums:
            raise Invalid(
                _(
                    "har ugyldig verdi %(value)s (gyldige verdier: %(valid)s).",
                    value=_shown(value),
                    valid=", ".join(kind.enums),
                )
            )
        return value
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise Invalid(_("må være true eller false."))
        return value
    if isinstance(kind, Integer):
        limit = next(
            limit for integer_type, limit in INTEGER_RANGES if isinstance(kind, integer_type)
        )
        if not isinstance(value, int) or isinstance(value, bool) or not -limit <= value < limit:
            raise Invalid(
                _("må være et heltall mellom %(low)d og %(high)d.", low=-limit, high=limit - 1)
            )
        return value
    if isinstance(kind, DateTime):
        return _timestamp(value, kind.timezone)
    if isinstance(kind, Date):
        try:
            return date.fromisoformat(value) if isinstance(value, str) else _not_a(_("dato"))
        except ValueError:
            raise Invalid(_("må være en dato på formen ÅÅÅÅ-MM-DD.")) from None
    if isinstance(kind, String):
        _check_text(value)
        if kind.length and len(value) > kind.length:
            raise Invalid(_("er for langt (høyst %(length)d tegn).", length=kind.length))
        return value
    if isinstance(kind, JSON):
        _check_json(value, depth=0)
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(_("må være et tall."))
        if not math.isfinite(value):
            raise Invalid(_("inneholder et tall som ikke er endelig."))
        return float(value)
    if isinstance(kind, LargeBinary):
        # What dump.json_value writes for bytes: standard base64.
        if not isinstance(value, str):
            _not_a(_("base64-kodet fil"))
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise Invalid(_("må være base64-kodet innhold.")) from None
    raise Invalid(
        _("har en kolonnetype som importen ikke kjenner (%(type)s).", type=type(kind).__name__)
    )


def _timestamp(value, require_zone: bool) -> datetime:
    if not isinstance(value, str):
        _not_a(_("tidspunkt"))
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            if require_zone:
                raise Invalid(_("må ha tidssone, for eksempel 2025-06-01T12:00:00+00:00."))
            return moment
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Invalid(_("må være et tidspunkt på formen 2025-06-01T12:00:00+00:00.")) from None


def _check_text(value) -> None:
    if not isinstance(value, str):
        _not_a(_("tekst"))
    if "\x00" in value:
        raise Invalid(_("inneholder et nulltegn (\\u0000), som databasen ikke kan lagre."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(_("inneholder et ugyldig Unicode-tegn (et ensomt surrogattegn).")) from None


def _check_json(value, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise Invalid(_("er nøstet for dypt (høyst %(depth)d nivåer).", depth=MAX_JSON_DEPTH))
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise Invalid(_("inneholder et tall som ikke er endelig."))
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_json(item, depth + 1)


def _not_a(what: str):
    raise Invalid(_("må være en %(what)s i tekstform.", what=what))


def _unique_column_sets(table: Table) -> list[tuple[str, ...]]:
    sets = [tuple(column.name for column in table.primary_key.columns)]
    sets += [
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    sets += [tuple(c.name for c in index.columns) for index in table.indexes if index.unique]
    return list(dict.fromkeys(sets))


def _check_unique(table: Table, rows: list[dict], problems: list[str]) -> None:
    for names in _unique_column_sets(table):
        seen = set()
        for row in rows:
            key = tuple(row.get(name) for name in names)
            if None in key:
                continue  # SQL lets NULLs repeat in a unique column
            if key in seen:
                problems.append(
                    _(
                        "Tabellen «%(table)s»: verdien %(value)s i «%(fields)s» finnes i mer "
                        "enn én rad.",
                        table=table.name,
                        value=_shown(_key_shown(key)),
                        fields=", ".join(names),
                    )
                )
            seen.add(key)


def _check_references(table: Table, rows: dict[str, list[dict]], problems: list[str]) -> None:
    for foreign_key in table.foreign_key_constraints:
        local = [column.name for column in foreign_key.columns]
        remote = [element.column.name for element in foreign_key.elements]
        target = foreign_key.referred_table.name
        existing = {tuple(row.get(name) for name in remote) for row in rows.get(target, [])}
        for index, row in enumerate(rows[table.name], start=1):
            key = tuple(row.get(name) for name in local)
            if None in key or key in existing:
                continue
            problems.append(
                _(
                    "Tabellen «%(table)s», rad %(row)d: «%(fields)s» viser til %(value)s i "
                    "«%(target)s», som ikke finnes i filen.",
                    table=table.name,
                    row=index,
                    fields=", ".join(local),
                    value=_shown(_key_shown(key)),
                    target=target,
                )
            )


def _key_shown(key: tuple):
    return key[0] if len(key) == 1 else list(key)


def _shown(value) -> str:
    """A value as the reader would recognise it from the file, cut short if long."""
    text = repr(value) if not isinstance(value, str) else f"«{value}»"
    return text if len(text) <= 80 else text[:77] + "…"
