"""Whatever a seed or import file holds, loading it never crashes and never half-writes.

Hypothesis feeds arbitrary JSON and text, and valid files with one value swapped for
something arbitrary (the cases most likely to get past a first check).
"""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.support.data_history import build_history
from tracker.backup.dump import export_data
from tracker.backup.restore import ImportRefused, import_data, load_document
from tracker.extensions import db
from tracker.plan.loader import load_plan
from tracker.plan.validation import PlanValidationError

# Every character, lone surrogates and NUL included: a JSON file can carry them as escapes.
any_text = st.text(st.characters(exclude_categories=()), max_size=30)
# Values at the edges of what the database accepts: NUL, a lone surrogate, just too long for
# the String columns (20, 50, 100, 200, 300), blank, and text that looks like markup or a date.
edge_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "tekst\x00",
        "\ud800",
        "x" * 21,
        "x" * 51,
        "x" * 101,
        "x" * 201,
        "x" * 301,
        "<script>alert(1)</script>",
        "2025-02-30",
        "2025-06-01T12:00:00",
        "in_progress",
    ]
)
edge_numbers = st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63, 1.0, True])
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | edge_numbers
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text
    | edge_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(any_text, children, max_size=3)
    ),
    max_leaves=10,
)
HOSTILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# A valid file with one value changed gets deepest into the code: give it more examples.
SWAPPED = settings(HOSTILE, max_examples=150)


def paths(value, prefix=()):
    """Every place in a JSON document where a value sits."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, prefix + (index,))


def replaced(document, path, value):
    changed = copy.deepcopy(document)
    if not path:
        return value
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def row_total() -> int:
    return sum(
        db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    )


@pytest.fixture(scope="module")
def small_plan(plan_data):
    """The seed cut to its first three measures, so each example loads quickly."""
    plan = copy.deepcopy(plan_data)
    # Only what the loader reads, so swapped values land where they matter.
    plan["measures"] = [
        {key: value for key, value in measure.items() if not key.startswith("source_")}
        for measure in plan["measures"][:3]
    ]
    numbers = {measure["number"] for measure in plan["measures"]}
    plan["ministries"] = [
        m
        for m in plan["ministries"]
        if any(m["abbreviation"] in measure["ministries"] for measure in plan["measures"])
    ]
    for reporting_round in plan["rounds"]:
        reporting_round["reports"] = [
            r for r in reporting_round["reports"] if r["measure"] in numbers
        ]
    return plan


def try_load_plan(document) -> None:
    """Load, then undo: either everything is written or, refused, nothing is."""
    before = row_total()
    try:
        load_plan(db.session, document)
    except PlanValidationError as error:
        assert error.problems and all(str(problem) for problem in error.problems)
        assert row_total() == before
    finally:
        db.session.rollback()


@HOSTILE
@given(document=json_values)
def test_seed_loader_survives_any_json(app, document):
    try_load_plan(document)


@SWAPPED
@given(data=st.data(), value=edge_text | edge_numbers | json_values)
def test_seed_loader_survives_a_valid_plan_with_one_value_swapped(app, small_plan, data, value):
    path = data.draw(st.sampled_from(list(paths(small_plan))))
    try_load_plan(replaced(small_plan, path, value))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=200) | any_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_seed_command_refuses_any_garbage_file_clearly(runner, tmp_path, content):
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    result = runner.invoke(args=["seed", str(path)])
    assert result.exit_code == 1, result.output
    assert "Error:" in result.output and "Traceback" not in result.output
    assert row_total() == 0


@pytest.fixture
def export_document(app, plan_data, small_plan):
    """A valid export of a small history, with the database emptied afterwards."""
    build_history(small_plan)
    document = json.loads(json.dumps(export_data(db.session.connection())))
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    return document


def try_import(document) -> None:
    try:
        counts = import_data(db.session, document)
    except ImportRefused as refused:
        assert refused.problems and "databasen er uendret" in refused.message
        db.session.rollback()
        assert row_total() == 0
        return
    assert row_total() == sum(counts.values())
    db.session.rollback()


@HOSTILE
@given(document=json_values)
def test_importer_survives_any_json(app, document):
    try_import(document)


@SWAPPED
@given(data=st.data(), value=edge_text | edge_numbers | json_values)
def test_importer_survives_a_valid_export_with_one_value_swapped(export_document, data, value):
    path = data.draw(st.sampled_from(list(paths(export_document))))
    try_import(replaced(export_document, path, value))


@settings(max_examples=60, deadline=None)
@given(text=any_text | json_values.map(json.dumps))
def test_importer_reads_any_text_as_json_or_refuses_it_clearly(text):
    try:
        load_document(text)
    except ImportRefused as refused:
        assert refused.problems[0].startswith("Filen")
