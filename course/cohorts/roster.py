"""Adding learners to a cohort in bulk: a pasted list of emails, or a CSV roster.

Two steps. Here, `parse_*` reads what the instructor gave and reports every bad row
by its line; bulk_enrol.py then plans the import and applies it, all or nothing.

A roster CSV may have a header row (any order; names such as "Email",
"Full name" or "First name"/"Last name", "Organisation"/"Organization",
"Country"), or no header and the columns name, email, organisation, country.
Commas, semicolons (European spreadsheets) and tabs all work as separators.
The file must be UTF-8 (with or without the byte-order mark Excel writes).
"""

from __future__ import annotations

import csv
import enum
import io
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from course.accounts import normalise_email, normalise_name

MAX_ROWS = 2000
LIMITS = {"email": 254, "name": 200, "organisation": 200, "country": 100}

HEADERS = {
    "email": {"email", "e-mail", "email address", "e-mail address", "mail"},
    "name": {"name", "full name", "fullname", "full_name", "participant", "learner"},
    "first": {"first name", "first_name", "firstname", "given name", "given names"},
    "last": {"last name", "last_name", "lastname", "surname", "family name"},
    "organisation": {"organisation", "organization", "org", "agency", "institution", "ministry"},
    "country": {"country"},
}
POSITIONAL = ("name", "email", "organisation", "country")


class RowOutcome(enum.StrEnum):
    CREATE = "create"  # a new account is created, enrolled, and gets a set-password link
    ENROL = "enrol"  # the existing account is enrolled
    ALREADY = "already"  # already in the cohort: nothing to do


class RowProblem(enum.StrEnum):
    NO_EMAIL = "no_email"
    BAD_EMAIL = "bad_email"
    TOO_LONG = "too_long"  # `detail` names the column
    TOO_MANY_COLUMNS = "too_many_columns"
    DUPLICATE = "duplicate"  # `other_line` is where it first appears
    INSTRUCTOR = "instructor"  # the account runs this cohort
    DEACTIVATED = "deactivated"


class FileProblem(enum.StrEnum):
    EMPTY = "empty"
    NOT_UTF8 = "not_utf8"
    TOO_MANY_ROWS = "too_many_rows"
    NO_EMAIL_COLUMN = "no_email_column"
    OVER_CAPACITY = "over_capacity"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class RosterRow:
    line: int
    email: str
    name: str = ""
    organisation: str = ""
    country: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    problem: RowProblem
    value: str = ""  # what the line said
    detail: str = ""
    other_line: int = 0


@dataclass(frozen=True)
class Parsed:
    rows: tuple[RosterRow, ...] = ()
    errors: tuple[RowError, ...] = ()
    problem: FileProblem | None = None


# --- reading ------------------------------------------------------------------------


def _check_email(raw: str) -> bool:
    try:
        validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _row(
    line: int, email: str, name: str = "", organisation: str = "", country: str = ""
) -> RosterRow | RowError:
    """A clean row, or the first problem with it."""
    values = {
        "email": email.strip(),
        "name": normalise_name(name),
        "organisation": " ".join(organisation.split()),
        "country": " ".join(country.split()),
    }
    if not values["email"]:
        return RowError(line, RowProblem.NO_EMAIL, values["name"])
    for column, limit in LIMITS.items():
        if len(values[column]) > limit:
            return RowError(line, RowProblem.TOO_LONG, values[column][:60], detail=column)
    if not _check_email(values["email"]):
        return RowError(line, RowProblem.BAD_EMAIL, values["email"])
    values["email"] = normalise_email(values["email"])
    return RosterRow(line, **values)


def _finish(items: list[RosterRow | RowError]) -> Parsed:
    """Separate rows from errors, and report a repeated email on its later line."""
    rows: list[RosterRow] = []
    errors = [i for i in items if isinstance(i, RowError)]
    first_line: dict[str, int] = {}
    for item in items:
        if not isinstance(item, RosterRow):
            continue
        if item.email in first_line:
            errors.append(
                RowError(item.line, RowProblem.DUPLICATE, item.email, other_line=first_line[item.email])
            )
            continue
        first_line[item.email] = item.line
        rows.append(item)
    if not rows and not errors:
        return Parsed(problem=FileProblem.EMPTY)
    if len(rows) + len(errors) > MAX_ROWS:
        return Parsed(problem=FileProblem.TOO_MANY_ROWS)
    errors.sort(key=lambda e: e.line)
    return Parsed(tuple(rows), tuple(errors))


