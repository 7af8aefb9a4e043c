"""The midterm report built from the seeded plan, reopened with python-docx and read like a
reader."""

from datetime import date

import pytest
from docx.oxml.ns import qn

from tests.support.docx_reading import (
    docx_parts,
    headings,
    measure_sections,
    numbering_format,
    open_docx,
    paragraph_texts,
    repeats_header_row,
    table_rows,
)
from tracker import narrative
from tracker.export import docx_report
from tracker.export.chart import render_png, status_figure
from tracker.export.docx_report import build_midterm_report, midterm_report_document
from tracker.export.report_data import collect_report_data
from tracker.plan.queries import first_plan
from tracker.reporting.queries import get_round
from tracker.typography import as_read

# On one pytest-xdist worker: the reports are built once for the module.
pytestmark = pytest.mark.xdist_group("export_report")

STATUS_LABELS = {
    "completed": "Gjennomført",
    "in_progress": "Pågående",
    "not_started": "Ikke igangsatt",
}
GENERATED_ON = date(2025, 6, 20)


@pytest.fixture(scope="module")
def built():
    """Reports already built in this module; the seeded data is the same in every test."""
    return {}


@pytest.fixture
def final_report(seeded, built):
    if "final" not in built:
        data = collect_report_data(get_round("midtveis-2025"), generated_on=GENERATED_ON)
        built["final"] = build_midterm_report(
            data, chart_png=render_png(status_figure(data.summary))
        )
    return open_docx(built["final"])


def test_headings_follow_the_report_structure_in_order(final_report, plan_data):
    expected = [
        ("Heading 1", "Om rapporten"),
        ("Heading 1", "Departementer med ansvar for tiltak"),
        ("Heading 1", "Oversikt over status for tiltak pr. 1. juni 2025"),
        ("Heading 2", "Status per område"),
        ("Heading 2", "Alle tiltak"),
    ]
    for area in plan_data["areas"]:
        expected.append(("Heading 1", f"Tiltak: {area['name']}"))
        for measure in (m for m in plan_data["measures"] if m["area"] == area["key"]):
            expected.append(("Heading 2", f"{measure['number']}. {measure['title']}"))
    # No appendix on the source: internal material, only in the first round's draft.
    assert headings(final_report) == expected


def test_each_measure_has_one_report_label_that_is_not_a_heading(final_report):
    labels = [p for p in final_report.paragraphs if p.text == "Midtveisrapport"][1:]  # [0]: title
    assert len(labels) == 50
    assert {p.style.name for p in labels} == {"Report Label"}
    assert all(p._p.pPr is None or p._p.pPr.find(qn("w:outlineLvl")) is None for p in labels)


def test_title_page_names_plan_report_status_date_and_sending_department(final_report):
    texts = paragraph_texts(final_report)[:5]
    assert texts[0] == "Handlingsplan mot rasisme og diskriminering – ny innsats 2024–2027"
    assert texts[1] == "Midtveisrapport"
    assert "Status pr. 1. juni 2025" in texts
    assert texts[4] == "Arbeids- og inkluderingsdepartementet"
    assert not any("UTKAST" in text or "Generert" in text for text in texts)


def test_colophon_stands_alone_at_the_foot_of_the_title_pages_back(final_report):
    paragraphs = final_report.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Utgitt av:"))
    end = next(i for i in range(start, len(paragraphs)) if _ends_section(paragraphs[i]))
    assert [as_read(p.text) for p in paragraphs[start : end + 1]] == [
        "Utgitt av: Arbeids- og inkluderingsdepartementet",
        "Tittel: Midtveisrapport – Handlingsplan mot rasisme og diskriminering – ny innsats "
        "2024–2027",
        "Statusdato: 1. juni 2025",
        "Dato: 20. juni 2025",
        "Lisens: Norsk lisens for offentlige data (NLOD) 2.0",
        "Kontakt: postmottak@aid.dep.no",
    ]
    # Its own section (the title page ends the one before), its text at the page's foot.
    assert _ends_section(paragraphs[start - 1])
    section = paragraphs[end]._p.pPr.find(qn("w:sectPr"))
    assert section.find(qn("w:vAlign")).get(qn("w:val")) == "bottom"
    assert not any("tracker" in p.text or "statussporingen" in p.text for p in paragraphs)


def _ends_section(paragraph) -> bool:
    return paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("w:sectPr")) is not None


def test_summary_sentence_counts_every_measure(final_report):
    assert (
        "Av totalt 50 tiltak i handlingsplanen er 13 tiltak gjennomført, 32 er pågående "
        "og 5 er ikke igangsatt ennå." in paragraph_texts(final_report)
    )


def test_per_area_table_has_every_count_with_row_and_column_totals(final_report):
    assert table_rows(final_report.tables[0]) == [
        ["Område", "Gjennomført", "Pågående", "Ikke igangsatt", "Totalt"],
        ["Arbeidsliv", "5", "9", "2", "16"],
        ["Ungdom", "4", "11", "2", "17"],
        ["Lokalt arbeid", "1", "8", "0", "9"],
        ["Mer kunnskap", "0", "4", "1", "5"],
        ["Styrket innsats", "3", "0", "0", "3"],
        ["Totalt", "13", "32", "5", "50"],
    ]


