"""The open data described for data.norge.no: a DCAT-AP-NO catalogue as JSON-LD, built by a pure
function from the plans, their published rounds and the site's addresses (no Flask here).

One dataset per plan that has published something («Status for tiltakene i …»), with a
distribution per file: the latest status as CSV, JSON and XLSX, and each published round's
files.
DCAT-AP-NO 3's mandatory properties (tests/test_catalog.py lists them) are always present:
title and description in bokmål (and English where the plan has one), the publisher (the plan's
owner), a contact point, a theme from the EU's data-theme vocabulary, and an access URL for
every distribution. The read API is the catalogue's data service.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from tracker.plan.models import Plan
from tracker.reporting.models import ReportingRound

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
# Population and society; Government and public sector.
THEMES = (EU + "data-theme/SOCI", EU + "data-theme/GOVE")
# Rounds are published when the coordinators publish them: no fixed calendar.
UPDATE_FREQUENCY = EU + "frequency/IRREG"
LICENCE = "https://data.norge.no/nlod/no/2.0"
PUBLIC_ACCESS = EU + "access-right/PUBLIC"
FORMATS = {
    "csv": (EU + "file-type/CSV", "https://www.iana.org/assignments/media-types/text/csv"),
    "json": (
        EU + "file-type/JSON",
        "https://www.iana.org/assignments/media-types/application/json",
    ),
    "xlsx": (
        EU + "file-type/XLSX",
        "https://www.iana.org/assignments/media-types/"
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@dataclass(frozen=True)
class Addresses:
    """The site's absolute addresses, given by the caller (from PUBLIC_URL)."""

    catalogue: str
    home: str
    plan_page: Callable[[Plan], str]
    about_data: Callable[[Plan], str]
    latest_file: Callable[[Plan, str], str]
    round_file: Callable[[Plan, ReportingRound, str], str]
    contact: str  # mailto:… or a web address; empty: each plan's «Om dataene» page
    api: str  # the read API's base address
    api_description: str  # its OpenAPI document


def _text(nb: str, en: str | None = None) -> list[dict]:
    texts = [{"@value": nb, "@language": "nb"}]
    if en:
        texts.append({"@value": en, "@language": "en"})
    return texts


def _date(value: date) -> dict:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _iri(value: str) -> dict:
    return {"@id": value}


def _contact(name: str, address: str) -> dict:
    kind = "vcard:hasEmail" if address.startswith("mailto:") else "vcard:hasURL"
    return {"@type": "vcard:Organization", "vcard:fn": name, kind: _iri(address)}


def _publisher(plan: Plan) -> dict:
    return {"@type": "foaf:Agent", "foaf:name": _text(plan.owner)}


def _distribution(
    title: str, url: str, file_format: str, description: str, issued: date | None = None
) -> dict:
    format_uri, media_type = FORMATS[file_format]
    distribution = {
        "@type": "dcat:Distribution",
        "dct:title": _text(title),
        "dct:description": _text(description),
        "dcat:accessURL": _iri(url),
        "dcat:downloadURL": _iri(url),
        "dct:format": _iri(format_uri),
        "dcat:mediaType": _iri(media_type),
        "dct:license": _iri(LICENCE),
    }
    if issued is not None:
        distribution["dct:issued"] = _date(issued)
    return distribution


def _dataset(plan: Plan, rounds: Sequence[ReportingRound], addresses: Addresses) -> dict:
    latest = rounds[0]
    distributions = [
        _distribution(
            f"Siste publiserte status ({file_format.upper()})",
            addresses.latest_file(plan, file_format),
            file_format,
            "Hvert tiltaks siste godkjente og publiserte status.",
            latest.as_of,
        )
        for file_format in FORMATS
    ]
    for reporting_round in rounds:
        distributions += [
            _distribution(
                f"{reporting_round.title} ({file_format.upper()})",
                addresses.round_file(plan, reporting_round, file_format),
                file_format,
                f"Status pr. {reporting_round.as_of.isoformat()}.",
                reporting_round.as_of,
            )
            for file_format in FORMATS
        ]
    contact = addresses.contact or addresses.about_data(plan)
    return {
        "@id": addresses.plan_page(plan) + "#datasett",
        "@type": "dcat:Dataset",
        "dct:identifier": addresses.plan_page(plan) + "#datasett",
        "dct:title": _text(
            f"Status for tiltakene i {plan.title}",
            f"Status of the measures in {plan.title_en}" if plan.title_en else None,
        ),
        "dct:description": _text(
            f"Status (gjennomført, pågående, ikke igangsatt) og omtale for hvert tiltak i "
            f"{plan.title}, slik de ansvarlige har rapportert og {plan.owner} har publisert. "
            "Bare godkjent og publisert status er med."
        ),
        "dct:publisher": _publisher(plan),
        "dcat:contactPoint": _contact(plan.owner, contact),
        "dcat:theme": [_iri(theme) for theme in THEMES],
        "dcat:keyword": _text("handlingsplan") + _text("tiltak") + _text("status"),
        "dcat:landingPage": _iri(addresses.about_data(plan)),
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _date(date(plan.first_year, 1, 1)),
            "dcat:endDate": _date(date(plan.last_year, 12, 31)),
        },
        "dct:accrualPeriodicity": _iri(UPDATE_FREQUENCY),
        "dct:accessRights": _iri(PUBLIC_ACCESS),
        "dct:language": _iri(EU + "language/NOB"),
        "dct:modified": _date(latest.as_of),
        "dcat:distribution": distributions,
    }


def build_catalogue(
    plans: Sequence[Plan],
    rounds_by_plan: dict[int, list[ReportingRound]],
    addresses: Addresses,
    publisher: str,
) -> dict:
    """The JSON-LD document: the catalogue and a dataset per plan with a published round."""
    datasets = [
        _dataset(plan, rounds_by_plan[plan.id], addresses)
        for plan in plans
        if rounds_by_plan.get(plan.id)
    ]
    contact = addresses.contact or addresses.home
    publisher_agent = {"@type": "foaf:Agent", "foaf:name": _text(publisher)}
    service = {
        "@id": addresses.api,
        "@type": "dcat:DataService",
        "dct:title": _text("API for status for tiltakene", "API for the status of the measures"),
        "dct:description": _text(
            "Les planene, hovedområdene, de ansvarlige, rapporteringsrundene og hvert tiltaks "
            "publiserte status og historikk som JSON."
        ),
        "dcat:endpointURL": _iri(addresses.api),
        "dcat:endpointDescription": _iri(addresses.api_description),
        "dct:publisher": publisher_agent,
        "dcat:contactPoint": _contact(publisher, contact),
        "dct:license": _iri(LICENCE),
        "dcat:servesDataset": [_iri(dataset["@id"]) for dataset in datasets],
    }
    return {
        "@context": CONTEXT,
        "@id": addresses.catalogue,
        "@type": "dcat:Catalog",
        "dct:title": _text(
            "Handlingsplaner: status for tiltakene", "Action plans: status of the measures"
        ),
        "dct:description": _text(
            "Åpne data om status for tiltakene i handlingsplanene: én fil per publiserte "
            "rapporteringsrunde, som CSV, JSON og XLSX, under NLOD 2.0."
        ),
        "dct:publisher": publisher_agent,
        "dcat:contactPoint": _contact(publisher, contact),
        "dct:license": _iri(LICENCE),
        "foaf:homepage": _iri(addresses.home),
        "dcat:dataset": datasets,
        "dcat:service": [service],
    }