CHUNK = re.compile(r'(?:"[^"]*"|<[^>]*>|[^,;"<])+')
ANGLE = re.compile(r"^(.*?)\s*<([^<>]*)>$")


def parse_email_list(text: str) -> Parsed:
    """Emails pasted from a message or a spreadsheet, one or several a line.

    Accepts `ana@example.org`, `Ana Pérez <ana@example.org>`, `"Pérez, Ana" <…>`
    and `Ana Pérez ana@example.org`, separated by commas, semicolons or new lines.
    Text with tabs (cells copied from a spreadsheet) is read as a roster table.
    """
    if "\t" in text:
        return parse_table(text)
    items: list[RosterRow | RowError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for chunk in CHUNK.findall(line):
            chunk = chunk.strip()
            if not chunk:
                continue
            match = ANGLE.match(chunk)
            if match:
                items.append(_row(number, match.group(2), match.group(1).strip().strip('"')))
                continue
            words = chunk.split()
            addresses = [w for w in words if "@" in w]
            if len(words) > 1 and len(addresses) == 1:
                name = " ".join(w for w in words if w is not addresses[0]).strip('"')
                items.append(_row(number, addresses[0], name))
            elif len(words) == 1:
                items.append(_row(number, chunk))
            else:
                items.append(RowError(number, RowProblem.BAD_EMAIL, chunk[:80]))
    return _finish(items)


def decode(data: bytes) -> str | None:
    """The text of an uploaded file: UTF-8, with or without a byte-order mark; None otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def parse_csv(data: bytes) -> Parsed:
    text = decode(data)
    if text is None:
        return Parsed(problem=FileProblem.NOT_UTF8)
    return parse_table(text)


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _columns(header: list[str]) -> dict[str, int] | None:
    """Column positions from a header row, or None when the row is not a header."""
    labels = [" ".join(cell.strip().lower().replace("*", "").split()) for cell in header]
    found: dict[str, int] = {}
    for index, label in enumerate(labels):
        for key, names in HEADERS.items():
            if label in names and key not in found:
                found[key] = index
    if not found or any("@" in cell for cell in header):
        return None
    return found


def parse_table(text: str) -> Parsed:
    """A roster table (see the module docstring), every problem reported by its line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    items: list[RosterRow | RowError] = []
    columns: dict[str, int] | None = None
    seen_first = False
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if not seen_first:
                seen_first = True
                columns = _columns(cells)
                if columns is not None:
                    if "email" not in columns:
                        return Parsed(problem=FileProblem.NO_EMAIL_COLUMN)
                    continue
            items.append(_table_row(start, cells, columns))
            if len(items) > MAX_ROWS:
                return Parsed(problem=FileProblem.TOO_MANY_ROWS)
    except csv.Error:
        return Parsed(problem=FileProblem.UNREADABLE)
    return _finish(items)


def _table_row(line: int, cells: list[str], columns: dict[str, int] | None) -> RosterRow | RowError:
    if columns is None:
        filled = [c for c in cells if c.strip()]
        if any(c.strip() for c in cells[len(POSITIONAL) :]):
            return RowError(line, RowProblem.TOO_MANY_COLUMNS, ", ".join(filled)[:80])
        if len(filled) == 1:  # a bare list of emails
            return _row(line, filled[0])
        values = dict(zip(POSITIONAL, cells, strict=False))
    else:

        def cell(key: str) -> str:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else ""

        values = {key: cell(key) for key in ("email", "organisation", "country")}
        values["name"] = cell("name") or f"{cell('first')} {cell('last')}"
    return _row(
        line,
        values.get("email", ""),
        values.get("name", ""),
        values.get("organisation", ""),
        values.get("country", ""),
    )


# --- carrying the rows from the preview to the import -------------------------------


def to_json(rows: tuple[RosterRow, ...]) -> str:
    return json.dumps([asdict(r) for r in rows], ensure_ascii=False, separators=(",", ":"))


def from_json(text: str) -> Parsed | None:
    """The rows a preview carried; None when the text is not what to_json wrote."""
    try:
        data: Any = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, list) or len(data) > MAX_ROWS:
        return None
    items: list[RosterRow | RowError] = []
    for item in data:
        if not isinstance(item, dict) or set(item) != {"line", "email", "name", "organisation", "country"}:
            return None
        if not isinstance(item["line"], int) or not all(
            isinstance(item[k], str) for k in ("email", "name", "organisation", "country")
        ):
            return None
        items.append(_row(item["line"], item["email"], item["name"], item["organisation"], item["country"]))
    return _finish(items)
