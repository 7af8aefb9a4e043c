"""Word search over the public text of the measures.

Every word a reader types must match the start of a word in the measure's title, responsible
ministries, description or published narratives (each with its Northern Sámi text, if any),
whatever the case and accents (æ, ø and å stay letters of their own). PostgreSQL matches with
the Norwegian full-text configuration, so «diskriminert» also finds «diskriminering»; SQLite
matches words with FTS5, without stemming.

The index (table ``measure_search``, one row per measure) holds only published text. It is
kept current by the session itself: a flush that touches a measure, a ministry, a report or a
round marks the measures concerned, and the commit rewrites their rows in the same transaction,
so no write path can forget it. Bulk writers that bypass the ORM (the restore) call
``mark_all_stale``. Only the rows a change concerns are rewritten: publishing or withdrawing a
round rewrites its measures' rows, closing it or moving its deadline none, a unit's new name its
measures' rows (a full rebuild took 6–10 s per round operation at 100 times today's data).

Rewrites take turns (a database lock held until commit) and each reads the published text only
once it has its turn. Otherwise a save committing beside a withdrawal would write back the text
it read before the withdrawal committed, and withdrawn text would stay searchable.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnClause,
    Integer,
    any_,
    bindparam,
    column,
    event,
    func,
    inspect,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tracker.db_locks import hold_until_commit
from tracker.measures.models import Measure, Responsibility
from tracker.ministries.models import ResponsibleUnit
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.queries import PUBLIC_REVIEW_STATES
from tracker.reporting.states import RoundState

# What ranks highest when a word is found there: title, ministries, description, narrative.
WEIGHTS = {"title": 10.0, "ministries": 4.0, "description": 2.0, "narrative": 1.0}
_PG_WEIGHT_LETTERS = {"title": "A", "ministries": "B", "description": "C", "narrative": "D"}
# Letters and digits only: nothing a reader types can become query syntax.
_WORD = re.compile(r"[^\W_]+")
_STALE_KEY = "search_stale_measures"
# Measures whose published narratives alone may have changed (a report saved, a round published
# or withdrawn): on PostgreSQL their rows keep the plan's part of the document as it is.
_NARRATIVES_KEY = "search_stale_narratives"
ALL = "all"
INDEX_LOCK = "search-index"

search_table = table("measure_search", column("measure_id"))


# What may carry a diacritic: anything but ASCII and the letters kept.
_FOLDABLE = re.compile(r"[^\x00-\x7fæøåÆØÅ]")


@functools.lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower case without diacritics (é → e, ü → u), keeping æ, ø and å.

    Only the rare characters that may carry one are taken apart, found by a regular expression:
    a loop over every character took 4 of the 5 seconds of publishing a round at 10 times
    today's data."""
    return _FOLDABLE.sub(lambda found: _fold(found.group()), text).casefold()


def search_words(text: str) -> list[str]:
    """The words of a search, normalised; duplicates dropped, order kept."""
    return list(dict.fromkeys(_WORD.findall(normalise(text))))


# Words people search for that the texts say otherwise: a search word starting with the key
# also finds each alternative (each a group of word starts that must all match). Multi-word
# searches are joined first (PHRASES), so «etnisk profilering» is one alternative set.
PHRASES = {"etnisk profilering": "etniskprofilering"}
VARIANTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "hatkrim": (("hatkrim",), ("hatytring",), ("hatefull",), ("hets",)),
    "muslimhat": (("muslimhat",), ("muslimfiendtlig",), ("hat", "muslim")),
    "etniskprofilering": (("etnisk", "profilering"), ("kvitteringsordning",)),
    "rasisme": (("rasism",), ("rasist",)),
}


def search_terms(text: str) -> list[tuple[tuple[str, ...], ...]]:
    """Each search word with its alternatives: every word must match, through any one of its
    alternatives (all of whose word starts must match)."""
    joined = " ".join(search_words(text))
    for phrase, token in PHRASES.items():
        joined = joined.replace(phrase, token)
    terms: list[tuple[tuple[str, ...], ...]] = []
    for word in dict.fromkeys(joined.split()):
        variants = next((v for key, v in VARIANTS.items() if word.startswith(key)), None)
        terms.append(((word,), *(v for v in variants or () if v != (word,))))
    return terms


def highlight_words(text: str) -> list[str]:
    """Every word start a search matches on, for marking them in excerpts."""
    return list(
        dict.fromkeys(word for term in search_terms(text) for group in term for word in group)
    )


_TOKEN = re.compile(r"\S+\s*")


