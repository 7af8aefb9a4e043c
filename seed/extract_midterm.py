#!/usr/bin/env python3
"""Extract the 2024–2027 action plan against racism and discrimination, with the
midterm report (status pr. 1. juni 2025), from the PDF-extracted text into
seed/plan_2024_2027.json.

Run from the repository root:  python3 seed/extract_midterm.py
Stdlib only.

Source: /work/shared/sources/midtveisrapport-2025.txt
(override with the environment variable MIDTERM_SOURCE).

How the PDF text looks, and what this script relies on:
  * every text line is followed by an empty line (ignored);
  * a line consisting only of spaces marks a paragraph end (Word's empty
    paragraph spacing) -- reliable in the "Midtveisrapport" narratives,
    mostly absent in the plan's descriptions;
  * the first line of a new PDF page starts with a single space;
  * hyperlink targets of a page are dumped as bare URL lines at the bottom of
    the page (sometimes twice), wherever that falls in the running text;
  * lines end in one or more trailing spaces; two or more trailing spaces, or a
    line that is clearly shorter than the text width and ends a sentence,
    mark a paragraph end.
Everything the heuristics get wrong is fixed in the explicit override tables
below (each entry says why), and checked by the assertions at the end.
"""

import json
import os
import re
import sys
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("MIDTERM_SOURCE", "/work/shared/sources/midtveisrapport-2025.txt")
OUT = os.path.join(HERE, "plan_2024_2027.json")

# --------------------------------------------------------------------------
# Fixed reference data
# --------------------------------------------------------------------------
AREAS = [
    {"key": "arbeidsliv", "name": "Arbeidsliv", "name_en": "Working life"},
    {"key": "ungdom", "name": "Ungdom", "name_en": "Youth"},
    {"key": "lokalt-arbeid", "name": "Lokalt arbeid", "name_en": "Local efforts"},
    {"key": "mer-kunnskap", "name": "Mer kunnskap", "name_en": "More knowledge"},
    {"key": "styrket-innsats", "name": "Styrket innsats", "name_en": "Strengthened efforts"},
]
AREA_BY_NAME = {a["name"]: a["key"] for a in AREAS}

STATUS_KEYS = {
    "Ikke igangsatt": "not_started",
    "Pågående": "in_progress",
    "Gjennomført": "completed",
}

# Ministries named in measures but not in the intro's list of seven.  All three
# full names are written out in the source ("Ansvarlig departement:" of
# measures 3/7/12, 28 and 27/29/49 respectively).
EXTRA_MINISTRIES = {
    "DFD": "Digitaliserings- og forvaltningsdepartementet",
    "FIN": "Finansdepartementet",
    "KDD": "Kommunal- og distriktsdepartementet",
}

# Spellings in the "Ansvarlig departement" lines that differ from the standard
# name, mapped explicitly (the text itself is NOT changed anywhere).
MINISTRY_NAME_VARIANTS = {
    "Kommunal- og distrikstdepartementet": "KDD",  # measure 42 (typo in source)
    "Kommunal- og distriksdepartementet": "KDD",  # measure 45 (typo in source)
    "Barne-, og familiedepartementet": "BFD",  # measure 45 (stray comma in source)
}

# --------------------------------------------------------------------------
# Overrides (hand-made corrections after reading the output against the source)
# --------------------------------------------------------------------------

