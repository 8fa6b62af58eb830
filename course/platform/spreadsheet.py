"""CSV cells that a spreadsheet shows as text and never runs as a formula (every CSV export uses this)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would read it as a formula.

    The apostrophe is what spreadsheets themselves use to mark text; the stored data is unchanged.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