def excerpt(texts: list[str], words: list[str], around: int = 12) -> list[tuple[str, bool]]:
    """A short piece of the first text that holds a searched word, as (text, marked) pieces
    with each matching word marked; [] when none holds one (e.g. matched on the ministry)."""
    for source in texts:
        tokens = _TOKEN.findall(source or "")
        hits = [
            index
            for index, token in enumerate(tokens)
            if any(found.startswith(tuple(words)) for found in search_words(token))
        ]
        if not hits:
            continue
        start, end = max(hits[0] - around, 0), min(hits[0] + around + 1, len(tokens))
        pieces = [("… ", False)] if start > 0 else []
        for index in range(start, end):
            pieces.append((tokens[index], index in hits))
        if end < len(tokens):
            pieces.append((" …", False))
        return pieces
    return []


@dataclass(frozen=True)
class Excerpt:
    pieces: list[tuple[str, bool]]
    language: str  # of the text it is taken from: "nb", "nn", or "se" for a Sámi text


def excerpt_in(texts: list[tuple[str, str]], words: list[str]) -> Excerpt | None:
    """The excerpt of the first (text, language) that holds a searched word, marked with that
    text's language: a word found only in a Sámi text shows the Sámi words around it."""
    for text_, language in texts:
        pieces = excerpt([text_], words)
        if pieces:
            return Excerpt(pieces, language)
    return None


def matching_measures(connection_dialect: str, text_: str):
    """A subquery of (measure_id, rank) for the measures every word matches; lower rank is
    better. None when the search holds no word at all (such a search matches nothing)."""
    terms = search_terms(text_)
    if not terms:
        return None
    if connection_dialect == "postgresql":
        query = func.to_tsquery(
            "norwegian",
            " & ".join(
                "("
                + " | ".join("(" + " & ".join(f"{w}:*" for w in group) + ")" for group in term)
                + ")"
                for term in terms
            ),
        )
        document: ColumnClause[Any] = literal_column("measure_search.document")
        return (
            select(
                literal_column("measure_search.measure_id").label("measure_id"),
                (-func.ts_rank_cd(document, query)).label("rank"),
            )
            .select_from(search_table)
            .where(document.op("@@")(query))
            .subquery("search")
        )
    match = " AND ".join(
        "("
        + " OR ".join("(" + " AND ".join(f'"{w}"*' for w in group) + ")" for group in term)
        + ")"
        for term in terms
    )
    weights = ", ".join(str(weight) for weight in WEIGHTS.values())
    return (
        select(
            literal_column("measure_search.measure_id").label("measure_id"),
            literal_column(f"bm25(measure_search, 0.0, {weights})").label("rank"),
        )
        .select_from(search_table)
        .where(literal_column("measure_search").op("MATCH")(bindparam("search_match", match)))
        .subquery("search")
    )


# --- Keeping the index current --------------------------------------------------------------------


def mark_all_stale(session: Session) -> None:
    """Rebuild every row at this session's next commit (for writes that bypass the ORM)."""
    session.info[_STALE_KEY] = ALL


def _note_changes(session: Session, flush_context) -> None:
    stale = session.info.get(_STALE_KEY, set())
    if stale == ALL:
        return
    narratives = session.info.get(_NARRATIVES_KEY, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, ReportingRound):
            # Publishing or withdrawing a round changes which of its narratives are public:
            # its measures' rows, no others. Closing, reopening, a new deadline: none.
            if obj in session.deleted or (obj in session.new and obj.state == RoundState.PUBLISHED):
                # Its reports may come or go without the ORM seeing them (bulk loads).
                session.info[_STALE_KEY] = ALL
                return
            if obj not in session.new and _publication_changed(obj):
                # Only its public reports' narratives are in the index, or come out of it.
                public = (MeasureReport.round_id == obj.id) & MeasureReport.review_state.in_(
                    PUBLIC_REVIEW_STATES
                )
                narratives.update(_measures_of(session, MeasureReport, public))
        elif isinstance(obj, ResponsibleUnit):
            # A unit's name and abbreviation are in every one of its measures' rows.
            if obj in session.deleted:
                session.info[_STALE_KEY] = ALL
                return
            if obj not in session.new:
                held = Responsibility.unit_id == obj.id
                stale.update(_measures_of(session, Responsibility, held))
        elif isinstance(obj, Measure):
            stale.add(obj.id)
        elif isinstance(obj, Responsibility):
            stale.add(obj.measure_id)
        elif isinstance(obj, MeasureReport):
            narratives.add(obj.measure_id)
    stale.discard(None)
    narratives.discard(None)
    if stale:
        session.info[_STALE_KEY] = stale
    if narratives:
        session.info[_NARRATIVES_KEY] = narratives