# Hyperlink targets the PDF dumped at the bottom of a page.  Each one is put
# back, once (duplicates dropped), as a link on the words it stood on in the
# published PDF, written [words](url) (the narrative format's inline link), in
# the measure/field the link belongs to (decided by reading the link target and
# the linked words).  The words must occur exactly once in that field.
URL_PLACEMENT = {
    # page bottom after measure 4's narrative; linked text "Ny i Norge (nyinorge.no)"
    "https://www.nyinorge.no/": (4, "narrative", "nyinorge.no"),
    # page bottom inside measure 7's narrative; the link is the course title the
    # description cites "(Mangfoldsrekruttering | Læringsplattformen (dfo.no))"
    "https://laeringsplattformen.dfo.no/kursoversikt/mangfoldsrekruttering": (
        7,
        "description",
        "Mangfoldsrekruttering | Læringsplattformen (dfo.no)",
    ),
    # page bottom inside measure 9; linked text is measure 8's "kompetansepakke ... på MIKA.no"
    "https://www.mika.no/kompetansepakker/": (
        8,
        "narrative",
        "kompetansepakke for mangfoldsrekruttering på MIKA.no",
    ),
    # page bottom inside measure 13 (printed twice); the link is measure 12's
    # "Staten har lavest andel innvandrere (ssb.no)"
    "https://www.ssb.no/arbeid-og-lonn/sysselsetting/artikler/staten-har-lavest-andel-innvandrere": (  # noqa: E501  (a URL is kept whole)
        12,
        "description",
        "Staten har lavest andel innvandrere (ssb.no)",
    ),
    # page bottom after measure 14; the NTNU/Rambøll study in measure 13's narrative
    "https://www.mika.no/temaer/ledelse/mangfoldsledelse-rapport/?q=mangfoldsledelse": (
        13,
        "narrative",
        "en studie av hva som kan kjennetegne mangfoldsledelse som lederpraksis",
    ),
    # page bottom after measure 14; the "følgestudie" in measure 14's narrative
    "https://www.imdi.no/tall-og-fakta/rapporter/evaluering-av-tiltak-for-okt-mangfold-i-arbeidslivet/": (  # noqa: E501  (a URL is kept whole)
        14,
        "narrative",
        "følgestudie av IMDis tiltak for økt mangfold i arbeidslivet",
    ),
    # page bottom inside measure 16 (printed twice); the report named in measure 15's narrative
    "https://www.imdi.no/contentassets/d1032d608ab344a8a5e183edfebea868/rapport-etnisk-mangfold-og-inkludering-i-arbeidslivet.pdf": (  # noqa: E501  (a URL is kept whole)
        15,
        "narrative",
        "Etnisk mangfold og inkludering i arbeidslivet Indikatorer, status og utvikling",
    ),
    # page bottom after measure 19; the NIFU study title in measure 19's narrative
    "https://www.imdi.no/tall-og-fakta/rapporter/2024/forskjellsbehandling-diskriminering-og-rasisme-i-norsk-grunnskole/": (  # noqa: E501  (a URL is kept whole)
        19,
        "narrative",
        "Forskjellsbehandling, diskriminering og rasisme i norsk grunnskole",
    ),
    # page bottom inside measure 29; the report named in measure 28's narrative
    "https://www.regjeringen.no/contentassets/6cb1ee5fee6e463c9a35f3b084d21306/soa-rapport-13-2024_bankenes-utlanspraksis.pdf": (  # noqa: E501  (a URL is kept whole)
        28,
        "narrative",
        "Diskriminering i bankers utlånspraksis i Norge Rapport 13-2024",
    ),
    # page bottom inside measure 29; link target of the text "www.samiskeveivisere.no" in
    # measure 29's description (the narrative's "samiskeveivisere.no" is on the next page)
    "http://www.samiskeveivisere.no/": (29, "description", "www.samiskeveivisere.no"),
    # page bottom inside measure 36; the grant announcement in measure 35's narrative
    "https://www.imdi.no/tilskudd/tilskudd-offentlige-virksomheter-kommuner-og-fylkeskommuner/tilskudd-til-utvikling-av-kvalifiserings--og-integreringstiltak/": (  # noqa: E501  (a URL is kept whole)
        35,
        "narrative",
        "tilskudd til utvikling av kvalifiserings- og integreringstiltak",
    ),
    # page bottom after measure 42 (printed twice); the course cited in measure 42's description
    "https://laeringsplattformen.dfo.no/kursoversikt/e-laeringsprogram-om-samer-og-nasjonale-minoriteter": (  # noqa: E501  (a URL is kept whole)
        42,
        "description",
        "E-læringsprogram om samer og nasjonale minoriteter | Læringsplattformen (dfo.no)",
    ),
}

