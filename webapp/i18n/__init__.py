"""Languages: which one a request uses, the fixed words of rendered content, and locale-aware numbers.

A request's language is, in order: the learner's profile (`User.locale`), the
`locale` cookie set by the language switcher, the browser's Accept-Language,
then English. Only the languages in the `LANGUAGES` setting are offered; a
language whose catalogue is ready but not yet translated (Chinese, Russian) is
turned on by adding it there.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import (
    Translations,
    force_locale,
    format_datetime,
    format_decimal,
    get_locale,
    get_translations,
    gettext,
)
from flask_login import current_user

from course.content import BoxLabels

LANGUAGES = ("en", "fr", "es", "ar")
LANGUAGE_NAMES = {  # each language in its own words, as a learner looks for it
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "zh": "中文",
    "ru": "Русский",
}
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
COOKIE = "locale"
COOKIE_MAX_AGE = 365 * 24 * 3600


def offered() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def language_choices() -> list[tuple[str, str]]:
    """(code, name) of every offered language, for the switcher and the profile form."""
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in offered()]


def select_locale() -> str | None:
    """The request's language: profile, then the switcher's cookie, then Accept-Language."""
    if not has_request_context():
        return None  # the default (English), unless force_locale says otherwise
    languages = offered()
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def template_translations() -> Translations:
    """The translations for the language in force, found once per request and language.

    Flask-Babel's template functions look them up anew for every string (its context,
    domain and locale, then the locale's name as a cache key): about 40% of the time
    spent rendering the quiz page, which has a dozen strings. Keyed by the locale
    object in force, so a `force_locale` block (a mail in the recipient's language)
    gets its own and the request's come back after it.
    """
    locale = get_locale()
    found = g.get("template_translations")
    if found is None or found[0] is not locale:
        found = g.template_translations = (locale, get_translations())
    return found[1]


def install_template_gettext(app: Flask) -> None:
    """Templates' _(), ngettext() and their p- variants through `template_translations` (after Babel)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: template_translations().ugettext(s),
        ngettext=lambda s, p, n: template_translations().ungettext(s, p, n),
        pgettext=lambda c, s: template_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: template_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def text_direction(locale: str) -> str:
    return "rtl" if locale.partition("_")[0] in RTL_LANGUAGES else "ltr"


def box_labels(app: Flask) -> dict[str, BoxLabels]:
    """The words around rendered content (box titles, true/false), in every language with a catalogue."""
    labels = {}
    with app.app_context():
        for code in {*LANGUAGE_NAMES, *app.config["LANGUAGES"]}:
            with force_locale(code):
                labels[code] = BoxLabels(
                    scenario=gettext("Scenario"),
                    answer=gettext("Show a suggested answer"),
                    note=gettext("Note"),
                    warning=gettext("Take care"),
                    summary=gettext("In brief"),
                    true=gettext("True"),
                    false=gettext("False"),
                    # TRANSLATORS: a box title in a lesson, e.g. "Scenario: A ransomware attack on a hospital"
                    titled=gettext("%(label)s: %(title)s"),
                )
    return labels


def number(value: Any) -> str:
    """A number written the local way: 1,234.5 in English, 1 234,5 in French."""
    return "" if value is None else format_decimal(value)


def percent(value: Any) -> str:
    """A 0–100 figure written the local way: 50%, or a score with one decimal, 85.5% (85,5 % in French)."""
    if value is None:
        return ""
    locale = get_locale()
    decimals = 0 if isinstance(value, int) else 1
    return _percent_pattern(locale, decimals).apply(Decimal(str(round(float(value), decimals))) / 100, locale)


@functools.lru_cache(maxsize=64)
def _percent_pattern(locale: Locale, decimals: int) -> NumberPattern:
    """The locale's percent pattern with this many decimals, parsed once (a grid writes thousands)."""
    pattern = parse_pattern(locale.percent_formats[None].pattern)
    pattern.frac_prec = (decimals, decimals)
    return pattern


def utc_when(value: datetime | None, format: str = "medium") -> str:
    """A time outside any cohort, in UTC and saying so: "Mar 3, 2026, 9:00:00 PM (UTC)".

    A learner's own pages (quiz history, certificates) and account mail belong to no
    one cohort: a learner may be in several, in different zones, or in none. Their
    times are UTC, named, so that nobody takes them for local ones. Cohort pages use
    the cohort's zone instead (cohort_when in webapp/cohorts/views.py).
    """
    if value is None:
        return ""
    instant = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    # TRANSLATORS: a time given in UTC: "Mar 3, 2026, 9:00:00 PM (UTC)"
    return gettext("%(when)s (UTC)", when=format_datetime(instant, format, rebase=False))
