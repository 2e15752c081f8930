"""No character of a name or free text prints as a box: every script the clinic's partners
write in, and emoji, has a glyph in the PDF's embedded fonts (the Noto fonts the set-up
installs, found through Fontconfig)."""

from __future__ import annotations

import io
import re

import pytest
from fontTools.ttLib import TTFont

from intake import services
from screening import review
from screening.pdf import render_html, render_pdf
from tests.factories import OUTCOMES, clinician_user, committed, dispose_all, realistic_document

from .pdf_support import reader

pytestmark = pytest.mark.django_db

TEXT = {
    "French": "Élodie Lefèvre, française, cœur",
    "Spanish": "Señora Muñoz, ¿qué tal? ¡Sí!",
    "Greek": "Γιώργος Παπαδόπουλος",
    "Cyrillic": "Дмитрий Иванов",
    "Arabic": "محمد العربي",
    "Hebrew": "דוד כהן",
    "Devanagari": "राम शर्मा",
    "Gurmukhi": "ਹਰਪ੍ਰੀਤ ਸਿੰਘ",
    "Chinese": "王小明",
    "emoji": "Sam 😀🌈❤️",
}

BFCHAR = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _to_unicode(font) -> dict[int, str]:
    """The font's ToUnicode map: glyph id -> the text it prints."""
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    glyphs = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for gid, text in BFCHAR.findall(block):
            glyphs[int(gid, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, start in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            base = bytes.fromhex(start).decode("utf-16-be")
            for offset, gid in enumerate(range(int(first, 16), int(last, 16) + 1)):
                glyphs[gid] = base[:-1] + chr(ord(base[-1]) + offset)
    return glyphs


def test_every_character_of_every_script_and_emoji_has_a_glyph_in_the_embedded_fonts():
    names = " ".join(TEXT.values())
    user = clinician_user()
    document = realistic_document(
        a={
            "preferred_name": f"{TEXT['French']} {TEXT['Arabic']} {TEXT['emoji']}",
            "allergies": f"{TEXT['Greek']}; {TEXT['Devanagari']}; {TEXT['Chinese']}",
            "escort_name": TEXT["Hebrew"],
        },
        b={
            "preferred_name": f"{TEXT['Cyrillic']} {TEXT['Gurmukhi']}",
            "allergies": TEXT["Spanish"],
        },
    )
    with committed():
        couple = services.import_document(document, created_by=user).couple
    dispose_all(couple, user, outcomes=OUTCOMES)
    review.sign_off(couple, user, f"Checked with both: {names}")
    content = render_pdf(couple, draft=False)

    printed: set[str] = set()
    notdef: set[str] = set()
    embedded = set()
    for page in reader(content).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            program = descriptor.get("/FontFile2") or descriptor["/FontFile3"]
            glyphs = TTFont(io.BytesIO(program.get_object().get_data())).getGlyphOrder()
            embedded.add(str(font["/BaseFont"]).split("+", 1)[1])
            for gid, text in _to_unicode(font).items():
                # glyph 0 is .notdef; a glyph the embedded font lacks (Pango's "unknown
                # glyph" for a character no installed font has) prints as .notdef as well
                box = gid == 0 or gid >= len(glyphs) or glyphs[gid] == ".notdef"
                (notdef if box else printed).update(text)
    assert not notdef, f".notdef (a box) printed for {sorted(set(notdef))}"
    wanted = {c for c in names if not c.isspace() and c != "\ufe0f"}  # VS16 selects emoji
    missing = sorted(wanted - printed)
    assert not missing, f"no glyph for {[f'U+{ord(c):04X} {c}' for c in missing]}"
    assert "Noto-Color-Emoji" in embedded
    # Arabic and Hebrew cells are their own bidi runs.
    assert f'<td dir="auto">{TEXT["Hebrew"]}' in render_html(couple, draft=False)