# The report's own list of ministries has seven; the measures name ten (shown
# in the report's appendix on the source).
PLAN_NOTE = (
    "Rapporten sier at syv departementer er ansvarlige for tiltak i handlingsplanen, og "
    "lister dem. Tiltakene har i tillegg Digitaliserings- og forvaltningsdepartementet, "
    "Finansdepartementet og Kommunal- og distriktsdepartementet som ansvarlige. Alle ti er "
    "ført opp, i alfabetisk rekkefølge etter navn."
)

# The plan's public front page opens with this; not from the report, but the app's own words.
PLAN_INTRO = {
    "nb": "Her ser du hvor langt hvert tiltak er kommet, slik departementene har rapportert og "
    "koordinerende departement har publisert.",
    "nn": "Her ser du kor langt kvart tiltak har kome, slik departementa har rapportert og det "
    "koordinerande departementet har publisert. Teksten i sjølve planen er på bokmål.",
    "en": "Here you can see how far each measure has come, as reported by the ministries and "
    "published by the coordinating ministry. The plan's own texts are in Norwegian.",
}

# Title choice where the overview table and the section heading differ.
# "heading" = use the section heading, "table" = use the table's wording.
TITLE_CHOICE = {
    # table title is cut off after "religiøse"; heading is the complete title
    45: "heading",
    # heading has the fuller wording "arbeid for mangfold og mot rasisme ..."
    35: "heading",
    # heading says "Handlingsplanen" (definite form), table "Handlingsplan"; the
    # table's indefinite form is used as the title, like every other title
    33: "table",
}

# Responsible ministries where the table and the section must be reconciled by
# hand (the default is: union, table order first, then section order).
MINISTRY_OVERRIDE = {
    # table: "KUD m.fl."; section names KUD, AID, BFD, KD and KDD
    45: ["KUD", "AID", "BFD", "KD", "KDD"],
    # table: "KUD"; section: "Kultur- og likestillingsdepartementet m.fl." without
    # saying who the others are -> only KUD can be recorded
    26: ["KUD"],
}

# Paragraph-break corrections: (measure, field, text_before_break) pairs to
# force ("break") or to suppress ("join") a paragraph break after a line that
# ends with the given text.  Found by reading the output against the source.
# After reading all 50 measures against the source none were needed; the
# hooks are kept so a future correction is a one-line change, e.g.
#   PARA_FORCE = {(47, "description"): ["i februar 2024."]}
PARA_FORCE = {}
PARA_SUPPRESS = {}

# Measure notes (Norwegian bokmål) for reconciliations not generated
# automatically below.
EXTRA_NOTES = {
    19: "Tiltakets avsnitt oppgir «Arbeids- og inkluderingsdepartementet i samarbeid med "
    "Kunnskapsdepartementet»; AID er ført opp som ledende departement, slik det også står "
    "først i oversiktstabellen.",
    36: "Både oversiktstabellen og tiltakets avsnitt oppgir AID og KUD; AID, som er nevnt først, "
    "er ført opp som ledende departement.",
    42: "Tiltakets avsnitt staver departementet «Kommunal- og distrikstdepartementet»; tolket som "
    "Kommunal- og distriktsdepartementet (KDD), i samsvar med oversiktstabellen.",
}


# --------------------------------------------------------------------------
# Reading and cleaning lines
# --------------------------------------------------------------------------
URL_RE = re.compile(r"^https?://\S+$")
STATUS_RE = "(Pågående|Gjennomført|Ikke igangsatt)"
ABBRS = ["AID", "BFD", "FD", "HOD", "JD", "KUD", "KD", "DFD", "FIN", "KDD"]
ABBR_RE = "(?:" + "|".join(sorted(ABBRS, key=len, reverse=True)) + ")"


