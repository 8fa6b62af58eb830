"""The certificate as a PDF: A4 landscape, drawn directly with fpdf2 (no HTML engine, no network).

Names print in their own script: text is shaped with HarfBuzz (fpdf2's text
shaping, through uharfbuzz), Arabic and Hebrew are laid out right to left, and
each line picks the Noto font of its first letter, with every other bundled
font as a fallback for the rest. The fonts are subsets committed in
course/credentials/fonts/ (SIL Open Font License; see course/credentials/fonts/subset_fonts.py).

For right-to-left lines the optional ligatures ("liga") are switched off: the
letters still join as they must (that is "rlig" and the positional forms), but
every glyph maps back to one character, so copying the name out of the PDF,
searching it and extracting it give the name in its logical order.

The QR code (segno) carries the verification URL, which is also printed as a
link beside it.

Drawing is fast enough for a cohort's batch export: the fonts are parsed once per
process and shared by every certificate drawn in it (course/credentials/pdf_fonts.py), and the
width of a line is measured once and remembered. Neither changes a byte of the PDF.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import segno
from fontTools.ttLib import TTFont
from fpdf import FPDF
from PIL import Image

from course.credentials import pdf_fonts

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SERIF = "NotoSerif"
RTL_FONTS = frozenset({"NotoNaskhArabic", "NotoSerifHebrew"})
SCRIPT_FONTS = (  # family names, in fallback order; files are FAMILY-Regular.ttf / .otf
    "NotoNaskhArabic",
    "NotoSerifHebrew",
    "NotoSerifDevanagari",
    "NotoSerifBengali",
    "NotoSerifTamil",
    "NotoSerifSinhala",
    "NotoSerifThai",
    "NotoSerifLao",
    "NotoSerifKhmer",
    "NotoSerifMyanmar",
    "NotoSerifEthiopic",
    "NotoSerifGeorgian",
    "NotoSerifArmenian",
    "NotoSansCJKsc",
)

NAVY = (11, 42, 82)
GOLD = (176, 138, 62)
INK = (29, 36, 48)
MUTED = (85, 96, 110)
PAPER = (253, 251, 245)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class CertificateLabels:
    """The words printed on the certificate; the web layer passes translated ones."""

    heading: str = "Certificate of completion"
    certifies: str = "This is to certify that"
    completed: str = "has completed the learning path"
    subject: str = "on the United Nations Convention against Cybercrime"
    modules: str = "Modules completed"
    module_line: str = "{title} — best quiz score {score}%"
    cohort: str = "Trainer-led cohort: {cohort}"
    instructor: str = "Instructor: {instructor}"
    date: str = "Date of completion"
    issuer: str = "Issued by"
    verify: str = "Verify this certificate at"
    code: str = "Certificate code"
    version: str = "Content version {version}"
    format_date: Callable[[date], str] = field(default=lambda d: d.strftime("%d %B %Y").lstrip("0"))


@dataclass(frozen=True)
class CertificateData:
    """Everything the PDF shows, frozen at issue (built from a Certificate row)."""

    code: str
    learner_name: str
    path_title: str
    modules: tuple[tuple[str, float], ...]  # (title, best score), in path order
    completed_on: date
    issued_at: datetime
    content_version: str
    issuer: str
    verify_url: str
    cohort_title: str | None = None
    instructor_name: str | None = None


# --- fonts -------------------------------------------------------------------------------


def _font_file(family: str) -> Path:
    for suffix in ("-Regular.ttf", "-Regular.otf"):
        if (FONT_DIR / f"{family}{suffix}").exists():
            return FONT_DIR / f"{family}{suffix}"
    raise FileNotFoundError(FONT_DIR / family)


@cache
def _coverage(family: str) -> frozenset[int]:
    """The code points a bundled font has a glyph for (read once per process)."""
    with TTFont(_font_file(family), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _needs_glyph(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMNPS"


def font_for(text: str) -> str:
    """The font family for a line: the one covering its first letter that the serif lacks."""
    serif = _coverage(SERIF)
    for ch in text:
        if ord(ch) in serif or not unicodedata.category(ch).startswith("L"):
            continue
        for family in SCRIPT_FONTS:
            if ord(ch) in _coverage(family):
                return family
    return SERIF


def missing_characters(text: str) -> set[str]:
    """Characters of `text` that no bundled font can draw (they would print as empty boxes)."""
    families = (SERIF, *SCRIPT_FONTS)
    return {ch for ch in text if _needs_glyph(ch) and not any(ord(ch) in _coverage(f) for f in families)}


def _families_for(texts: list[str]) -> list[str]:
    serif = _coverage(SERIF)
    needed: list[str] = []
    for ch in set("".join(texts)):
        if ord(ch) in serif or not _needs_glyph(ch):
            continue
        for family in SCRIPT_FONTS:
            if ord(ch) in _coverage(family):
                if family not in needed:
                    needed.append(family)
                break
    return [f for f in SCRIPT_FONTS if f in needed]  # stable fallback order


# --- QR ----------------------------------------------------------------------------------


QR_SCALE = 10  # pixels per module
QR_BORDER = 4  # modules of quiet zone, as the standard asks


def qr_image(url: str) -> Image.Image:
    """The QR code for a URL (error correction M: survives a crease or a smudge), navy on white.

    The same pixels as segno's PNG at this scale, built straight from the module matrix:
    writing a PNG only for fpdf2 to decode it again cost more than encoding the code.
    """
    code = segno.make(url, error="m", micro=False)
    dark, light = b"\x00" * QR_SCALE, b"\x01" * QR_SCALE  # palette indexes
    size = code.symbol_size(scale=1, border=QR_BORDER)[0]
    edge = light * QR_BORDER
    quiet = [light * size] * QR_BORDER
    rows = [edge + b"".join(dark if module else light for module in row) + edge for row in code.matrix]
    pixels = b"".join(row * QR_SCALE for row in (*quiet, *rows, *quiet))
    image = Image.frombytes("P", (size * QR_SCALE, size * QR_SCALE), pixels)
    image.putpalette(bytes(NAVY) + bytes(WHITE))
    return image


# --- drawing -------------------------------------------------------------------------------

_WIDTHS_KEPT = 4096  # measured lines remembered per process (a few hundred kB at most)
_WIDTHS: dict[tuple[object, ...], float] = {}  # (text, family, style, size, fallbacks) -> width


class _Certificate(FPDF):
    def __init__(self, families: list[str]) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.c_margin = 0
        self.add_certificate_font(SERIF, "", FONT_DIR / "NotoSerif-Regular.ttf")
        self.add_certificate_font(SERIF, "B", FONT_DIR / "NotoSerif-Bold.ttf")
        for family in families:
            self.add_certificate_font(family, "", _font_file(family))
        self.fallbacks = [SERIF, *families]

    def add_certificate_font(self, family: str, style: str, path: Path) -> None:
        """`add_font`, from the fonts parsed once per process (course/credentials/pdf_fonts.py)."""
        pdf_fonts.add_shared_font(self, family, style, path)

    def line_text(
        self,
        text: str,
        y: float,
        size: float,
        style: str = "",
        color: tuple[int, int, int] = INK,
        x: float = 0,
        w: float | None = None,
        align: str = "C",
        max_width: float | None = None,
    ) -> None:
        """One shaped line, in the font of its script, shrunk to fit `max_width` if given."""
        family = font_for(text)
        style = style if family == SERIF else ""  # the serif has regular and bold; other scripts regular
        fallbacks = tuple(f for f in self.fallbacks if f != family)
        self.set_fallback_fonts(fallbacks, exact_match=False)
        self.set_text_shaping(True, features={"liga": False} if family in RTL_FONTS else None)
        self.set_font(family, style, size)
        if max_width is not None:
            while size > 10 and self._string_width(text, (family, style, size, fallbacks)) > max_width:
                size -= 1
                self.set_font(family, style, size)
        self.set_text_color(*color)
        self.set_xy(x, y)
        self.cell(w if w is not None else self.w - 2 * x, size * 0.45, text, align=align)

    def _string_width(self, text: str, font: tuple[str, str, float, tuple[str, ...]]) -> float:
        """`get_string_width(text)` in the current font, remembered: a batch measures the same titles."""
        key = (text, *font)
        width = _WIDTHS.get(key)
        if width is None:
            width = self.get_string_width(text)
            if len(_WIDTHS) >= _WIDTHS_KEPT:
                _WIDTHS.clear()
            _WIDTHS[key] = width
        return width


def _frame(pdf: _Certificate) -> None:
    w, h = pdf.w, pdf.h
    pdf.set_fill_color(*PAPER)
    pdf.rect(0, 0, w, h, style="F")
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(2.2)
    pdf.rect(8, 8, w - 16, h - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.rect(12, 12, w - 24, h - 24)
    pdf.set_line_width(0.25)
    pdf.rect(14, 14, w - 28, h - 28)
    pdf.set_fill_color(*GOLD)
    for cx, cy in ((13, 13), (w - 13, 13), (13, h - 13), (w - 13, h - 13)):
        pdf.polygon([(cx, cy - 3.2), (cx + 3.2, cy), (cx, cy + 3.2), (cx - 3.2, cy)], style="F")


def _seal(pdf: _Certificate, cx: float, cy: float, issuer: str) -> None:
    pdf.set_draw_color(*GOLD)
    pdf.set_fill_color(250, 244, 226)
    pdf.set_line_width(0.8)
    pdf.circle(cx, cy, 17, style="DF")
    pdf.set_line_width(0.3)
    pdf.circle(cx, cy, 14.5)
    pdf.circle(cx, cy, 13.7)
    initials = "".join(word[0] for word in issuer.split() if word[:1].isalpha())[:3].upper() or "✓"
    pdf.line_text(initials, cy - 4.5, 20, "B", NAVY, x=cx - 14, w=28)


def _signature_block(pdf: _Certificate, x: float, y: float, w: float, value: str, label: str) -> None:
    pdf.line_text(value, y, 12, "", INK, x=x, w=w, max_width=w)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.3)
    pdf.line(x, y + 7.5, x + w, y + 7.5)
    pdf.line_text(label, y + 9.5, 8.5, "", MUTED, x=x, w=w)


def render(data: CertificateData, labels: CertificateLabels | None = None) -> bytes:
    """The certificate PDF (one A4 landscape page)."""
    labels = labels or CertificateLabels()
    texts = [data.learner_name, data.path_title, data.cohort_title or "", data.instructor_name or ""]
    texts += [title for title, _ in data.modules]
    missing = missing_characters("".join(texts))
    if missing:
        log.warning("certificate %s: no bundled font draws %s", data.code, "".join(sorted(missing)))
    pdf = _Certificate(_families_for(texts))
    pdf.set_title(f"{labels.heading}: {data.learner_name}")
    pdf.set_author(data.issuer)
    pdf.set_subject(data.path_title)
    pdf.set_creator(data.issuer)
    pdf.set_creation_date(data.issued_at)
    pdf.set_lang("en")
    pdf.add_page()
    _frame(pdf)
    w = pdf.w

    pdf.line_text(data.issuer.upper(), 24, 11, "B", GOLD)
    pdf.line_text(labels.heading, 33, 30, "B", NAVY, max_width=w - 60)
    pdf.line_text(labels.certifies, 52, 13, "", MUTED)
    pdf.line_text(data.learner_name, 62, 30, "", INK, max_width=w - 70)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.5)
    pdf.line(w / 2 - 70, 79, w / 2 + 70, 79)
    pdf.line_text(labels.completed, 83, 13, "", MUTED)
    pdf.line_text(data.path_title, 92, 19, "B", NAVY, max_width=w - 60)
    pdf.line_text(labels.subject, 103, 10.5, "", MUTED)

    y = 113
    pdf.line_text(labels.modules, y, 9.5, "B", INK)
    y += 5.5
    lines = [
        f"{i}. " + labels.module_line.format(title=title, score=f"{score:.1f}")
        for i, (title, score) in enumerate(data.modules, start=1)
    ]
    size = 8.5 if len(lines) <= 8 else 7.5
    step = 4.3 if len(lines) <= 8 else 3.7
    if len(lines) > 6:  # two columns
        half = (len(lines) + 1) // 2
        for column, chunk in enumerate((lines[:half], lines[half:])):
            for row, text in enumerate(chunk):
                pdf.line_text(
                    text, y + row * step, size, "", INK, x=34 + column * 118, w=112, align="L", max_width=112
                )
        y += half * step
    else:
        for row, text in enumerate(lines):
            pdf.line_text(text, y + row * step, size, "", INK, max_width=w - 80)
        y += len(lines) * step
    extra = []
    if data.cohort_title:
        extra.append(labels.cohort.format(cohort=data.cohort_title))
    if data.instructor_name:
        extra.append(labels.instructor.format(instructor=data.instructor_name))
    if extra:
        pdf.line_text(" · ".join(extra), y + 1.5, 9, "", MUTED, max_width=w - 80)

    base = 160
    _signature_block(pdf, 30, base, 62, labels.format_date(data.completed_on), labels.date)
    _signature_block(pdf, 104, base, 62, data.issuer, labels.issuer)
    _seal(pdf, 196, base + 5, data.issuer)

    qr_size = 30
    qx, qy = w - 20 - qr_size, base - 16
    pdf.image(qr_image(data.verify_url), x=qx, y=qy, w=qr_size, h=qr_size)
    pdf.line_text(labels.verify, qy + qr_size + 1, 7, "", MUTED, x=qx - 40, w=qr_size + 40, align="R")
    pdf.link(qx, qy, qr_size, qr_size, data.verify_url)
    pdf.set_font(SERIF, "", 6.5)
    pdf.set_text_color(*NAVY)
    pdf.set_xy(qx - 60, qy + qr_size + 4)
    pdf.cell(qr_size + 60, 3, data.verify_url, align="R", link=data.verify_url)
    pdf.line_text(f"{labels.code}: {data.code}", 186, 8, "B", INK, x=30, w=150, align="L")
    pdf.line_text(
        labels.version.format(version=data.content_version), 190.5, 6.5, "", MUTED, x=30, w=150, align="L"
    )
    return bytes(pdf.output())
