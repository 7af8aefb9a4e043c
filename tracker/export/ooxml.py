"""WordprocessingML written by hand where python-docx has no API for it: runs and links, text
direction and language marks, fields, cell shading, numbered lists that restart, style colours,
and the package parts python-docx's template leaves behind. Nothing here knows the report.

Children of ``w:pPr`` and ``w:rPr`` must come in the schema's order (ECMA-376 Part 1, §17.3.1.26
and §17.3.2.28); ``insert_in_order`` places an element by the sequences below, copied from the
schema, so no code keeps a list of "the elements that come after this one" by hand.
"""

import html
import re
import unicodedata

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph
from lxml import etree

from tracker import narrative
from tracker.export.colours import MINIMUM_CONTRAST, contrast
from tracker.typography import keep_together

# Characters XML 1.0 cannot hold at all (clean_text already drops most of them).
XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# CT_PPrBase, then CT_PPr's own last three: the order of a paragraph's properties.
PARAGRAPH_PROPERTIES = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
# EG_RPrBase: the order of a run's properties.
RUN_PROPERTIES = (
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)

EXTENDED_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


def xml_safe(text: str | None, *, single_line: bool = False) -> str:
    """Text any XML part of a DOCX can hold: cleaned like every pasted text, then strictly
    filtered."""
    text = XML_INVALID.sub("", narrative.clean_text(text or ""))
    return " ".join(text.split()) if single_line else text


W_PPR, W_PSTYLE, W_VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:val")


def set_paragraph_style(paragraph: Paragraph, style_id: str) -> None:
    """``w:pStyle`` (a paragraph's first property) set to ``style_id``, written directly:
    python-docx's setter looks the default style up among all styles on every call."""
    properties = paragraph_properties(paragraph)
    style = properties.find(W_PSTYLE)
    if style is None:
        style = properties.makeelement(W_PSTYLE, {})
        properties.insert(0, style)
    style.set(W_VAL, style_id)


W_KEEP_NEXT = qn("w:keepNext")


def paragraph_properties(paragraph: Paragraph):
    """The paragraph's ``w:pPr`` (its first child), added if it has none."""
    properties = paragraph._p.find(W_PPR)
    if properties is None:
        properties = paragraph._p.makeelement(W_PPR, {})
        paragraph._p.insert(0, properties)
    return properties


def keep_with_next(paragraph: Paragraph) -> None:
    """``w:keepNext``: on the page of the paragraph that follows. Only ``w:pStyle`` comes
    before it among the properties, so it goes first or second (python-docx's setter makes
    the same element after a search by the schema, thousands of times in a large report)."""
    properties = paragraph_properties(paragraph)
    if properties.find(W_KEEP_NEXT) is None:
        styled = len(properties) and properties[0].tag == W_PSTYLE
        properties.insert(1 if styled else 0, properties.makeelement(W_KEEP_NEXT, {}))


def insert_in_order(parent: BaseOxmlElement, child, order: tuple[str, ...]) -> None:
    """Put ``child`` where the schema wants it among ``parent``'s children: before the first
    one that the schema puts after it (``order`` is one of the sequences above)."""
    position = next(index for index, name in enumerate(order) if qn(name) == child.tag)
    parent.insert_element_before(child, *order[position + 1 :])


# --- Text ----------------------------------------------------------------------------------------


def add_text(paragraph: Paragraph, text: str, *, bold: bool = False) -> None:
    """Add text as runs and links as real hyperlinks; right-to-left text reads as such.

    Every text of the report becomes runs here: a paragraph's language mark belongs here too.
    """
    for span in narrative.inline(text):
        if span.url:
            # An address shown as itself is kept as typed; words on a link are words.
            shown = span.text if span.text == span.url else keep_together(span.text)
            add_hyperlink(paragraph, span.url, shown)
        else:
            add_run(paragraph, keep_together(span.text), bold)
    if starts_right_to_left(text):
        paragraph_properties = paragraph._p.get_or_add_pPr()
        insert_in_order(paragraph_properties, OxmlElement("w:bidi"), PARAGRAPH_PROPERTIES)


# A run's text as python-docx's ``Run.text`` writes it: a tab is w:tab, a line break w:br.
RUN_BREAKS = re.compile(r"(\t|[\r\n])")
W_R, W_RPR, W_B, W_T, W_TAB, W_BR = (
    qn(tag) for tag in ("w:r", "w:rPr", "w:b", "w:t", "w:tab", "w:br")
)
XML_SPACE = qn("xml:space")