def _publication_changed(reporting_round: ReportingRound) -> bool:
    """Whether this flush moved the round into or out of the published state."""
    history = inspect(reporting_round).attrs.state.history
    if not history.has_changes():
        return False
    return RoundState.PUBLISHED in (*history.added, *history.deleted)


def _measures_of(session: Session, model, condition) -> set[int]:
    """The ids of the measures of ``model`` rows (reports, responsibilities) matching
    ``condition``, read on the flush's own connection."""
    return set(session.connection().scalars(select(model.measure_id).where(condition)))


def _refresh_before_commit(session: Session) -> None:
    session.flush()
    stale = session.info.pop(_STALE_KEY, None)
    narratives = session.info.pop(_NARRATIVES_KEY, set())
    if stale == ALL:
        refresh_search_index(session.connection())
        return
    stale = stale or set()
    if stale:
        refresh_search_index(session.connection(), stale)
    if narratives - stale:
        refresh_narratives(session.connection(), narratives - stale)


def _forget_changes(session: Session) -> None:
    session.info.pop(_STALE_KEY, None)
    session.info.pop(_NARRATIVES_KEY, None)


def register(session_factory) -> None:
    """Keep the index current from every session ``session_factory`` makes."""
    if not event.contains(session_factory, "after_flush", _note_changes):
        event.listen(session_factory, "after_flush", _note_changes)
        event.listen(session_factory, "before_commit", _refresh_before_commit)
        event.listen(session_factory, "after_rollback", _forget_changes)


def refresh_search_index(connection: Connection, measure_ids=None) -> int:
    """Rewrite the rows of ``measure_ids`` (None: every measure) from published text only."""
    hold_until_commit(connection, INDEX_LOCK)
    documents = _documents(connection, measure_ids)
    if connection.dialect.name == "postgresql":
        _write_postgresql(connection, documents)
    else:
        _write_sqlite(connection, documents, measure_ids)
    return len(documents)


def refresh_narratives(connection: Connection, measure_ids) -> int:
    """Rewrite the rows of ``measure_ids`` whose published narratives alone may have changed.

    On PostgreSQL the row keeps the plan's part of its document (title, units, description:
    the lexemes weighted A–C, taken with ``ts_filter``) and only the narratives are computed
    again: the whole documents of 5,000 measures (2.7 MB of descriptions, read, normalised,
    sent and parsed) were most of publishing a round at 100 times today's data. The result is
    the document a full rewrite gives (``||`` shifts the narratives' positions past the plan's
    part either way). A measure without a row gets a full one; SQLite rewrites rows whole."""
    if connection.dialect.name != "postgresql":
        return refresh_search_index(connection, measure_ids)
    hold_until_commit(connection, INDEX_LOCK)
    indexed: set[int] = set(
        connection.scalars(
            select(literal_column("measure_id"))
            .select_from(search_table)
            .where(_one_of(connection, literal_column("measure_id"), measure_ids))
        )
    )
    missing = set(measure_ids) - indexed
    if missing:
        refresh_search_index(connection, missing)
    if not indexed:
        return len(missing)
    texts = _narratives(connection, indexed)
    ordered = sorted(indexed)
    letter = _PG_WEIGHT_LETTERS["narrative"]
    narrative = f"setweight(to_tsvector('norwegian', given.narrative), '{letter}')"
    kept = "'{a,b,c}'"  # the weights of the title, units and description (_PG_WEIGHT_LETTERS)
    document = f"ts_filter(measure_search.document, {kept}) || {narrative}"
    connection.execute(
        text(
            # The f-string joins constant weights; every value is bound.
            f"UPDATE measure_search SET document = {document} "  # nosec B608
            "FROM unnest(CAST(:measure_id AS integer[]), CAST(:narrative AS text[])) "
            "AS given(measure_id, narrative) "
            "WHERE measure_search.measure_id = given.measure_id "
            f"AND measure_search.document IS DISTINCT FROM ({document})"
        ),
        {
            "measure_id": ordered,
            "narrative": [normalise("\n".join(texts.get(i, []))) for i in ordered],
        },
    )
    return len(missing) + len(indexed)


def _one_of(connection: Connection, column, ids):
    """``column IN ids``; on PostgreSQL one array parameter, not a placeholder per id (5,000
    of them cost a second to render and send)."""
    ordered = sorted(ids)
    if connection.dialect.name == "postgresql":
        return column == any_(bindparam("ids", ordered, type_=ARRAY(Integer)))
    return column.in_(ordered)


