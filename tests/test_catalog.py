"""The open data described for data.norge.no: /data/katalog.jsonld read as RDF and held to the
properties DCAT-AP-NO makes mandatory."""

from datetime import date

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from tests.factories import PlanFactory, ReportFactory, RoundFactory
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState, Status

# Open namespaces: rdflib's closed ones warn whenever pytest looks an attribute up.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
# rdflib's JSON-LD parser uses its own deprecated class inside.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"

# DCAT-AP-NO 3.0, the mandatory («obligatorisk») properties of each class, as its SHACL shapes
# (dcatapno3-core-shapes.ttl) list them.
REQUIRED = {
    DCAT.Catalog: (DCTERMS.description, DCAT.contactPoint, DCTERMS["title"], DCTERMS.publisher),
    DCAT.Dataset: (
        DCTERMS.description,
        DCAT.contactPoint,
        DCAT.theme,
        DCTERMS["title"],
        DCTERMS.publisher,
    ),
    DCAT.DataService: (DCAT.endpointURL, DCAT.contactPoint, DCTERMS["title"], DCTERMS.publisher),
    DCAT.Distribution: (DCAT.accessURL,),
    FOAF.Agent: (FOAF.name,),
    VCARD.Organization: (VCARD.fn,),
}
# Exactly one value.
SINGLE = {
    DCAT.Catalog: (DCTERMS.publisher,),
    DCAT.Dataset: (DCTERMS.publisher,),
    DCAT.DataService: (DCTERMS.publisher, DCAT.endpointURL),
}
# rdf:langString, at most one per language.
LANGUAGE_STRINGS = (DCTERMS["title"], DCTERMS.description)


@pytest.fixture
def app_config():
    return {"PUBLIC_URL": "https://tracker.example.no", "OPEN_DATA_CONTACT": "data@dep.example.no"}


def published_plan():
    plan = PlanFactory(title="Handlingsplan mot rasisme", title_en="Action plan against racism")
    reporting_round = RoundFactory(plan=plan, midterm=True, title="Midtveisrapport")
    ReportFactory(round=reporting_round, status=Status.COMPLETED, review_state=ReviewState.APPROVED)
    RoundFactory(plan=plan, slug="utkast-2026", state=RoundState.OPEN)  # not public yet
    unpublished = PlanFactory(slug="ny-plan", title="Ny plan uten publisering")
    RoundFactory(plan=unpublished, slug="forste", state=RoundState.OPEN)
    db.session.commit()
    return plan


def catalogue_graph(client) -> Graph:
    response = client.get("/data/katalog.jsonld")
    assert response.status_code == 200
    assert response.content_type == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return Graph().parse(data=response.get_data(as_text=True), format="json-ld")


def test_every_mandatory_dcat_ap_no_property_is_there(app, client):
    published_plan()
    graph = catalogue_graph(client)
    for cls, properties in REQUIRED.items():
        subjects = set(graph.subjects(RDF.type, cls))
        assert subjects, f"no {cls}"
        for subject in subjects:
            for prop in properties:
                assert graph.value(subject, prop) is not None, (cls, subject, prop)
            for prop in SINGLE.get(cls, ()):
                assert len(list(graph.objects(subject, prop))) == 1, (cls, prop)
            for prop in LANGUAGE_STRINGS:
                languages = [value.language for value in graph.objects(subject, prop)]
                assert all(languages) and len(languages) == len(set(languages)), (cls, prop)
    for contact in graph.subjects(RDF.type, VCARD.Organization):
        assert graph.value(contact, VCARD.hasEmail) or graph.value(contact, VCARD.hasURL)
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        themes = [str(theme) for theme in graph.objects(dataset, DCAT.theme)]
        assert themes and all(theme.startswith(DATA_THEME) for theme in themes)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert all(isinstance(dataset, URIRef) for dataset in graph.objects(catalogue, DCAT.dataset))
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        assert isinstance(graph.value(distribution, DCAT.accessURL), URIRef)


def test_the_dataset_says_licence_formats_period_frequency_and_publisher(app, client):
    published_plan()
    graph = catalogue_graph(client)
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)  # the unpublished plan has none
    assert str(dataset) == (
        "https://tracker.example.no/planer/handlingsplan-rasisme-2024-2027/#datasett"
    )
    titles = {title.language: str(title) for title in graph.objects(dataset, DCTERMS["title"])}
    assert titles == {
        "nb": "Status for tiltakene i Handlingsplan mot rasisme",
        "en": "Status of the measures in Action plan against racism",
    }
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "Arbeids- og inkluderingsdepartementet"
    contact = graph.value(dataset, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:data@dep.example.no")
    period = graph.value(dataset, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal(date(2024, 1, 1), datatype=XSD.date)
    assert graph.value(period, DCAT.endDate) == Literal(date(2027, 12, 31), datatype=XSD.date)
    assert str(graph.value(dataset, DCTERMS.accrualPeriodicity)).endswith("/frequency/IRREG")

    files = {
        str(graph.value(distribution, DCAT.accessURL)): distribution
        for distribution in graph.objects(dataset, DCAT.distribution)
    }
    base = "https://tracker.example.no/planer/handlingsplan-rasisme-2024-2027/data/"
    assert set(files) == {
        base + "tiltak.csv",
        base + "tiltak.json",
        base + "tiltak.xlsx",
        base + "midtveis/tiltak.csv",
        base + "midtveis/tiltak.json",
        base + "midtveis/tiltak.xlsx",
    }  # the open round is not there
    for url, distribution in files.items():
        assert (
            str(graph.value(distribution, DCTERMS.license)) == "https://data.norge.no/nlod/no/2.0"
        )
        assert str(graph.value(distribution, DCTERMS["format"])).endswith(
            "/file-type/" + url.rsplit(".", 1)[1].upper()
        )
    # Each file is really there.
    for url in files:
        assert client.get(url.removeprefix("https://tracker.example.no")).status_code == 200


def test_the_api_is_the_catalogues_data_service(app, client):
    published_plan()
    graph = catalogue_graph(client)
    (service,) = graph.subjects(RDF.type, DCAT.DataService)
    assert graph.value(service, DCAT.endpointURL) == URIRef("https://tracker.example.no/api/v1")
    description = str(graph.value(service, DCAT.endpointDescription))
    assert client.get(description.removeprefix("https://tracker.example.no")).status_code == 200
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    assert graph.value(service, DCAT.servesDataset) == dataset


def test_the_open_data_page_links_the_catalogue(app, client):
    plan = published_plan()
    page = client.get(f"/planer/{plan.slug}/om-dataene").get_data(as_text=True)
    assert 'href="/data/katalog.jsonld"' in page
