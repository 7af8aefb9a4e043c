"""Variants of a report DOCX with one feature taken out, to find what makes LibreOffice slow
(bench/results-report.md, «100×, fourth session»).

    .venv/bin/python bench/report_variants.py IN.docx no-table OUT.docx
    .venv/bin/python bench/report_variants.py IN.docx only-table+split-250 OUT.docx
    OFFICE_STEPS_OPEN_ONLY=1 /usr/bin/python3 bench/office_steps.py OUT.docx

Variants (joined with +): no-table (the longest table), no-links, no-bookmarks,
no-links-bookmarks, no-keepnext, no-lang, no-cantsplit, no-header, no-cantsplit-only, fixed,
no-shading, no-merge, no-toc, no-pagebreak, only-table, split-areas (a table per area row),
split-N (also every N rows), placeholderDIGITS (stand-in page numbers in the TOC entries).
"""

import copy
import sys
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def unwrap(element) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for child in list(element):
        parent.insert(index, child)
        index += 1
    parent.remove(element)


def remove_all(root, *tags: str) -> None:
    for tag in tags:
        for element in list(root.iter(q(tag))):
            element.getparent().remove(element)


def biggest_table(body):
    return max(body.findall(q("tbl")), key=len)


def remove_toc(body) -> None:
    inside = False
    for paragraph in body.findall(q("p")):
        kinds = [f.get(q("fldCharType")) for f in paragraph.iter(q("fldChar"))]
        if "begin" in kinds and any(
            "TOC" in (t.text or "") for t in paragraph.iter(q("instrText"))
        ):
            inside = True
        if inside:
            body.remove(paragraph)
        if "end" in kinds and inside:
            inside = False


def split_table(body, chunk: int) -> None:
    """A new table (header row first) at each area row, and every ``chunk`` rows if given."""
    big = biggest_table(body)
    rows = big.findall(q("tr"))
    header, head = rows[0], [c for c in big if c.tag != q("tr")]
    current, index = big, body.index(big)
    for row in rows[2:]:
        if row.find(".//" + q("gridSpan")) is not None or (chunk and len(current) > chunk):
            table = etree.Element(q("tbl"))
            for element in head:
                table.append(copy.deepcopy(element))
            table.append(copy.deepcopy(header))
            body.insert(index + 1, etree.Element(q("p")))
            body.insert(index + 2, table)
            index += 2
            current = table
        if current is not big:
            current.append(row)


def add_placeholders(body, digits: str) -> None:
    for paragraph in body.iter(q("p")):
        style = paragraph.find(q("pPr") + "/" + q("pStyle"))
        if style is None or style.get(q("val")) not in ("TOC1", "TOC2"):
            continue
        etree.SubElement(etree.SubElement(paragraph, q("r")), q("tab"))
        etree.SubElement(etree.SubElement(paragraph, q("r")), q("t")).text = digits
        for run in paragraph.findall(q("r")):  # the field's end stays last
            chars = run.find(q("fldChar"))
            if chars is not None and chars.get(q("fldCharType")) == "end":
                paragraph.remove(run)
                paragraph.append(run)


def variant(root, name: str) -> None:
    body = root.find(q("body"))
    simple = {
        "no-links": lambda: [unwrap(h) for h in list(root.iter(q("hyperlink")))],
        "no-bookmarks": lambda: remove_all(root, "bookmarkStart", "bookmarkEnd"),
        "no-keepnext": lambda: remove_all(root, "keepNext"),
        "no-lang": lambda: remove_all(root, "lang"),
        "no-cantsplit": lambda: remove_all(root, "cantSplit", "tblHeader"),
        "no-header": lambda: remove_all(root, "tblHeader"),
        "no-cantsplit-only": lambda: remove_all(root, "cantSplit"),
        "no-shading": lambda: remove_all(root, "shd"),
        "no-merge": lambda: remove_all(root, "gridSpan", "hMerge"),
        "no-pagebreak": lambda: remove_all(root, "pageBreakBefore"),
        "no-toc": lambda: remove_toc(body),
        "no-table": lambda: body.remove(biggest_table(body)),
    }
    if name in simple:
        simple[name]()
    elif name == "no-links-bookmarks":
        variant(root, "no-links")
        variant(root, "no-bookmarks")
    elif name == "fixed":
        for properties in root.iter(q("tblPr")):
            etree.SubElement(properties, q("tblLayout")).set(q("type"), "fixed")
    elif name == "only-table":
        big = biggest_table(body)
        for child in list(body):
            if child is not big and child.tag != q("sectPr"):
                body.remove(child)
    elif name.startswith("split-"):
        split_table(body, int(name[6:]) if name[6:].isdigit() else 0)
    elif name.startswith("placeholder"):
        add_placeholders(body, name[11:] or "000")
    else:
        raise SystemExit(f"unknown variant {name}")


def main() -> None:
    source, names, target = sys.argv[1:4]
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                for name in names.split("+"):
                    variant(root, name)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)


if __name__ == "__main__":
    main()
