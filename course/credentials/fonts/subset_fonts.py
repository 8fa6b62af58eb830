"""Rebuild the font subsets in this folder from Debian's Noto packages (a maintainer's tool).

The certificate PDF embeds these fonts, so a learner's name prints in its own
script with no download at run time. The files here are subsets of Noto
(SIL Open Font License 1.1, see OFL.txt): every OpenType layout feature is kept
(Arabic joining, Indic reordering, Vietnamese stacked marks), hinting is dropped,
and the CJK font keeps the characters of GB 2312, Big5 level 1, JIS level 1,
the kana and the 2,350 Hangul syllables of KS X 1001 — enough for names while
staying near 6 MB instead of 20. The CJK font gets TrueType outlines, which
fpdf2 embeds with correct widths and text mapping (its CFF path did not).

    apt-get install fonts-noto-core fonts-noto-cjk
    .venv/bin/python course/credentials/fonts/subset_fonts.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

HERE = Path(__file__).resolve().parent
CORE = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_SC_INDEX = 2  # the Simplified Chinese face of the collection (its Han forms)

COMMON = [(0x0020, 0x007E), (0x00A0, 0x00FF), (0x2000, 0x206F), (0x20A0, 0x20BF), (0x2190, 0x2193)]
LATIN_GREEK_CYRILLIC = [
    (0x0100, 0x024F),  # Latin Extended-A and B
    (0x0250, 0x02FF),  # IPA, spacing modifiers
    (0x0300, 0x036F),  # combining marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and its supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2100, 0x214F),  # letterlike symbols
    (0x25A0, 0x25FF),  # geometric shapes
]

# (output file, source file, extra code point ranges beyond COMMON)
SCRIPTS: list[tuple[str, str, list[tuple[int, int]]]] = [
    ("NotoSerif-Regular.ttf", "NotoSerif-Regular.ttf", LATIN_GREEK_CYRILLIC),
    ("NotoSerif-Bold.ttf", "NotoSerif-Bold.ttf", LATIN_GREEK_CYRILLIC),
    (
        "NotoNaskhArabic-Regular.ttf",
        "NotoNaskhArabic-Regular.ttf",
        [(0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)],
    ),
    ("NotoSerifHebrew-Regular.ttf", "NotoSerifHebrew-Regular.ttf", [(0x0590, 0x05FF), (0xFB1D, 0xFB4F)]),
    (
        "NotoSerifDevanagari-Regular.ttf",
        "NotoSerifDevanagari-Regular.ttf",
        [(0x0900, 0x097F), (0xA8E0, 0xA8FF)],
    ),
    ("NotoSerifBengali-Regular.ttf", "NotoSerifBengali-Regular.ttf", [(0x0980, 0x09FF)]),
    ("NotoSerifTamil-Regular.ttf", "NotoSerifTamil-Regular.ttf", [(0x0B80, 0x0BFF)]),
    ("NotoSerifSinhala-Regular.ttf", "NotoSerifSinhala-Regular.ttf", [(0x0D80, 0x0DFF)]),
    ("NotoSerifThai-Regular.ttf", "NotoSerifThai-Regular.ttf", [(0x0E00, 0x0E7F)]),
    ("NotoSerifLao-Regular.ttf", "NotoSerifLao-Regular.ttf", [(0x0E80, 0x0EFF)]),
    ("NotoSerifKhmer-Regular.ttf", "NotoSerifKhmer-Regular.ttf", [(0x1780, 0x17FF), (0x19E0, 0x19FF)]),
    ("NotoSerifMyanmar-Regular.ttf", "NotoSerifMyanmar-Regular.ttf", [(0x1000, 0x109F)]),
    ("NotoSerifEthiopic-Regular.ttf", "NotoSerifEthiopic-Regular.ttf", [(0x1200, 0x139F), (0x2D80, 0x2DDF)]),
    ("NotoSerifGeorgian-Regular.ttf", "NotoSerifGeorgian-Regular.ttf", [(0x10A0, 0x10FF), (0x1C90, 0x1CBF)]),
    ("NotoSerifArmenian-Regular.ttf", "NotoSerifArmenian-Regular.ttf", [(0x0530, 0x058F), (0xFB13, 0xFB17)]),
]


def _options() -> subset.Options:
    options = subset.Options()
    options.layout_features = ["*"]  # shaping needs every feature
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.glyph_names = False
    return options


def _codepoints(ranges: list[tuple[int, int]]) -> list[int]:
    return [cp for low, high in COMMON + ranges for cp in range(low, high + 1)]


def _double_byte(codec: str, leads: range, trails: list[int]) -> set[str]:
    found = set()
    for lead in leads:
        for trail in trails:
            try:
                found.add(bytes([lead, trail]).decode(codec))
            except UnicodeDecodeError:
                continue
    return found


def cjk_characters() -> set[str]:
    """Han of GB 2312 (simplified), Big5 level 1 (traditional), JIS level 1; kana; KS X 1001 Hangul."""
    euc_trails = list(range(0xA1, 0xFF))
    han = _double_byte("gb2312", range(0xB0, 0xF8), euc_trails)
    han |= _double_byte("big5", range(0xA4, 0xC7), list(range(0x40, 0x7F)) + euc_trails)
    han |= _double_byte("shift_jis", range(0x88, 0x99), list(range(0x40, 0x7F)) + list(range(0x80, 0xFD)))
    hangul = {c for c in _double_byte("euc_kr", range(0xB0, 0xC9), euc_trails) if "\uac00" <= c <= "\ud7a3"}
    kana_and_punctuation = {chr(cp) for cp in list(range(0x3000, 0x3100)) + list(range(0xFF00, 0xFFEF))}
    return {c for c in han if "\u3400" <= c <= "\u9fff"} | hangul | kana_and_punctuation


def to_truetype(font: TTFont, max_err: float = 2.0) -> None:
    """Replace CFF outlines by quadratic TrueType ones (fpdf2 embeds TrueType fonts best)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    for name, glyph in glyphs.items():  # left side bearing = xMin, as TrueType expects
        advance, _ = font["hmtx"][name]
        font["hmtx"][name] = (advance, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and CID names mean nothing here
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\0\1\0\0"


def main() -> None:
    for target, source, ranges in SCRIPTS:
        font = TTFont(CORE / source)
        subsetter = subset.Subsetter(_options())
        subsetter.populate(unicodes=_codepoints(ranges))
        subsetter.subset(font)
        font.save(HERE / target)
        print(f"{target}: {(HERE / target).stat().st_size // 1024} KiB")
    cjk = TTCollection(CJK).fonts[CJK_SC_INDEX]
    subsetter = subset.Subsetter(_options())
    subsetter.populate(text="".join(sorted(cjk_characters())), unicodes=_codepoints([]))
    subsetter.subset(cjk)
    to_truetype(cjk)
    cjk.save(HERE / "NotoSansCJKsc-Regular.ttf")
    print(f"NotoSansCJKsc-Regular.ttf: {(HERE / 'NotoSansCJKsc-Regular.ttf').stat().st_size // 1024} KiB")


if __name__ == "__main__":
    sys.exit(main())