class Line:
    """One non-empty source line."""

    def __init__(self, no, raw):
        self.no = no  # 1-based line number in the source
        self.raw = raw
        self.text = re.sub(r"\s+", " ", raw.strip())
        self.trailing = len(raw) - len(raw.rstrip(" "))
        self.page_start = raw.startswith(" ") and not raw.startswith("  ")
        self.sep_after = False  # a whitespace-only line follows


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        raw_lines = f.read().split("\n")
    out = []
    for i, raw in enumerate(raw_lines, start=1):
        if raw.strip() == "":
            if raw != "" and out:
                out[-1].sep_after = True
            continue
        out.append(Line(i, raw))
    return out


def join_lines(parts):
    """Join PDF lines of one paragraph/list item into running text."""
    text = ""
    for p in parts:
        if not text:
            text = p
            continue
        first = p.split(" ", 1)[0]
        if re.search(r"\w-$", text) and first not in ("og", "eller", "og/eller"):
            # hard hyphen at line end inside a word: "e-" + "læringskurset",
            # "Nav-" + "ansatte" (the document uses no automatic hyphenation)
            text += p
        elif re.search(r"\d–$", text) and re.match(r"\d", p):
            # number range broken after the dash: "(2023–" + "2026)"
            text += p
        else:
            text += " " + p
    return re.sub(r" {2,}", " ", text).strip()


# --------------------------------------------------------------------------
# Paragraph / list reconstruction
# --------------------------------------------------------------------------
BULLET_RE = re.compile(r"^(?:•|\uf0b7|\u25aa|\u2013|-|o)\s+(.*)$")
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
SHORT_LIMIT = 80  # characters; text lines are ~75-97 characters wide


def numbered_marker(text):
    m = re.match(r"^(\d{1,2}|[ivx]{1,4})\.\s+(.*)$", text)
    if not m:
        return None
    tok = m.group(1)
    if tok.isdigit():
        return ("num", int(tok), m.group(2))
    if tok in ROMAN:
        return ("roman", ROMAN.index(tok) + 1, m.group(2))
    return None


def build_blocks(lines, measure=None, field=None):
    """Turn a list of Line objects into text with paragraphs ("\n\n") and list
    items (lines starting with "- ", or numbered "1. " / "i. " lines kept with
    their source numbering), items separated by a single "\n"."""
    force = PARA_FORCE.get((measure, field), [])
    suppress = PARA_SUPPRESS.get((measure, field), [])
    blocks = []  # each: {"kind": "p"|"bullet"|"num", "parts": [...], "marker": str}
    cur = None
    list_state = None  # ("num"|"roman", last_number) while inside a numbered list
    prev = None
    for ln in lines:
        t = ln.text
        new_block = cur is None
        if prev is not None:
            pt = prev.text
            brk = prev.sep_after
            if prev.trailing >= 2 and re.search(r"[.:?!»)]$", pt):
                brk = True
            nxt_first = t.split(" ", 1)[0]
            if (
                len(pt) + 1 + len(nxt_first) < SHORT_LIMIT
                and re.search(r"[.:?!»)]$", pt)
                and re.match(r"[A-ZÆØÅ0-9«•]", t)
            ):
                brk = True
            if any(pt.endswith(s) for s in force):
                brk = True
            if any(pt.endswith(s) for s in suppress):
                brk = False
            new_block = new_block or brk
        # list markers always start a new block
        bm = BULLET_RE.match(t) if t.startswith(("•", "\uf0b7", "\u25aa")) else None
        nm = numbered_marker(t)
        is_num_item = False
        if nm:
            kind, n, rest = nm
            if list_state and list_state[0] == kind and n == list_state[1] + 1:
                is_num_item = True
            elif n == 1 and prev is not None and prev.text.endswith(":"):
                is_num_item = True
        if bm:
            cur = {"kind": "bullet", "parts": [bm.group(1)]}
            blocks.append(cur)
            list_state = None
        elif is_num_item:
            kind, n, rest = nm
            marker = t.split(" ", 1)[0]
            cur = {"kind": "num", "parts": [rest], "marker": marker}
            blocks.append(cur)
            list_state = (kind, n)
        elif new_block:
            cur = {"kind": "p", "parts": [t]}
            blocks.append(cur)
            list_state = None
        else:
            cur["parts"].append(t)
        prev = ln
    # render
    out = []
    for i, b in enumerate(blocks):
        text = join_lines(b["parts"])
        if b["kind"] == "bullet":
            s = "- " + text
        elif b["kind"] == "num":
            s = b["marker"] + " " + text
        else:
            s = text
        if i > 0:
            both_items = b["kind"] != "p" and blocks[i - 1]["kind"] == b["kind"]
            out.append("\n" if both_items else "\n\n")
        out.append(s)
    return "".join(out)


