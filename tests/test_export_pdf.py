"""The report renders: LibreOffice turns the DOCX into a PDF whose text a reader would see."""

import re
import subprocess
from datetime import date

from tracker.export.docx_report import build_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.reporting.queries import get_round


def _pdf_text(tmp_path, content: bytes) -> tuple[str, int]:
    source = tmp_path / "rapport.docx"
    source.write_bytes(content)
    profile = tmp_path / "lo-profile"  # a profile of its own, so parallel runs never share one
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "rapport.pdf"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(
                ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True
            ).stdout,
        ).group(1)
    )
    return text, pages


def test_draft_report_converts_to_pdf_with_page_numbers_summary_and_utkast(seeded, tmp_path):
    data = collect_report_data(
        get_round("midtveis-2025"), draft=True, generated_on=date(2025, 6, 20)
    )
    text, pages = _pdf_text(tmp_path, build_midterm_report(data))
    flat = " ".join(text.split())
    assert pages > 20
    # The title page has no page number; the count goes on from it.
    assert "Side 1 av" not in flat and "Side 2 av" in flat and f"Side {pages} av {pages}" in flat
    assert (
        "Av totalt 50 tiltak i handlingsplanen er 13 tiltak gjennomført, 32 er pågående og 5 er "
        "ikke igangsatt ennå."
    ) in flat
    assert "Status pr. 1. juni 2025" in flat
    assert "Tiltak: Styrket innsats" in flat
    assert "50. Ny handlingsplan mot diskriminering av, og hat mot, muslimer" in flat
    # The header of every page says UTKAST.
    assert flat.count("UTKAST – inneholder tekster som ikke er godkjent") >= pages
