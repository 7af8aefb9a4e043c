"""The results in the open data: nested under each measure in the JSON files, and a tidy
indikatorer.csv with one row per measure, indicator and period. Pure functions over what the
public queries return (tracker/results/queries.py), so the files and the pages agree."""

import csv
import io
from datetime import date

from flask_babel import lazy_gettext

from tracker.absolute_urls import absolute_url
from tracker.measures.models import Measure
from tracker.results.queries import (
    PublicEvidence,
    PublicIndicator,
    PublicMilestone,
    public_evidence,
    public_indicators,
    public_milestones,
)
from tracker.spreadsheets.cells import neutralise

# What each measure's JSON record carries besides the flat fields (shown on «Om dataene»).
RESULTS_FIELDS = {
    "milestones": lazy_gettext(
        "Bare i JSON: tiltakets delmål med tittel, planlagt dato (due) og dato nådd (done, tom "
        "hvis ikke nådd)."
    ),
    "indicators": lazy_gettext(
        "Bare i JSON: tiltakets indikatorer med enhet, retning (higher/lower), utgangsverdi, mål, "
        "kilde og alle publiserte verdier (value, period, carried, round_slug, as_of)."
    ),
    "evidence": lazy_gettext(
        "Bare i JSON: publisert dokumentasjon som lenker (url) med tittel og runde."
    ),
}

# indikatorer.csv: one row per measure, indicator and reported period.
INDICATOR_FIELDS = (
    "measure_number",
    "measure_title",
    "indicator",
    "unit",
    "direction",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "source",
    "period",
    "value",
    "carried",
    "comment",
    "round_slug",
    "as_of",
)


def results_record(
    milestones: list[PublicMilestone],
    indicators: list[PublicIndicator],
    evidence: list[PublicEvidence],
    up_to: date | None = None,
) -> dict:
    """A measure's results for its JSON record; ``up_to``: only values and evidence of rounds
    as of that date or earlier (a round's own file)."""
    return {
        "milestones": [
            {
                "title": item.milestone.title,
                "due": item.milestone.due_on.isoformat(),
                "done": item.done_on.isoformat() if item.done_on else None,
            }
            for item in milestones
        ],
        "indicators": [
            {
                "name": entry.indicator.name,
                "unit": entry.indicator.unit,
                "direction": entry.indicator.direction.value,
                "baseline": {
                    "value": entry.indicator.baseline_value,
                    "year": entry.indicator.baseline_year,
                },
                "target": {
                    "value": entry.indicator.target_value,
                    "year": entry.indicator.target_year,
                },
                "source": entry.indicator.source,
                "values": [
                    {
                        "value": item.value.value,
                        "period": item.value.period,
                        "carried": item.value.carried,
                        "comment": item.value.comment,
                        "round_slug": item.round.slug,
                        "as_of": item.round.as_of.isoformat(),
                    }
                    for item in entry.values
                    if up_to is None or item.round.as_of <= up_to
                ],
            }
            for entry in indicators
        ],
        "evidence": [
            {
                "title": item.evidence.title or item.evidence.original_name or item.evidence.url,
                "url": item.evidence.url
                or absolute_url("evidence_files.download", stored_name=item.evidence.stored_name),
                "kind": "link" if item.evidence.is_link else item.evidence.content_type,
                "round_slug": item.round.slug,
            }
            for item in evidence
            if up_to is None or item.round.as_of <= up_to
        ],
    }


def indicator_rows(measures: list[Measure], indicators: dict[int, list]) -> list[dict]:
    rows = []
    for measure in measures:
        for entry in indicators.get(measure.id, []):
            indicator = entry.indicator
            for item in entry.values:
                rows.append(
                    {
                        "measure_number": measure.number,
                        "measure_title": measure.title,
                        "indicator": indicator.name,
                        "unit": indicator.unit,
                        "direction": indicator.direction.value,
                        "baseline_value": _plain(indicator.baseline_value),
                        "baseline_year": indicator.baseline_year or "",
                        "target_value": _plain(indicator.target_value),
                        "target_year": indicator.target_year or "",
                        "source": indicator.source,
                        "period": item.value.period,
                        "value": _plain(item.value.value),
                        "carried": "true" if item.value.carried else "false",
                        "comment": item.value.comment,
                        "round_slug": item.round.slug,
                        "as_of": item.round.as_of.isoformat(),
                    }
                )
    return rows


def _plain(value: float | None):
    """A number as data: 42 rather than 42.0, a point as the decimal sign, empty for none."""
    if value is None:
        return ""
    return int(value) if value == int(value) else value


def indicators_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(INDICATOR_FIELDS), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: neutralise(value) for name, value in row.items()})
    return buffer.getvalue()


def with_results(plan, measures: list[Measure], rows: list[dict], up_to: date | None) -> None:
    """Add each measure's results to its JSON record: three queries over the whole plan (the
    file lists every measure of it), never one per measure."""
    milestones = public_milestones(plan)
    indicators = public_indicators(plan)
    evidence = public_evidence(plan)
    for measure, row in zip(measures, rows, strict=True):
        row.update(
            results_record(
                milestones.get(measure.id, []),
                indicators.get(measure.id, []),
                evidence.get(measure.id, []),
                up_to,
            )
        )