# --------------------------------------------------------------------------
# Parsing the document
# --------------------------------------------------------------------------
def parse(lines):
    # -- split off URL footnote lines
    urls = []
    body = []
    for ln in lines:
        if URL_RE.match(ln.text):
            urls.append(ln)
            continue
        body.append(ln)

    texts = [ln.text for ln in body]
    i_intro = texts.index("Om midtveisrapporten:")
    i_dep = texts.index("Departementer med ansvar for tiltak")
    i_overview = texts.index("Oversikt over status for tiltak pr. 1. juni 2025")
    i_table = next(i for i, t in enumerate(texts) if t.startswith("Nr. Tiltak Ansvarlig Status"))
    i_sections = texts.index("Tiltak: Arbeidsliv")

    intro = build_blocks(body[i_intro + 1 : i_dep])

    # -- ministries of the intro
    ministries = []
    for ln in body[i_dep + 1 : i_overview]:
        m = re.match(r"^•\s*(.+?)\s*\((\w+)\)$", ln.text)
        if m:
            ministries.append({"abbreviation": m.group(2), "name": m.group(1)})

    overview_text = join_lines([ln.text for ln in body[i_overview + 1 : i_table]])
    m = re.search(
        r"totalt (\d+) tiltak.*?er (\d+) tiltak gjennomført, (\d+) er pågående og (\d+) er ikke",
        overview_text,
    )
    declared = {
        "total": int(m.group(1)),
        "completed": int(m.group(2)),
        "in_progress": int(m.group(3)),
        "not_started": int(m.group(4)),
    }

    # -- overview table
    table = OrderedDict()
    area = None
    row = None
    expected = 1

    def close_row(row):
        txt = join_lines(row["parts"])
        mm = re.match(
            r"^(?P<title>.*?)\s+(?P<resp>"
            + ABBR_RE
            + r"(?:\s+og\s+"
            + ABBR_RE
            + r")?(?:\s+m\.fl\.)?)\s+(?P<status>"
            + STATUS_RE
            + r")$",
            txt,
        )
        if not mm:
            sys.exit(f"cannot parse table row {row['number']}: {txt!r}")
        resp = mm.group("resp")
        abbrs = re.findall(ABBR_RE, resp.replace("m.fl.", ""))
        table[row["number"]] = {
            "number": row["number"],
            "area": row["area"],
            "title": mm.group("title"),
            "resp_text": resp,
            "ministries": abbrs,
            "mfl": "m.fl." in resp,
            "status": mm.group("status"),
        }

    for ln in body[i_table + 1 : i_sections]:
        t = ln.text
        if t in AREA_BY_NAME:
            area = AREA_BY_NAME[t]
            continue
        m = re.match(r"^(\d{1,2}) (.*)$", t)
        if m and int(m.group(1)) == expected:
            if row:
                close_row(row)
            row = {"number": expected, "area": area, "parts": [m.group(2)]}
            expected += 1
            continue
        row["parts"].append(t)
    close_row(row)

    # -- measure sections
    sections = OrderedDict()
    area = None
    cur = None
    expected = 1
    state = None
    for ln in body[i_sections:]:
        t = ln.text
        m = re.match(r"^Tiltak: (.+)$", t)
        if m and m.group(1) in AREA_BY_NAME:
            area = AREA_BY_NAME[m.group(1)]
            state = None
            continue
        m = re.match(r"^(\d{1,2})\. (.+)$", t)
        if m and int(m.group(1)) == expected:
            cur = {
                "number": expected,
                "area": area,
                "heading": [m.group(2)],
                "description": [],
                "resp": [],
                "status": None,
                "narrative": [],
            }
            sections[expected] = cur
            expected += 1
            state = "heading"
            continue
        if state == "heading":
            if re.match(r"^[a-zæøå]", t):  # heading continues on next line
                cur["heading"].append(t)
                continue
            state = "description"
        if t.startswith("Ansvarlig departement:"):
            cur["resp"].append(t[len("Ansvarlig departement:") :].strip())
            state = "resp"
            continue
        m = re.match(r"^Status: " + STATUS_RE + "$", t)
        if m:
            cur["status"] = m.group(1)
            state = "status"
            continue
        if t.startswith("Midtveisrapport:"):
            state = "narrative"
            first = Line(ln.no, ln.raw)
            first.sep_after = ln.sep_after
            first.text = t[len("Midtveisrapport:") :].strip()
            cur["narrative"].append(first)
            continue
        if state == "description":
            cur["description"].append(ln)
        elif state == "resp":
            cur["resp"].append(t)
        elif state == "narrative":
            cur["narrative"].append(ln)
        else:
            sys.exit(f"unexpected line {ln.no} in state {state}: {t!r}")
    return intro, ministries, declared, table, sections, urls


