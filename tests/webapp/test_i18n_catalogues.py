"""Every interface string goes through gettext, and the French, Spanish and Arabic catalogues are complete.

The template check is deliberately simple: it reads each template as a browser
would see it once the Jinja tags are blanked out, and refuses any text, or any
visible attribute (alt, title, placeholder, aria-label…), that still contains a
letter. Wrap such text in {{ _("…") }}. Digits, punctuation and symbols such as
✓ → · — are fine.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment
from jinja2.ext import i18n

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    p for p in (ROOT / "webapp").rglob("*") if p.suffix in (".html", ".txt") and "templates" in p.parts
)
TRANSLATIONS = ROOT / "webapp" / "translations"
COMPLETE = ("fr", "es", "ar")  # must stay fully translated
PREPARED = ("zh", "ru")  # catalogues ready for translators
VISIBLE_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "aria-roledescription"}
HOLE = " "  # what a Jinja expression or statement leaves behind (a space keeps tags whole)
ATTRIBUTES_ONLY = re.compile(r"""^(\s*[\w:-]+=("[^"]*"|'[^']*'))+\s*$""")  # a macro that writes attributes
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def visible_text(source: str) -> str:
    """The template with every {{ }}, {% %} and {# #} blanked, and {% trans %} blocks removed."""
    env = Environment(extensions=[i18n])
    out: list[str] = []
    in_trans = 0
    previous = ""
    for _line, kind, value in env.lex(source):
        if kind == "data":
            out.append(HOLE if in_trans else value)
        elif kind == "name" and previous == "block_begin":
            in_trans += {"trans": 1, "endtrans": -1}.get(value, 0)
        elif kind in ("variable_begin", "block_begin", "comment_begin"):
            out.append(HOLE)
        if kind != "whitespace":
            previous = kind
    return "".join(out)


class TextFinder(HTMLParser):
    """Collects (line, text) of text nodes and visible attributes that contain a letter."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        values = dict(attrs)
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and values.get("type") in ("submit", "button", "reset")
            )
            if visible and value and has_letters(value):
                self.found.append((self.getpos()[0], f'{name}="{value}"'))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip and has_letters(data) and not ATTRIBUTES_ONLY.match(data):
            self.found.append((self.getpos()[0], " ".join(data.replace(HOLE, " ").split())))


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text.replace(HOLE, ""))


def untranslated_text(source: str) -> list[tuple[int, str]]:
    finder = TextFinder()
    finder.feed(visible_text(source))
    finder.close()
    return finder.found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "webapp")))
def test_template_text_is_wrapped_for_translation(path: Path) -> None:
    found = untranslated_text(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: text not wrapped in _(): " + "; ".join(
        f"line {line}: {text!r}" for line, text in found
    )


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ('<p>{{ _("Hello") }} ✓ → · 42%</p>', []),
        ('<a href="{{ url }}" title="Open">{{ name }}</a>', ['title="Open"']),
        ("<button aria-label=\"{{ _('Close') }}\">×</button>", []),
        ("{% if x %}Continue{% endif %}", ["Continue"]),
        ("{# A comment #}<p>{% trans %}Hello {{ name }}{% endtrans %}</p>", []),
        ('<input type="submit" value="Send"><input type="hidden" value="abc">', ['value="Send"']),
        ("<p>{{ _('Art. %(n)s', n=n) }} {{ title }}</p>", []),
        ('{% macro sort(k) %} aria-sort="{{ k }}"{% endmacro %}', []),
    ],
)
def test_the_template_check_finds_bare_text(template: str, expected: list[str]) -> None:
    assert [text for _line, text in untranslated_text(template)] == expected


def catalogue(locale: str):  # type: ignore[no-untyped-def]
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", COMPLETE)
def test_french_spanish_and_arabic_translate_every_interface_string(locale: str) -> None:
    missing = [
        message.id
        for message in catalogue(locale)
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert missing == [], f"{locale}: {len(missing)} untranslated or fuzzy (run make i18n, then translate)"


@pytest.mark.parametrize("locale", COMPLETE + PREPARED)
def test_translations_keep_every_placeholder(locale: str) -> None:
    """A lost or misspelt %(name)s would break the page at run time."""
    cat = catalogue(locale)
    assert [(m.id, errors) for m, errors in cat.check()] == []
    for message in cat:
        if not message.id or not message.string:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(sources[-1]))
        for text in filter(None, strings):
            found = set(PLACEHOLDER.findall(text))
            if isinstance(message.id, tuple):  # a plural form may spell the number out ("one module")
                found |= {"%(num)s"} & wanted
            assert found == wanted, f"{locale}: {message.id!r} -> {text!r}"


def test_every_catalogue_has_the_same_strings_as_the_template() -> None:
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    for locale in COMPLETE + PREPARED:
        assert {m.id for m in catalogue(locale) if m.id} == template, f"{locale}: run make i18n"


@pytest.mark.parametrize("locale", COMPLETE + PREPARED)
def test_every_catalogue_is_compiled(locale: str) -> None:
    """`make install` compiles the catalogues; an app without the .mo would show English."""
    po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    assert mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime, f"run make i18n-compile ({locale})"


def test_the_convention_is_named_as_in_each_official_language() -> None:
    names = {
        "fr": "Convention des Nations Unies contre la cybercriminalité",
        "es": "Convención de las Naciones Unidas contra la Ciberdelincuencia",
        "ar": "اتفاقية الأمم المتحدة لمكافحة الجريمة السيبرانية",
    }
    for locale, name in names.items():
        strings = [
            m.string for m in catalogue(locale) if m.id and "Convention against Cybercrime" in str(m.id)
        ]
        assert strings and all(name in s for s in strings), locale
