"""Every message in the code and templates has a nynorsk and an English translation.

The messages are extracted the way ``make translations`` extracts them (pybabel, with the
keywords the Makefile names), so a new ``_()`` anywhere fails here until the catalogues carry it.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

# On one pytest-xdist worker: the messages are extracted once for the module.
pytestmark = pytest.mark.xdist_group("translations")

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "tracker" / "translations"
LANGUAGES = ("nn", "en")


def babel_keywords() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return re.search(r"^BABEL_KEYWORDS := (.+)$", makefile, re.M).group(1).split()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    template = tmp_path_factory.mktemp("babel") / "messages.pot"
    keywords = [argument for keyword in babel_keywords() for argument in ("-k", keyword)]
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", *keywords, "-o", str(template), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        return read_po(handle)


def catalogue(language: str) -> Catalog:
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def untranslated(template: Catalog, translations: Catalog) -> list[str]:
    """The template's messages that ``translations`` lacks, leaves empty or marks fuzzy."""
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = translations.get(message.id)
        strings = (
            [translated.string]
            if translated and isinstance(translated.string, str)
            else list(translated.string)
            if translated
            else []
        )
        if not translated or translated.fuzzy or not strings or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def test_the_extraction_finds_the_messages_of_code_templates_and_lazy_forms(extracted):
    ids = {message.id for message in extracted if isinstance(message.id, str)}
    assert "Gå til hovedinnhold" in ids  # a template
    assert "Statusbeskrivelse" in ids  # a form label through _l (lazy_gettext)
    assert "Ikke igangsatt" in ids  # a label marked with N_
    assert len(ids) > 400


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation(extracted, language):
    missing = untranslated(extracted, catalogue(language))
    assert missing == [], (
        f"{len(missing)} messages lack a {language} translation; run `make translations` "
        f"and fill them in tracker/translations/{language}/LC_MESSAGES/messages.po"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    # A translation that drops or renames %(name)s would crash or mislead at render time.
    problems = [
        (message.id, [str(error) for error in errors])
        for message, errors in catalogue(language).check()
    ]
    assert problems == []


def test_a_message_missing_from_a_catalogue_is_reported(extracted):
    reduced = catalogue("nn")
    reduced.delete("Statusbeskrivelse")
    assert untranslated(extracted, reduced) == ["Statusbeskrivelse"]


def test_nynorsk_uses_the_nynorsk_status_names():
    nynorsk = catalogue("nn")
    assert nynorsk.get("Ikke igangsatt").string == "Ikkje sett i gang"
    assert nynorsk.get("Pågående").string == "Pågåande"
    assert nynorsk.get("Gjennomført").string == "Gjennomført"
    # Spot checks that the text is nynorsk, not bokmål with a few words swapped.
    texts = " ".join(m.string for m in nynorsk if m.id and isinstance(m.string, str))
    for bokmål in (" ikke ", " hva ", " hvis ", " fra ", " bare ", " ennå"):
        assert bokmål not in texts.replace("Ikke igangsatt", ""), bokmål
