"""Real files of each kind for the evidence tests, and hostile ones: made the way their
programs make them (pikepdf, python-docx, zipfile), never hand-faked headers only."""

import io
import struct
import zipfile
import zlib

import pikepdf
from docx import Document


def pdf_bytes(pages: int = 1) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def encrypted_pdf_bytes() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="eier", user="hemmelig"))
    return out.getvalue()


def docx_bytes(text: str = "Referat fra møtet.") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bomb_docx_bytes(unpacked_mb: int = 120) -> bytes:
    """A DOCX-shaped zip whose document.xml unpacks to ``unpacked_mb`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                entry.write(chunk)
    return out.getvalue()


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0\0")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


HTML_PRETENDING = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