def test_ministries_section_lists_every_owning_ministry_with_abbreviation(final_report, plan_data):
    texts = paragraph_texts(final_report)
    assert "Det er ti departementer som er ansvarlige for tiltak i handlingsplanen:" in texts
    listed = [p.text for p in final_report.paragraphs if p.style.name == "List Bullet"][:10]
    # Alphabetical by name, not the source's seven with three added at the end.
    by_name = sorted(plan_data["ministries"], key=lambda m: m["name"])
    assert listed == [f"{m['name']} ({m['abbreviation']})" for m in by_name]
    assert listed[0].startswith("Arbeids-") and listed[-1].startswith("Kunnskaps")


def test_overview_table_lists_all_50_measures_under_area_rows(final_report, plan_data):
    abbreviations = {m["abbreviation"] for m in plan_data["ministries"]}
    rows = table_rows(final_report.tables[1])
    assert rows[0] == ["Nr.", "Tiltak", "Ansvarlig", "Status"]
    expected = []
    for area in plan_data["areas"]:
        expected.append([area["name"]])
        for measure in (m for m in plan_data["measures"] if m["area"] == area["key"]):
            owners = measure["ministries"]
            responsible = (
                owners[0] if len(owners) == 1 else ", ".join(owners[:-1]) + " og " + owners[-1]
            )
            assert set(owners) <= abbreviations
            status = next(
                r["status"]
                for r in plan_data["rounds"][0]["reports"]
                if r["measure"] == measure["number"]
            )
            expected.append(
                [str(measure["number"]), measure["title"], responsible, STATUS_LABELS[status]]
            )
    assert rows[1:] == expected


def test_tables_repeat_their_header_row_on_every_page(final_report):
    assert all(repeats_header_row(table) for table in final_report.tables)
    assert len(final_report.tables) == 2


def test_every_measure_section_has_ministries_status_and_the_whole_narrative(
    final_report, plan_data
):
    sections = measure_sections(final_report)
    assert sorted(sections) == list(range(1, 51))
    names = {m["abbreviation"]: m["name"] for m in plan_data["ministries"]}
    reports = {r["measure"]: r for r in plan_data["rounds"][0]["reports"]}
    for measure in plan_data["measures"]:
        section = sections[measure["number"]]
        body = [as_read(p.text) for p in section.body]
        full_names = [names[a] for a in measure["ministries"]]
        expected_names = (
            full_names[0]
            if len(full_names) == 1
            else ", ".join(full_names[:-1]) + " og " + full_names[-1]
        )
        # Responsible and status right under the heading, kept with it; then the description.
        assert body[:2] == [
            f"Ansvarlig departement: {expected_names}",
            f"Status: {STATUS_LABELS[reports[measure['number']]['status']]}",
        ]
        assert all(p.paragraph_format.keep_with_next for p in section.body[:2])
        description = [_block_texts(b) for b in narrative.parse(measure["description"])]
        assert body[2:] == _flatten(description)
        blocks = narrative.parse(reports[measure["number"]]["narrative"])
        assert [as_read(p.text) for p in section.report] == _flatten(
            [_block_texts(b) for b in blocks]
        )
        # Lists come back as list paragraphs, paragraphs as ordinary ones.
        styles = [p.style.name for p in section.report]
        assert styles == _flatten([_block_styles(b) for b in blocks])


def test_numbered_lists_are_word_lists_that_restart_and_keep_their_kind(final_report):
    sections = measure_sections(final_report)
    decimal_25 = [
        numbering_format(final_report, p)
        for p in sections[25].report
        if p.style.name == "List Number"
    ]
    roman_44 = [
        numbering_format(final_report, p)
        for p in sections[44].report
        if p.style.name == "List Number"
    ]
    decimal_46 = [
        numbering_format(final_report, p)
        for p in sections[46].report
        if p.style.name == "List Number"
    ]
    assert len(decimal_25) == 6 and {fmt for _, fmt in decimal_25} == {"decimal"}
    assert len(roman_44) == 3 and {fmt for _, fmt in roman_44} == {"lowerRoman"}
    assert len(decimal_46) == 2 and {fmt for _, fmt in decimal_46} == {"decimal"}
    # One numbering instance per list, each restarting at 1: measure 46 does not continue at 7.
    assert len({num for num, _ in decimal_25}) == 1
    assert {num for num, _ in decimal_25} != {num for num, _ in decimal_46}
    bullets = [p for p in sections[14].report if p.style.name == "List Bullet"]
    assert bullets


