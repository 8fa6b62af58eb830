"""Certificate PDFs drawn with the fonts parsed once per process look exactly as fpdf2 alone draws them.

course/credentials/pdf_fonts.py shares each font's parsed form between documents and threads; these
tests would fail if that sharing let one certificate's text, glyphs or subset leak into
another, changed a byte of the PDF, or broke under concurrent rendering.
"""

from __future__ import annotations

import copy
import io
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import segno
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from course.credentials import pdf, pdf_fonts
from tests.course.credentials.test_certificate_documents import URL, certificate_data, qr_texts

SCRIPTS = (
    "Nguyễn Thị Minh Khai",
    "王小明",
    "محمد عبد الله",
    "Алексей Смирнов",
    "李华",
    "Kwame Mensah",
    "דוד כהן",
    "राहुल शर्मा",
    "Ιωάννης Παπαδόπουλος",
)
CJK = "NotoSansCJKSC"  # the font's full name, as embedded


@pytest.fixture
def cold(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that has parsed no font and measured no line yet."""
    monkeypatch.setattr(pdf_fonts, "_masters", {})
    monkeypatch.setattr(pdf, "_WIDTHS", {})


def fpdf2_alone(data: pdf.CertificateData, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The certificate as fpdf2 draws it without help: add_font() reads each file, no width is remembered."""
    with monkeypatch.context() as patch:
        patch.setattr(pdf._Certificate, "add_certificate_font", FPDF.add_font)
        patch.setattr(pdf._Certificate, "_string_width", lambda self, text, font: self.get_string_width(text))
        return pdf.render(data)


def embedded_fonts(document: bytes) -> dict[str, set[str]]:
    """Each embedded font (by name, without the subset tag) and the characters its subset maps."""
    page = PdfReader(io.BytesIO(document)).pages[0]
    fonts = {}
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        fonts[str(font["/BaseFont"]).split("+", 1)[1]] = {chr(c) for c in program.getBestCmap()}
    return fonts


def text_of(document: bytes) -> str:
    return PdfReader(io.BytesIO(document)).pages[0].extract_text()


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_warm_process_draws_byte_for_byte_what_fpdf2_draws_alone(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for other in SCRIPTS:  # every font parsed, and used by other certificates, before this one
        pdf.render(certificate_data(other))
    assert pdf.render(certificate_data(name)) == fpdf2_alone(certificate_data(name), monkeypatch)


def test_a_cold_process_draws_what_a_warm_one_does(cold: None) -> None:
    first = [pdf.render(certificate_data(name)) for name in SCRIPTS]
    again = [pdf.render(certificate_data(name)) for name in reversed(SCRIPTS)]
    assert first == again[::-1]


def test_glyphs_past_the_compiled_limit_give_the_same_pdf(
    cold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_fonts, "_COMPILED_KEPT", 0)  # every glyph compiled by fontTools for each PDF
    for name in ("王小明", "Nguyễn Thị Minh Khai", "محمد عبد الله"):
        assert pdf.render(certificate_data(name)) == fpdf2_alone(certificate_data(name), monkeypatch)
    assert not any(master._compiled for master in pdf_fonts._masters.values())


def test_certificates_in_turn_keep_their_own_names_and_font_subsets() -> None:
    documents = {name: pdf.render(certificate_data(name)) for name in SCRIPTS}
    for name, document in documents.items():
        text = text_of(document)
        assert name in text
        assert not [other for other in SCRIPTS if other != name and other in text]
    latin, cyrillic, chinese, other_chinese, arabic = (
        embedded_fonts(documents[name])
        for name in ("Kwame Mensah", "Алексей Смирнов", "王小明", "李华", "محمد عبد الله")
    )
    assert latin.keys() == {"NotoSerif", "NotoSerifBold"}
    assert latin.keys() == cyrillic.keys()
    assert set("Алексей Смирнов") - {" "} <= set().union(*cyrillic.values())
    assert not set("Алексей") & set().union(*latin.values())  # the Cyrillic subset stayed in its document
    chinese_font, other_font = chinese[CJK], other_chinese[CJK]
    assert set("王小明") <= chinese_font and not set("李华") & chinese_font
    assert set("李华") <= other_font and not set("王小明") & other_font
    assert "NotoNaskhArabic" in arabic
    assert CJK not in {*latin, *cyrillic, *arabic}


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Threads swap very often, so that two renderings interleave inside fpdf2 and fontTools."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def test_threads_rendering_at_once_make_the_same_valid_pdfs(
    cold: None, busy_switching: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"{name} {i}" for i in range(3) for name in SCRIPTS]
    with ThreadPoolExecutor(max_workers=4) as pool:  # starts cold: the fonts are parsed under contention
        documents = list(pool.map(lambda name: pdf.render(certificate_data(name)), names))
    for name, document in zip(names, documents, strict=True):
        assert document == fpdf2_alone(certificate_data(name), monkeypatch), name
        assert name.rsplit(" ", 1)[0] in text_of(document)  # the number may go either side of Arabic
    assert all(qr_texts(document) == [URL] for document in documents[: len(SCRIPTS)])


def _snapshot(master: Any) -> dict[str, Any]:
    glyf = master.tables["glyf"]
    return {
        "glyphs": {name: dict(vars(glyph)) for name, glyph in glyf.glyphs.items()},
        "compiled": {  # the bytes kept, and the outline they were made from, compiled afresh
            name: (glyph._compiled, Glyph.compile(copy.deepcopy(glyph), glyf))
            for name, glyph in master._compiled.items()
        },
        "order": list(master.glyph_order),
        "hmtx": dict(master.tables["hmtx"].metrics),
        "cmap": [dict(subtable.cmap) for subtable in master.tables["cmap"].tables],
        "widths": dict(master.template.cw),
        "descriptor": dict(vars(master.template.desc)),
    }


def test_rendering_never_changes_the_shared_fonts() -> None:
    for name in SCRIPTS:
        pdf.render(certificate_data(name))
    before = {path: _snapshot(master) for path, master in pdf_fonts._masters.items()}
    for name in SCRIPTS:
        pdf.render(certificate_data(f"{name} — {name[::-1]}"))
    after = {path: _snapshot(master) for path, master in pdf_fonts._masters.items()}
    for path, state in before.items():
        for part, value in state.items():
            if part == "compiled":  # new glyphs may be compiled; those compiled stay as they were
                assert after[path][part].items() >= value.items(), (path.name, part)
            else:
                assert after[path][part] == value, (path.name, part)


def test_qr_image_has_exactly_the_pixels_of_segnos_png() -> None:
    png = io.BytesIO()
    segno.make(URL, error="m", micro=False).save(png, kind="png", scale=10, border=4, dark=pdf.NAVY)
    expected = Image.open(png)
    image = pdf.qr_image(URL)
    assert (image.mode, image.size, image.info) == (expected.mode, expected.size, expected.info)
    assert image.getpalette() == expected.getpalette()
    assert image.tobytes() == expected.tobytes()
