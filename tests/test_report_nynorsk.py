"""The report's frame in nynorsk: headings, table heads, title page, colophon and fixed
sentences from the nn catalogue, the document in nn-NO, the narratives in their own language."""

import io
import zipfile

import pytest
from docx.oxml.ns import qn

from tests.factories import UserFactory
from tests.support.docx_reading import headings, open_docx, paragraph_texts, table_rows
from tracker.auth.models import Role
from tracker.export.midterm import build
from tracker.export.report_data import collect_report_data
from tracker.reporting.queries import get_round


@pytest.fixture
def nynorsk(seeded):
    data = collect_report_data(get_round("midtveis-2025"), language="nn")
    return build(data, with_chart=False, with_pdf=False)


def test_frame_is_nynorsk_and_the_document_is_nn_no(nynorsk):
    assert nynorsk.filename == "midtveis-2025-nynorsk.docx"
    document = open_docx(nynorsk.content)
    titles = [text for _, text in headings(document)]
    assert titles[:3] == [
        "Om rapporten",
        "Departement med ansvar for tiltak",
        "Oversikt over status for tiltak pr. 1. juni 2025",
    ]
    texts = paragraph_texts(document)
    assert "Status pr. 1. juni 2025" in texts[:5]  # the same words in both standards
    assert any(text.startswith("Utgjeve av: ") for text in texts)
    header = table_rows(document.tables[0])[0]
    assert header[0] == "Område" and "Ikkje sett i gang" in header
    styles = zipfile.ZipFile(io.BytesIO(nynorsk.content)).read("word/styles.xml").decode()
    assert 'w:val="nn-NO"' in styles and 'w:val="nb-NO"' not in styles.split("</w:docDefaults>")[0]
    assert document.core_properties.language == "nn-NO"


def test_bokmal_narratives_and_descriptions_keep_their_language_in_a_nynorsk_report(nynorsk):
    document = open_docx(nynorsk.content)
    tagged = [
        paragraph
        for paragraph in document.paragraphs
        if any(lang.get(qn("w:val")) == "nb-NO" for lang in paragraph._p.iter(qn("w:lang")))
    ]
    assert len(tagged) > 100  # the plan's texts and the narratives, all bokmål in the seed
    assert not any(p.style.name.startswith("Heading") for p in tagged)


def test_download_page_offers_nynorsk(seeded, client, login):
    login(UserFactory(role=Role.COORDINATOR, unit=None))
    page = client.get("/koordinator/rapport/").get_data(as_text=True)
    assert 'name="midtveis-2025-language" type="radio" value="nn"' in page
    assert "Nynorsk" in page