def add_run(paragraph: Paragraph, text: str, bold: bool = False):
    """Append a run holding ``text`` (in bold) to the paragraph, and return its ``w:r``."""
    run = new_run(paragraph._p, text, bold)
    paragraph._p.append(run)
    return run


def new_run(owner, text: str, bold: bool = False):
    """A ``w:r`` for ``owner``'s document, not placed yet: the same XML as python-docx's
    ``add_run(text)`` and ``bold = True``, made with lxml directly (python-docx places each
    child by a schema search and writes text a character at a time, which made a
    5,000-measure report's DOCX take tens of seconds)."""
    run = owner.makeelement(W_R, {})
    if bold:  # w:rPr only when there is a property: an empty one on every run is noise
        etree.SubElement(etree.SubElement(run, W_RPR), W_B)
    for piece in RUN_BREAKS.split(text):
        if piece == "\t":
            etree.SubElement(run, W_TAB)
        elif piece in ("\r", "\n"):
            etree.SubElement(run, W_BR)
        elif piece:
            element = etree.SubElement(run, W_T)
            element.text = piece
            if len(piece.strip()) < len(piece):
                element.set(XML_SPACE, "preserve")
    return run


def starts_right_to_left(text: str) -> bool:
    """Whether the first letter with a direction is Arabic, Hebrew or another RTL script."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def add_hyperlink(paragraph: Paragraph, url: str, words: str) -> None:
    relationship_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship_id)
    paragraph._p.append(hyperlink)
    run = paragraph.add_run(words)
    run._r.get_or_add_rPr().style = "Hyperlink"
    hyperlink.append(run._r)


def set_language(paragraph: Paragraph, language: str) -> None:
    """Mark every run (links included) and the paragraph mark as written in ``language``."""
    paragraph_mark = paragraph._p.get_or_add_pPr()
    for owner in [*paragraph._p.iter(qn("w:r")), paragraph_mark]:
        properties = owner.find(qn("w:rPr"))
        if properties is None:
            properties = OxmlElement("w:rPr")
            if owner is paragraph_mark:
                insert_in_order(owner, properties, PARAGRAPH_PROPERTIES)
            else:
                owner.insert(0, properties)  # w:rPr is a run's first child
        insert_in_order(properties, OxmlElement("w:lang", {qn("w:val"): language}), RUN_PROPERTIES)


# --- Fields (page numbers, the table of contents) -------------------------------------------


def add_simple_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    field_begin(paragraph, instruction)
    paragraph.add_run(placeholder)
    field_end(paragraph)


def field_begin(paragraph: Paragraph, instruction: str, *, dirty: bool = False) -> None:
    """Open a field; what follows until ``field_end`` is its result as last laid out."""
    paragraph._p.append(_field_char_run("begin", dirty=dirty))
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run.append(instr)
    paragraph._p.append(run)
    paragraph._p.append(_field_char_run("separate"))


def field_end(paragraph: Paragraph) -> None:
    paragraph._p.append(_field_char_run("end"))


def _field_char_run(kind: str, *, dirty: bool = False):
    run = OxmlElement("w:r")
    field_char = OxmlElement("w:fldChar")
    field_char.set(qn("w:fldCharType"), kind)
    if dirty:
        field_char.set(qn("w:dirty"), "true")
    run.append(field_char)
    return run


# --- Tables and lists ----------------------------------------------------------------------------


def shade_properties(cell_properties, fill: str) -> None:
    """A cell's background: ``w:shd`` last in its ``w:tcPr`` (the only property after the
    width the report's cells have)."""
    etree.SubElement(
        cell_properties,
        qn("w:shd"),
        {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill},
    )


def set_numbering(paragraph: Paragraph, num_id: int) -> None:
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = 0
    numbering.get_or_add_numId().val = num_id