def _documents(connection: Connection, measure_ids) -> list[dict]:
    """Title, ministries, description and narratives per measure, normalised; two queries. The
    Sámi summary goes with the description, a report's Sámi text with its narrative.

    Plain columns rather than whole entities, so that a migration can call this too."""
    measures: dict[int, dict[str, Any]] = {}
    query = (
        select(
            Measure.id,
            Measure.title,
            Measure.description,
            Measure.summary_se,
            ResponsibleUnit.name,
            ResponsibleUnit.abbreviation,
        )
        .join(Responsibility, Responsibility.measure_id == Measure.id)
        .join(ResponsibleUnit, ResponsibleUnit.id == Responsibility.unit_id)
        .order_by(Measure.id, Responsibility.position)
    )
    if measure_ids is not None:
        query = query.where(_one_of(connection, Measure.id, measure_ids))
    for measure_id, title, description, summary_se, name, abbreviation in connection.execute(query):
        row = measures.setdefault(
            measure_id,
            {
                "measure_id": measure_id,
                "title": title,
                # A Sámi text weighs as the Norwegian one it goes with: findable by its words.
                "description": f"{description}\n{summary_se or ''}",
                "ministries": [],
                "narrative": [],
            },
        )
        row["ministries"].append(f"{name} {abbreviation}")
    for measure_id, texts in _narratives(connection, measure_ids).items():
        if measure_id in measures:
            measures[measure_id]["narrative"] = texts
    return [
        {
            "measure_id": row["measure_id"],
            "title": normalise(row["title"]),
            "ministries": normalise(" ".join(row["ministries"])),
            "description": normalise(row["description"]),
            "narrative": normalise("\n".join(row["narrative"])),
        }
        for row in measures.values()
    ]


def _narratives(connection: Connection, measure_ids) -> dict[int, list[str]]:
    """The published narratives of ``measure_ids`` (None: every measure), newest round first."""
    narratives = (
        select(MeasureReport.measure_id, MeasureReport.narrative, MeasureReport.narrative_se)
        .join(ReportingRound, ReportingRound.id == MeasureReport.round_id)
        .where(
            ReportingRound.state == RoundState.PUBLISHED,
            MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES),
        )
        .order_by(MeasureReport.measure_id, ReportingRound.as_of.desc())
    )
    if measure_ids is not None:
        narratives = narratives.where(_one_of(connection, MeasureReport.measure_id, measure_ids))
    found: dict[int, list[str]] = {}
    for measure_id, narrative, narrative_se in connection.execute(narratives):
        found.setdefault(measure_id, []).extend(text for text in (narrative, narrative_se) if text)
    return found


def _write_sqlite(connection: Connection, documents: list[dict], measure_ids) -> None:
    # SQLite writes one transaction at a time, so delete-and-insert cannot race.
    if measure_ids is None:
        connection.execute(text("DELETE FROM measure_search"))
    else:
        connection.execute(
            text("DELETE FROM measure_search WHERE measure_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": sorted(measure_ids)},
        )
    if documents:
        connection.execute(
            text(
                "INSERT INTO measure_search (measure_id, title, ministries, description, "
                "narrative) VALUES (:measure_id, :title, :ministries, :description, :narrative)"
            ),
            documents,
        )


def _write_postgresql(connection: Connection, documents: list[dict]) -> None:
    # An upsert, so two transactions refreshing the same measure do not collide; a deleted
    # measure's row goes with it (ON DELETE CASCADE). One statement over arrays rather than a
    # statement per measure (5,000 of them took 3.5 s at 100 times today's data), and a row
    # whose document is unchanged is not written again (nor its GIN index entries).
    if not documents:
        return
    weighted = " || ".join(
        f"setweight(to_tsvector('norwegian', given.{name}), '{letter}')"
        for name, letter in _PG_WEIGHT_LETTERS.items()
    )
    columns = ("measure_id", *_PG_WEIGHT_LETTERS)
    arrays = {name: [document[name] for document in documents] for name in columns}
    connection.execute(
        text(
            # The f-string joins constant column names and weights; every value is bound.
            f"INSERT INTO measure_search (measure_id, document) "  # nosec B608
            f"SELECT given.measure_id, {weighted} FROM unnest("
            "CAST(:measure_id AS integer[]), CAST(:title AS text[]), "
            "CAST(:ministries AS text[]), CAST(:description AS text[]), "
            "CAST(:narrative AS text[])) "
            "AS given(measure_id, title, ministries, description, narrative) "
            "ON CONFLICT (measure_id) DO UPDATE SET document = excluded.document "
            "WHERE measure_search.document IS DISTINCT FROM excluded.document"
        ),
        arrays,
    )
