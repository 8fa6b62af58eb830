"""The certificate's fonts, parsed once per process and shared by every PDF drawn in it.

fpdf2's `add_font` reads and parses the font file for each document (the cmap and
the metrics of every glyph), and its output step decompiles the whole font again
to embed a subset of it. For a certificate that was nearly all the work: about
80 ms of a Latin certificate and 300 ms of one with a Chinese name (the CJK font
has 22,000 glyphs), again for every certificate of a batch.

Here each font file is parsed once per process into a `_Master`: fpdf2's own
`TTFFont` (built the usual way, as a template), the HarfBuzz face, and fontTools'
decompiled glyph, metrics and cmap tables. Each document gets a `DocumentFont`,
a `TTFFont` that shares what fpdf2 only reads (cmap, glyph ids, HarfBuzz face) and
has its own copy of what it changes (subset map, widths, font descriptor, and the
fontTools font it subsets at output). That fontTools font is opened from the
bytes in memory with the master's big tables put in as copies of their
dictionaries; a glyph is copied when the subsetter first touches it, so a
document costs in proportion to the glyphs it uses, not to the size of the font,
and the master is never changed. The PDF is byte for byte the one fpdf2 makes on
its own (tests/course/credentials/test_certificate_pdf_fonts.py holds that), and documents
drawn at the same time in several threads share the masters safely: nothing
shared is written after the master is built.
"""

from __future__ import annotations

import copy
import io
import struct
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph
from fpdf.enums import TextEmphasis
from fpdf.fonts import HarfBuzzFont, SubsetMap, TTFFont, hb

if TYPE_CHECKING:
    from fpdf import FPDF

# fpdf2's output drops these layout tables before it subsets a font (HarfBuzz shapes from the file,
# the PDF needs no layout): removing them up front only spares decompiling them for each document.
_DROPPED_AT_OUTPUT = ("GDEF", "GPOS", "GSUB")
# Simple glyphs kept compiled per font (about 1 kB each): every glyph of the Latin and other fonts,
# and the CJK glyphs of the first several thousand characters a process meets.
_COMPILED_KEPT = 8192
# What each document must own because fpdf2 writes to it; everything else of the template is shared.
_PER_DOCUMENT = frozenset(
    {
        "i",
        "fontkey",
        "emphasis",
        "biggest_size_pt",
        "missing_glyphs",
        "subset",
        "cw",
        "desc",
        "ttfont",
        "_hbfont",
    }
)


class _CompiledGlyph(Glyph):
    """A simple glyph (outlines, no components), expanded and compiled once per process.

    Compiling a simple glyph depends on nothing but the glyph, so the bytes are kept and
    returned again: each document then spares decoding and re-encoding every outline it
    embeds. A glyph with components is not one: its bytes hold the ids of its
    components, which change with each subset.
    """

    def __init__(self, data: bytes, glyf: Any) -> None:
        super().__init__(data)
        self._compiled_as = (True, True)  # (recalcBBoxes, optimizeSize): what fpdf2's save() asks for
        self._compiled = super().compile(glyf, True, optimizeSize=True)

    def compile(self, glyfTable: Any, recalcBBoxes: bool = True, **options: Any) -> bytes:
        if (recalcBBoxes, options.get("optimizeSize", True)) == self._compiled_as:
            return self._compiled
        return Glyph.compile(copy.deepcopy(self), glyfTable, recalcBBoxes, **options)


class _GlyphsCopiedOnUse(dict[str, Any]):
    """A document's `glyf.glyphs`: the master's glyphs, each copied the first time it is looked up.

    fontTools' subsetter and compiler change the glyphs they keep (component ids are
    remapped, outlines expanded, bounds recomputed), always after looking them up by
    name, so a copy made on look-up keeps the master's glyphs as they were read.
    """

    def __init__(self, master: _Master) -> None:
        super().__init__(master.glyf.glyphs)
        self._master = master
        self._copied: set[str] = set()

    def __getitem__(self, name: str) -> Any:
        if name in self._copied:
            return super().__getitem__(name)
        glyph = copy.copy(self._master.glyph(name))
        super().__setitem__(name, glyph)
        self._copied.add(name)
        return glyph


class _DocumentTTFont(TTFont):
    """fontTools' font, looking up its loaded tables by plain name first.

    fpdf2 reads `ttfont["hmtx"]` for every glyph it lays out, and TTFont turns each name
    into a Tag object first; a loaded table is the same object either way.
    """

    def __getitem__(self, tag: Any) -> Any:
        table = self.tables.get(tag)
        return table if table is not None else super().__getitem__(tag)


