"""Whatever a user could save must export, and read back as the text they typed."""

from dataclasses import replace
from datetime import date

from docx.oxml.ns import qn

from tests.factories import AreaFactory, MeasureFactory, ReportFactory, RoundFactory
from tests.support.docx_reading import measure_sections, open_docx, paragraph_texts, table_rows
from tracker.export.docx_report import build_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.reporting.states import ReviewState, Status

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'
EMOJI = "Vi feiret 🎉 med 👩🏽‍💻 og 🇳🇴"
RTL = "مرحبا بالعالم – تقرير التقدم"
CONTROL = "før" + "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) + "etter"
LONG = ("Ordene gjentas i en svært lang tekst. " * 600)[:20_000].strip()


def _hostile_round():
    area = AreaFactory(name="Område <b>fet</b>")
    measure = MeasureFactory(
        number=7, area=area, title=f"Tittel {XSS}\x07", description=f"{EMOJI}\n\n{RTL}"
    )
    calm = MeasureFactory(number=8, area=area, title="Et rolig tiltak", description="Vanlig tekst.")
    reporting_round = RoundFactory(slug="fiendtlig", as_of=date(2026, 6, 1), intro=XSS)
    narrative = f"{XSS}\n\n{CONTROL}\tmed tab\n\n- {EMOJI}\n- {RTL}\n\n{LONG}"
    ReportFactory(
        round=reporting_round,
        measure=measure,
        status=Status.IN_PROGRESS,
        narrative=narrative,
        review_state=ReviewState.APPROVED,
    )
    ReportFactory(
        round=reporting_round,
        measure=calm,
        status=Status.COMPLETED,
        narrative="Ferdig.",
        review_state=ReviewState.APPROVED,
    )
    db.session.commit()
    return reporting_round


def test_hostile_texts_from_the_database_export_and_read_back_as_text(app):
    document = open_docx(build_midterm_report(collect_report_data(_hostile_round())))
    sections = measure_sections(document)
    assert sections[7].heading == f"7. Tittel {XSS}"
    report = [p.text for p in sections[7].report]
    assert report == [XSS, "føretter med tab", EMOJI, RTL, LONG]
    assert len(report[-1]) == len(LONG) >= 19_900
    # Under the responsible unit and the status: the description.
    assert [p.text for p in sections[7].body][2:4] == [EMOJI, RTL]
    assert [p.text for p in sections[8].report] == ["Ferdig."]
    assert XSS in paragraph_texts(document)
    assert ["7", f"Tittel {XSS}"] == table_rows(document.tables[1])[2][:2]


def test_right_to_left_paragraphs_are_marked_right_to_left(app):
    document = open_docx(build_midterm_report(collect_report_data(_hostile_round())))
    rtl = [p for p in document.paragraphs if p.text == RTL]
    assert rtl and all(p._p.pPr.find(qn("w:bidi")) is not None for p in rtl)
    latin = next(p for p in document.paragraphs if p.text == "Ferdig.")
    assert latin._p.pPr is None or latin._p.pPr.find(qn("w:bidi")) is None


def test_characters_xml_cannot_hold_are_dropped_not_fatal(app):
    """Text that never passed through a form (NUL, lone surrogates, non-characters) still
    exports."""
    data = collect_report_data(_hostile_round())
    area = data.areas[0]
    broken = replace(
        area.measures[1], narrative="a\x00b\ud800c\ufffed\x1be", title="Tittel\x00 med\nlinjeskift"
    )
    data = replace(
        data, areas=(replace(area, measures=(area.measures[0], broken)),), intro="\x00\x0c"
    )
    document = open_docx(build_midterm_report(data))
    sections = measure_sections(document)
    assert sections[8].heading == "8. Tittel med linjeskift"
    assert [p.text for p in sections[8].report] == ["abcde"]
    assert [p.text for p in sections[7].report][0] == XSS