def ministries_from_section(resp_text):
    """Map the section's 'Ansvarlig departement' text to abbreviations, in order."""
    name_map = {}
    from_intro = {
        "Arbeids- og inkluderingsdepartementet": "AID",
        "Barne- og familiedepartementet": "BFD",
        "Forsvarsdepartementet": "FD",
        "Helse- og omsorgsdepartementet": "HOD",
        "Justis- og beredskapsdepartementet": "JD",
        "Kultur- og likestillingsdepartementet": "KUD",
        "Kunnskapsdepartementet": "KD",
    }
    name_map.update(from_intro)
    name_map.update({v: k for k, v in EXTRA_MINISTRIES.items()})
    name_map.update(MINISTRY_NAME_VARIANTS)
    found = []
    for name, abbr in name_map.items():
        for mm in re.finditer(re.escape(name), resp_text):
            found.append((mm.start(), abbr))
    found.sort()
    out = []
    for _, a in found:
        if a not in out:
            out.append(a)
    return out


def place_urls(measures, urls):
    seen = set()
    for ln in urls:
        u = ln.text
        if u in seen:
            continue
        seen.add(u)
        if u not in URL_PLACEMENT:
            sys.exit(f"URL without placement rule (line {ln.no}): {u}")
        target = URL_PLACEMENT[u]
        if target is None:
            continue
        num, field, words = target
        rec = measures[num]
        if rec[field].count(words) != 1:
            sys.exit(f"linked words {words!r} not exactly once in measure {num} {field}")
        rec[field] = rec[field].replace(words, f"[{words}]({u})")
    missing = set(k for k, v in URL_PLACEMENT.items()) - seen
    if missing:
        sys.exit(f"placement rules for URLs not in the source: {missing}")


