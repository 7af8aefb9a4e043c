"""Finish the PDF LibreOffice 7.4 wrote, where its PDF/UA output falls short (with pikepdf).

* ``/Tabs`` on every page is the name ``/S`` (LibreOffice writes the string ``(S)``);
* each list item's label (its bullet or number, already a marked-content sequence of its own) is
  tagged ``Lbl`` beside the item's ``LBody``, as PDF/UA's list structure asks;
* the first cell of each body row, and a row's only cell (an area's row across the table), is a
  header cell ``TH`` with ``/Scope /Row``; header rows' cells keep LibreOffice's ``/Column``;
* the XMP metadata names the language and the date beside the title and author, keeping the
  PDF/A-2 and PDF/UA identification LibreOffice wrote.

A pure function of bytes: the exporter calls it, the tests read its result back.
"""

import io
from datetime import date

import pikepdf
from pikepdf import Array, Dictionary, Name


def finish_pdf(content: bytes, *, language: str, issued: date) -> bytes:
    pdf = pikepdf.open(io.BytesIO(content))
    for page in pdf.pages:
        page.obj.Tabs = Name.S
    root = pdf.Root.get("/StructTreeRoot")
    if root is not None:
        parents = _parent_tree(root)
        for item in _elements(root, "/LI"):
            _tag_label(pdf, item, parents)
        for table in _elements(root, "/Table"):
            _row_headers(table)
    pdf.Root.Lang = pikepdf.String(language)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as metadata:
        metadata["dc:language"] = [language]
        metadata["dc:date"] = [issued.isoformat()]
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()


def _elements(node, kind: str):
    """Every structure element of ``kind`` (e.g. "/LI") under ``node``, in document order."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Array):
            stack.extend(reversed(list(current)))
            continue
        if not isinstance(current, Dictionary):
            continue
        if current.get("/S") == Name(kind):
            yield current
        kids = current.get("/K")
        if kids is not None:
            stack.append(kids)


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _parent_tree(root) -> dict[int, Array]:
    """The parent tree's arrays by key (a page's /StructParents): MCID → element."""
    tree = root.get("/ParentTree")
    found: dict[int, Array] = {}
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        numbers = node.get("/Nums")
        if numbers is not None:
            for index in range(0, len(numbers), 2):
                if isinstance(numbers[index + 1], Array):
                    found[int(numbers[index])] = numbers[index + 1]
        stack.extend(node.get("/Kids", []))
    return found


def _tag_label(pdf, item, parents: dict[int, Array]) -> None:
    """LI → [LBody → P → (label, text …)] becomes LI → [Lbl → label, LBody → P → (text …)]."""
    kids = _kids(item)
    if not kids or any(kid.get("/S") == Name.Lbl for kid in kids if isinstance(kid, Dictionary)):
        return
    body = kids[0]
    if not isinstance(body, Dictionary) or body.get("/S") != Name.LBody:
        return
    paragraphs = [kid for kid in _kids(body) if isinstance(kid, Dictionary) and "/S" in kid]
    if not paragraphs:
        return
    first = paragraphs[0]
    contents = _kids(first)
    if len(contents) < 2:
        return  # no separate label to move
    label_content = contents[0]
    page = first.get("/Pg")
    if isinstance(label_content, Dictionary):  # a marked-content reference on another page
        page = label_content.get("/Pg", page)
        mcid = int(label_content.MCID)
    else:
        mcid = int(label_content)
    label = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Lbl, P=item, K=label_content))
    if page is not None:
        label.Pg = page
    first.K = Array(contents[1:])
    item.K = Array([label, body])
    structure_parents = page.get("/StructParents") if page is not None else None
    if structure_parents is not None and int(structure_parents) in parents:
        by_mcid = parents[int(structure_parents)]
        if mcid < len(by_mcid):
            by_mcid[mcid] = label


def _row_headers(table) -> None:
    rows = [kid for kid in _kids(table) if isinstance(kid, Dictionary)]
    # Rows may sit in THead/TBody/TFoot groups.
    expanded: list[Dictionary] = []
    for row in rows:
        if row.get("/S") in (Name.THead, Name.TBody, Name.TFoot):
            expanded.extend(kid for kid in _kids(row) if isinstance(kid, Dictionary))
        else:
            expanded.append(row)
    for row in expanded:
        cells = [kid for kid in _kids(row) if isinstance(kid, Dictionary) and "/S" in kid]
        if not cells or cells[0].get("/S") == Name.TH:
            continue  # a header row (LibreOffice tagged its cells TH, scope Column)
        _make_header(cells[0], Name.Row)


def _make_header(cell, scope: Name) -> None:
    """The cell becomes TH; its table attributes (a ColSpan, say) gain the scope."""
    cell.S = Name.TH
    existing = cell.get("/A")
    attributes = list(existing) if isinstance(existing, Array) else [existing] if existing else []
    for attribute in attributes:
        if isinstance(attribute, Dictionary) and attribute.get("/O") == Name.Table:
            attribute.Scope = scope
            return
    table_attributes = Dictionary(O=Name.Table, Scope=scope)
    if existing is None:
        cell.A = table_attributes
    elif isinstance(existing, Array):
        existing.append(table_attributes)
    else:
        cell.A = Array([existing, table_attributes])