class _Master:
    """One font file, parsed once: fpdf2's TTFFont as a template, the HarfBuzz face, the big tables.

    Nothing here changes once it is built, except `_compiled`, which only grows (one
    entry per simple glyph that some document has used, up to `_COMPILED_KEPT`), so
    threads read it freely.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = path.read_bytes()
        self.template = TTFFont(_HOST, path, "", "")  # type: ignore[arg-type]  # only reads .fonts
        if self.template.color_font is not None or self.template.is_compressed:
            raise ValueError(f"{path.name}: only plain TrueType/OpenType fonts are shared")
        font = self.template.ttfont
        self.glyph_order = tuple(font.getGlyphOrder())
        self.glyph_ids = dict(font.getReverseGlyphMap())
        self.tables = {tag: font[tag] for tag in ("glyf", "loca", "hmtx", "vmtx", "cmap") if tag in font}
        for subtable in self.tables["cmap"].tables:
            subtable.ensureDecompiled()
        self.glyf = self.tables["glyf"]
        self._compiled: dict[str, _CompiledGlyph] = {}
        font.close()  # everything the documents need from the file is read now
        self.face = hb.Face(blob=hb.Blob.from_file_path(path), index=0)

    def glyph(self, name: str) -> Any:
        """The glyph as read from the file, or compiled once if it is a simple one (never changed after)."""
        compiled = self._compiled.get(name)
        if compiled is not None:
            return compiled
        glyph = self.glyf.glyphs[name]
        data = getattr(glyph, "data", b"")
        if not data or struct.unpack(">h", data[:2])[0] <= 0:  # empty, or made of components
            return glyph
        if len(self._compiled) >= _COMPILED_KEPT:  # a long life of Chinese names: compile it each time
            return glyph
        return self._compiled.setdefault(name, _CompiledGlyph(data, self.glyf))  # a race makes two alike

    def fonttools_font(self) -> TTFont:
        """A fontTools font for one document to subset: fresh small tables, copies of the big ones."""
        font = _DocumentTTFont(io.BytesIO(self.data), recalcTimestamp=False, lazy=True)
        for tag in _DROPPED_AT_OUTPUT:
            if tag in font:
                del font[tag]
        for tag, shared in self.tables.items():
            table = copy.copy(shared)
            if tag == "glyf":
                table.glyphs = _GlyphsCopiedOnUse(self)
            elif tag in ("hmtx", "vmtx"):
                table.metrics = dict(shared.metrics)
            elif tag == "cmap":
                table.tables = [_copy_cmap_subtable(subtable) for subtable in shared.tables]
            font.tables[tag] = table
        font.setGlyphOrder(list(self.glyph_order))  # also the glyf table's, which reads it
        font._reverseGlyphOrderDict = dict(self.glyph_ids)  # what getReverseGlyphMap() would build
        return font


def _copy_cmap_subtable(shared: Any) -> Any:
    subtable = copy.copy(shared)
    if hasattr(shared, "cmap"):
        subtable.cmap = dict(shared.cmap)
    if hasattr(shared, "uvsDict"):
        subtable.uvsDict = {selector: list(pairs) for selector, pairs in shared.uvsDict.items()}
    return subtable


_HOST = SimpleNamespace(fonts={}, render_color_fonts=True)  # what TTFFont() reads of its FPDF
_masters: dict[Path, _Master] = {}  # one per font file used, never evicted: at most the 17 in course/fonts
_lock = threading.Lock()


def _master(path: Path) -> _Master:
    """The parsed font, made by the first document that needs it."""
    master = _masters.get(path)
    if master is None:
        with _lock:  # two threads asking at once parse the file once
            master = _masters.get(path)
            if master is None:
                master = _masters[path] = _Master(path)
    return master


class DocumentFont(TTFFont):
    """fpdf2's TTFFont for one document, made from a parsed master instead of the file."""

    def __init__(self, fpdf: FPDF, path: Path, fontkey: str, style: str) -> None:
        # TTFFont.__init__ is not called: it would read and parse the file again.
        master = _master(path)
        template = master.template
        for name in TTFFont.__slots__:
            if name not in _PER_DOCUMENT and hasattr(template, name):
                setattr(self, name, getattr(template, name))
        self._hbfont = HarfBuzzFont(master.face)  # a font object per document: shaping sets its size
        self.i = len(fpdf.fonts) + 1
        self.fontkey = fontkey
        self.emphasis = TextEmphasis.coerce(style)
        self.biggest_size_pt = 0
        self.missing_glyphs = []
        self.cw = copy.copy(template.cw)  # a defaultdict: reading an unknown character adds it
        self.desc = copy.copy(template.desc)  # output names it and links the embedded file
        self.ttfont = master.fonttools_font()  # subset in place at output
        self.subset = SubsetMap(self)


def add_shared_font(fpdf: FPDF, family: str, style: str, path: Path) -> None:
    """`fpdf.add_font(family, style, path)`, from the process's parsed copy of the font."""
    style = "".join(sorted(style.upper()))
    fontkey = f"{family.lower()}{style}"
    font = DocumentFont(fpdf, path, fontkey, style)
    fpdf.fonts[fontkey] = font
    if font.is_cff and font.is_cid_keyed:
        fpdf._set_min_pdf_version("1.6")