def main():
    lines = read_lines(SOURCE)
    intro, intro_ministries, declared, table, sections, urls = parse(lines)
    assert len(table) == 50 and list(table) == list(range(1, 51)), "table rows"
    assert len(sections) == 50 and list(sections) == list(range(1, 51)), "sections"

    ministries = list(intro_ministries)
    known = {m["abbreviation"] for m in ministries}
    for abbr in sorted(EXTRA_MINISTRIES):
        ministries.append({"abbreviation": abbr, "name": EXTRA_MINISTRIES[abbr]})

    measures = OrderedDict()
    reports = []
    disagreements = []
    for n in range(1, 51):
        row, sec = table[n], sections[n]
        notes = []
        heading = join_lines(sec["heading"])
        # area
        assert row["area"] == sec["area"], f"area mismatch {n}"
        # title
        if heading == row["title"]:
            title = heading
        else:
            choice = TITLE_CHOICE.get(n)
            if choice is None:
                sys.exit(
                    f"title differs for {n} without TITLE_CHOICE: {row['title']!r} vs {heading!r}"
                )
            title = heading if choice == "heading" else row["title"]
            disagreements.append((n, "title", row["title"], heading, title))
            if n == 45:
                notes.append(
                    "Tittelen er avkortet i oversiktstabellen («{}»); den fullstendige "
                    "tittelen fra tiltakets overskrift er brukt.".format(row["title"])
                )
            elif choice == "heading":
                notes.append(
                    "Oversiktstabellen har tittelen «{}», mens tiltakets overskrift er «{}»; "
                    "den fullstendige tittelen fra overskriften er brukt.".format(
                        row["title"], heading
                    )
                )
            else:
                notes.append(
                    "Oversiktstabellen har tittelen «{}», mens tiltakets overskrift er «{}»; "
                    "oversiktstabellens tittel er brukt.".format(row["title"], heading)
                )
        # ministries
        resp_text = join_lines(sec["resp"])
        sec_min = ministries_from_section(resp_text)
        if n in MINISTRY_OVERRIDE:
            mins = MINISTRY_OVERRIDE[n]
        else:
            mins = list(row["ministries"])
            for a in sec_min:
                if a not in mins:
                    mins.append(a)
        if set(row["ministries"]) != set(sec_min) or row["mfl"] or "m.fl." in resp_text:
            disagreements.append((n, "ministries", row["resp_text"], resp_text, ", ".join(mins)))
            if n == 45:
                notes.append(
                    "Oversiktstabellen oppgir «KUD m.fl.»; tiltakets avsnitt nevner "
                    "Kultur- og likestillingsdepartementet, Arbeids- og inkluderingsdepartementet, "
                    "Barne- og familiedepartementet, Kunnskapsdepartementet og Kommunal- og "
                    "distriktsdepartementet (skrevet «Barne-, og familiedepartementet» og "
                    "«Kommunal- og distriksdepartementet»). Alle fem er ført opp, med KUD som "
                    "ledende departement."
                )
            elif n == 26:
                notes.append(
                    "Oversiktstabellen oppgir KUD, mens tiltakets avsnitt oppgir "
                    "«Kultur- og likestillingsdepartementet m.fl.» uten å si hvilke andre "
                    "departementer som deltar; bare KUD er ført opp, som ledende departement."
                )
            else:
                extra = [a for a in sec_min if a not in row["ministries"]]
                notes.append(
                    "Oversiktstabellen oppgir {}, mens tiltakets avsnitt oppgir «{}»; "
                    "begge er ført opp, med {} som ledende departement.".format(
                        row["resp_text"], resp_text, mins[0]
                    )
                    if extra
                    else "Oversiktstabellen oppgir {}, mens tiltakets avsnitt oppgir «{}».".format(
                        row["resp_text"], resp_text
                    )
                )
        for a in mins:
            assert a in known or a in EXTRA_MINISTRIES, (n, a)
        # status: the overview table is authoritative
        status = row["status"]
        if sec["status"] != row["status"]:
            disagreements.append((n, "status", row["status"], sec["status"], row["status"]))
            notes.append(
                "Oversiktstabellen oppgir status {}, mens tiltakets eget avsnitt oppgir {}; "
                "oversiktstabellens status er brukt.".format(row["status"], sec["status"])
            )
        if n in EXTRA_NOTES:
            notes.append(EXTRA_NOTES[n])
        measures[n] = {
            "number": n,
            "area": row["area"],
            "title": title,
            "description": build_blocks(sec["description"], n, "description"),
            "ministries": mins,
            "note": " ".join(notes),
            "narrative": build_blocks(sec["narrative"], n, "narrative"),
            "status": STATUS_KEYS[status],
            "section_status": STATUS_KEYS[sec["status"]],
            "table_title": row["title"],
            "table_responsible": row["resp_text"],
            "section_responsible": resp_text,
        }

    place_urls(measures, urls)

    out_measures = []
    for n, rec in measures.items():
        out_measures.append(
            {
                "number": n,
                "area": rec["area"],
                "title": rec["title"],
                "description": rec["description"],
                "ministries": rec["ministries"],
                "note": rec["note"],
                "source_table": {
                    "title": rec["table_title"],
                    "responsible": rec["table_responsible"],
                    "status": [k for k, v in STATUS_KEYS.items() if v == rec["status"]][0],
                },
                "source_section": {
                    "responsible": rec["section_responsible"],
                    "status": [k for k, v in STATUS_KEYS.items() if v == rec["section_status"]][0],
                },
            }
        )
        reports.append({"measure": n, "status": rec["status"], "narrative": rec["narrative"]})

    data = {
        "plan": {
            "slug": "handlingsplan-rasisme-2024-2027",
            "title": "Handlingsplan mot rasisme og diskriminering – ny innsats 2024–2027",
            "title_en": "Action plan against racism and discrimination – new efforts 2024–2027",
            "period": "2024–2027",
            # The coordinating ministry: the report's author and the pages' owner.
            "owner": "Arbeids- og inkluderingsdepartementet",
            "intro": PLAN_INTRO["nb"],
            "intro_nn": PLAN_INTRO["nn"],
            "intro_en": PLAN_INTRO["en"],
            "default_language": "nb",
            "launched": "2023-11",
            "source": "Midtveisrapport, status pr. 1. juni 2025",
            # The report's colophon (not in the source: the owner's standard terms).
            "licence": "Norsk lisens for offentlige data (NLOD) 2.0",
            "contact": "postmottak@aid.dep.no",
            "note": PLAN_NOTE,
        },
        "areas": AREAS,
        "ministries": ministries,
        "measures": out_measures,
        "rounds": [
            {
                "slug": "midtveis-2025",
                "title": "Midtveisrapport",
                "as_of": "2025-06-01",
                "published": True,
                "intro": intro,
                "reports": reports,
            }
        ],
    }

    check(data, declared)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.write("\n")

    # summary
    print("wrote", OUT)
    print("declared totals:", declared)
    c = Counter(r["status"] for r in reports)
    print("seed totals:", dict(c))
    for a in AREAS:
        nums = [m["number"] for m in out_measures if m["area"] == a["key"]]
        cc = Counter(reports[k - 1]["status"] for k in nums)
        print(
            f"  {a['key']:<16} {len(nums):2d}  completed={cc['completed']} "
            f"in_progress={cc['in_progress']} not_started={cc['not_started']}"
        )
    print("disagreements:")
    for d in disagreements:
        number, field_name, table_value, section_value, chosen = d
        print(
            f"  {number:2d} {field_name:<10} table={table_value!r} "
            f"section={section_value!r} -> {chosen!r}"
        )