class ListNumbering:
    """Numbered lists that each start at 1 (decimal "1." or roman "i.").

    The List Number style alone would continue one count through the whole document, so
    every numbered list gets its own ``w:num`` that restarts its abstract definition.
    """

    FORMATS = {"decimal": ("decimal", "%1."), "roman": ("lowerRoman", "%1.")}

    def __init__(self, document) -> None:
        self.numbering = document.part.numbering_part.element
        real_bullets(self.numbering)
        self.abstract_ids = {}
        for kind, (number_format, text) in self.FORMATS.items():
            self.abstract_ids[kind] = self._add_abstract(number_format, text)

    def _add_abstract(self, number_format: str, text: str) -> int:
        existing = [
            int(a.get(qn("w:abstractNumId"))) for a in self.numbering.findall(qn("w:abstractNum"))
        ]
        abstract_id = max(existing, default=-1) + 1
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            '<w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl>'
            "</w:abstractNum>"
        )
        first_num = self.numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self.numbering.append(abstract)
        return abstract_id

    def new_list(self, kind: str) -> int:
        num = self.numbering.add_num(self.abstract_ids[kind])
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId


def real_bullets(numbering) -> None:
    """The template's bullets are U+F0B7 in Symbol, a private-use character that screen readers
    and text extraction cannot name: make them «•» (U+2022) in the body font."""
    for level in numbering.iter(qn("w:lvl")):
        text = level.find(qn("w:lvlText"))
        if text is None or text.get(qn("w:val")) != "\uf0b7":
            continue
        text.set(qn("w:val"), "\u2022")
        for fonts in level.iter(qn("w:rFonts")):
            for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attribute), "Arial")


# --- Styles and the package ----------------------------------------------------------------------


def darken_pale_style_colours(styles_element, dark: str) -> None:
    """Theme colours become fixed ones, and any text colour under 4.5:1 on white ``dark``.

    Table styles are left alone: their light text stands on their own dark shading.
    """
    for style in styles_element.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table":
            continue
        for colour in style.iter(qn("w:color")):
            for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
                colour.attrib.pop(qn(attribute), None)
            value = colour.get(qn("w:val"))
            if value and value != "auto" and contrast(value) < MINIMUM_CONTRAST:
                colour.set(qn("w:val"), dark)


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> tuple:
    """A bookmark around the paragraph's text: what a table of contents entry links to.
    Returns its start and end elements."""
    start = OxmlElement("w:bookmarkStart", {qn("w:id"): str(bookmark_id), qn("w:name"): name})
    end = OxmlElement("w:bookmarkEnd", {qn("w:id"): str(bookmark_id)})
    properties = paragraph._p.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)
    return start, end


def add_internal_link(paragraph: Paragraph, anchor: str, texts: list[str]):
    """Runs (a tab between ``texts``) inside a link to the bookmark ``anchor``, as Word writes
    a table of contents entry. Returns the link, for ``add_to_link``."""
    hyperlink = OxmlElement("w:hyperlink", {qn("w:anchor"): anchor, qn("w:history"): "1"})
    for index, text in enumerate(texts):
        if index:
            add_to_link(paragraph, hyperlink, text)
        else:
            hyperlink.append(add_run(paragraph, text))
    paragraph._p.append(hyperlink)
    return hyperlink


def add_to_link(paragraph: Paragraph, hyperlink, text: str) -> None:
    """A tab and ``text`` at the end of the link (a table of contents entry's page number)."""
    etree.SubElement(etree.SubElement(hyperlink, W_R), W_TAB)
    hyperlink.append(add_run(paragraph, text))


def replace_template_leftovers(document, title: str, company: str, application: str) -> None:
    """No trace of python-docx's template: its thumbnail, custom XML, Word 2010 extras and
    app.xml, and Word's compatibility mode (the template says Word 2010)."""
    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rel_id)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/customXml") or rel.reltype.endswith("/stylesWithEffects"):
            document.part.rels.pop(rel_id)
    for rel in package_rels.values():
        if rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = app_properties(title, company, application)
    settings = document.settings.element
    # The template says spelling and grammar were checked: nobody has checked this text.
    for proof_state in settings.findall(qn("w:proofState")):
        settings.remove(proof_state)
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")  # Word 2013 and later: no compatibility mode


def app_properties(title: str, company: str, application: str) -> bytes:
    """docProps/app.xml naming the application that made the document and its company."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<Properties xmlns="{EXTENDED_PROPERTIES}" xmlns:vt="{VT_TYPES}">'
        f"<Application>{html.escape(application)}</Application>"
        f"<Company>{html.escape(company)}</Company>"
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged>"
        "</Properties>"
    ).encode()
