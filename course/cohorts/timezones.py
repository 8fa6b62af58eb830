"""Cohort time zones: the IANA names offered, and meeting times between local clocks and UTC instants."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

from course.models import (
    Meeting,
)

# --- time zones ---------------------------------------------------------------------

DEFAULT_TIMEZONE = "UTC"


class UnknownTimezone(ValueError):
    """A name that is not an IANA time zone known here."""

    def __init__(self, name: str):
        super().__init__(f"unknown time zone: {name!r}")
        self.name = name


class NonexistentLocalTime(ValueError):
    """A wall-clock time the zone skips (clocks go forward): no instant has it."""

    def __init__(self, local: datetime, zone: str, meeting: Meeting | None = None):
        super().__init__(f"{local:%Y-%m-%d %H:%M} does not exist in {zone}")
        self.local = local
        self.zone = zone
        self.meeting = meeting  # the meeting that would land there, when a zone change is refused


@functools.cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone name known here, sorted.

    The tzdata package (a dependency) guarantees the full set where the system has
    no zone database (Windows). "localtime" is left out: it names whatever zone the
    server is set to, not a place.
    """
    return tuple(sorted(available_timezones() - {"localtime", "posixrules"}))


@functools.cache
def _known_timezones() -> frozenset[str]:
    return frozenset(timezone_names())


@functools.cache
def timezone_choices() -> tuple[str, ...]:
    """The zones a new cohort can be put in, sorted: UTC and the zones of zone.tab.

    timezone_names() also holds about 180 old and deprecated names kept for old
    software (US/Eastern, Asia/Saigon, Cuba, Etc/GMT+3…), each the same clock as a
    current name: they would make the select of the cohort form about a third
    heavier, on the slow connections of many instructors, and offer two names for
    one place. zone.tab is the tz database's own list for people to choose from:
    each country's zones under their current names (Europe/Oslo and Africa/Kampala
    as well as Europe/Berlin and Africa/Nairobi). It is read from the tzdata
    package (a dependency), so every server offers the same list; a name this
    server's zone database does not know is left out. A cohort saved earlier under
    an old name keeps it (every name of timezone_names() stays valid).
    """
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    names = {line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")}
    return tuple(sorted((names | {DEFAULT_TIMEZONE}) & _known_timezones()))


def is_timezone(name: str | None) -> bool:
    return name in _known_timezones()


def zone(name: str) -> ZoneInfo:
    """The zone of this IANA name; UnknownTimezone for any other string."""
    if not is_timezone(name):
        raise UnknownTimezone(name)
    return ZoneInfo(name)


def to_instant(zone_name: str, local: datetime) -> datetime:
    """The UTC instant of a wall-clock time (naive) in a zone.

    A time the zone skips raises NonexistentLocalTime; a time it repeats is the first
    occurrence (fold=0), i.e. still on the offset in force before the clocks go back.
    """
    tz = zone(zone_name)
    wall = local.replace(tzinfo=None, fold=0)
    instant = wall.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        raise NonexistentLocalTime(wall, zone_name)
    return instant


def local_time(zone_name: str, instant: datetime) -> datetime:
    """An instant as the zone's wall clock shows it (aware, in that zone)."""
    return instant.astimezone(zone(zone_name))
