"""Calendar export (iCalendar, RFC 5545): one all-day VEVENT per due date.

Written with the ``icalendar`` package, which escapes text values (``\\``, ``;``, ``,``,
new lines) and folds lines longer than 75 octets as the RFC requires.  The caller words
every text in the reader's language; this module only lays the entries out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from icalendar import Calendar, Event

PRODID = "-//saleshealth//action plan//EN"
MIMETYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One due date."""

    uid: str
    """Stable across exports, so a subscribed calendar updates the event instead of adding
    another (e.g. ``plan-item-12@example.com``)."""
    day: dt.date
    summary: str
    description: str = ""
    url: str = ""
    modified: dt.datetime | None = None


def calendar(entries: Sequence[CalendarEntry], name: str, stamp: dt.datetime) -> bytes:
    """The calendar file: ``name`` as its display name, ``stamp`` (UTC) as every event's
    DTSTAMP; all-day events (DTSTART and the exclusive DTEND as dates)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = stamp.astimezone(dt.UTC)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + dt.timedelta(days=1))
        event.add("summary", entry.summary)
        event.add("transp", "TRANSPARENT")
        if entry.description:
            event.add("description", entry.description)
        if entry.url:
            event.add("url", entry.url)
        if entry.modified is not None:
            event.add("last-modified", entry.modified.astimezone(dt.UTC))
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