def check(data, declared):
    ms = data["measures"]
    assert [m["number"] for m in ms] == list(range(1, 51))
    defined = {m["abbreviation"] for m in data["ministries"]}
    for m in ms:
        for f in ("title", "description"):
            assert m[f].strip(), (m["number"], f)
        assert m["ministries"] and all(a in defined for a in m["ministries"]), m["number"]
    reps = data["rounds"][0]["reports"]
    assert [r["measure"] for r in reps] == list(range(1, 51))
    assert all(r["narrative"].strip() for r in reps)
    c = Counter(r["status"] for r in reps)
    assert c["completed"] == declared["completed"] == 13, c
    assert c["in_progress"] == declared["in_progress"] == 32, c
    assert c["not_started"] == declared["not_started"] == 5, c
    texts = [data["rounds"][0]["intro"]]
    for m in ms:
        texts += [m["title"], m["description"], m["note"]]
    texts += [r["narrative"] for r in reps]
    for t in texts:
        assert "  " not in t, t[:80]
        assert not re.search(r" \n|\n ", t), t[:80]
        assert t == t.strip(), t[:80]
        assert "\n\n\n" not in t
        assert "Midtveisrapport:" not in t and "Ansvarlig departement" not in t, t[:80]
        assert not re.search(r"\bStatus: ", t), t[:80]
        assert "•" not in t and "\uf0b7" not in t


if __name__ == "__main__":
    main()