def test_chart_is_a_picture_with_alt_text_stating_the_numbers(final_report):
    assert len(final_report.inline_shapes) == 1
    description = final_report.inline_shapes[0]._inline.docPr.get("descr")
    assert "Arbeidsliv: 5 gjennomført, 9 pågående, 2 ikke igangsatt" in description
    assert "Styrket innsats: 3 gjennomført, 0 pågående, 0 ikke igangsatt" in description
    assert "Totalt: 13 gjennomført, 32 pågående, 5 ikke igangsatt" in description


def test_document_is_norwegian_with_title_and_author(final_report):
    styles = final_report.styles.element
    lang = (
        styles.find(qn("w:docDefaults"))
        .find(qn("w:rPrDefault"))
        .find(qn("w:rPr"))
        .find(qn("w:lang"))
    )
    assert lang.get(qn("w:val")) == "nb-NO"
    properties = final_report.core_properties
    assert (
        properties.title
        == "Midtveisrapport – Handlingsplan mot rasisme og diskriminering – ny innsats 2024–2027"
    )
    assert properties.author == "Arbeids- og inkluderingsdepartementet"
    assert properties.language == "nb-NO"


def test_table_of_contents_and_page_numbers_are_word_fields(final_report):
    body_xml = final_report.element.body.xml
    assert 'TOC \\o "1-2"' in body_xml
    footer = final_report.sections[0].footer
    assert footer.paragraphs[0].text.startswith("Side ")
    assert " PAGE " in footer._element.xml and " NUMPAGES " in footer._element.xml


def test_no_empty_paragraphs_are_used_for_spacing(final_report):
    empty = [
        p for p in final_report.paragraphs if not p.text.strip() and not p._p.xpath(".//w:drawing")
    ]
    assert empty == []


def _block_texts(block) -> list[str]:
    """What a reader sees of a block: links show their words."""
    texts = [block.text] if isinstance(block, narrative.Paragraph) else list(block.items)
    return [narrative.plain_text(text) for text in texts]


def _block_styles(block) -> list[str]:
    if isinstance(block, narrative.Paragraph):
        return ["Normal"]
    return ["List Number" if block.numbered else "List Bullet"] * len(block.items)


def _flatten(lists):
    return [item for sub in lists for item in sub]


def test_title_page_takes_the_plan_title_period_and_owner_from_the_database(seeded):
    plan = first_plan()
    plan.title, plan.last_year = "Handlingsplan – revidert utgave", 2028
    plan.owner = "Oslo kommune, Bystyrets sekretariat"
    data = collect_report_data(get_round("midtveis-2025"), generated_on=GENERATED_ON)
    document = open_docx(build_midterm_report(data))
    texts = paragraph_texts(document)[:8]
    assert texts[0] == "Handlingsplan – revidert utgave"
    assert any("2024–2028" in text for text in texts)
    # The sender on the title page, the colophon's publisher and the document's author.
    assert "Oslo kommune, Bystyrets sekretariat" in texts
    assert "Utgitt av: Oslo kommune, Bystyrets sekretariat" in paragraph_texts(document)
    assert document.core_properties.author == "Oslo kommune, Bystyrets sekretariat"


def test_a_long_list_of_all_measures_continues_in_tables_that_each_repeat_the_header(
    seeded, monkeypatch
):
    """LibreOffice lays out one table of thousands of rows slowly (issue 25): the list goes on
    in a new table, header row first, after ROWS_PER_TABLE rows; a reader sees the same rows."""
    data = collect_report_data(get_round("midtveis-2025"), generated_on=GENERATED_ON)
    whole = table_rows(open_docx(build_midterm_report(data)).tables[1])
    monkeypatch.setattr(docx_report, "ROWS_PER_TABLE", 20)
    document = open_docx(build_midterm_report(data))
    parts = document.tables[1:4]  # 50 measures and 5 area rows: 20 + 20 + 15
    assert [len(table.rows) for table in parts] == [21, 21, 16]
    assert all(repeats_header_row(table) for table in parts)
    rows = [table_rows(table) for table in parts]
    assert all(part[0] == whole[0] for part in rows)
    assert [row for part in rows for row in part[1:]] == whole[1:]


def test_the_copy_for_libreoffice_leaves_the_downloaded_docx_as_it_was(seeded):
    """The layout copy has no links in its table of contents nor bookmarks on the headings
    (LibreOffice writes its own), and a stand-in page number on each entry."""
    data = collect_report_data(get_round("midtveis-2025"), generated_on=GENERATED_ON)
    document = midterm_report_document(data)
    before = docx_parts(document.to_bytes())
    copy = open_docx(document.to_bytes(page_count="[[SIDETALL]]", for_layout=True))
    entries = [p for p in copy.paragraphs if p.style.name in ("toc 1", "toc 2")]
    assert len(entries) == 60
    assert all(p._p.find(qn("w:hyperlink")) is None for p in entries)
    assert all(p.text.endswith(("\t0", "\t00")) for p in entries)  # pages 2 to 34
    assert not any(
        b.get(qn("w:name")).startswith("_Toc")
        for b in copy.element.body.iter(qn("w:bookmarkStart"))
    )
    assert docx_parts(document.to_bytes()) == before
