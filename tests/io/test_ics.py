"""The calendar export (RFC 5545): escaping, folding, all-day events, stable UIDs."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from assessment.io.ics import CalendarEntry, calendar

STAMP = dt.datetime(2027, 3, 10, 9, 30, tzinfo=dt.UTC)


def test_one_all_day_event_per_entry_escaped_and_folded() -> None:
    tricky = "Pipeline review; owners, stages\\and a new line\nsecond line " + "ż" * 60
    data = calendar(
        [
            CalendarEntry("plan-item-1@example.com", dt.date(2027, 4, 9), tricky, "Notes: a, b; c"),
            CalendarEntry(
                "plan-item-2@example.com",
                dt.date(2027, 5, 9),
                "Second",
                url="https://app.example.com/clients/3/plan",
                modified=STAMP,
            ),
        ],
        "Action plan — Nordwind",
        STAMP,
    )
    text = data.decode("utf-8")
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)  # folded in octets
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    assert "SUMMARY:Pipeline review\\; owners\\, stages\\\\and a new line\\nsecond" in text
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20270409" in text and "DTEND;VALUE=DATE:20270410" in text
    assert "DTSTAMP:20270310T093000Z" in text
    parsed = Calendar.from_ical(data)
    events = list(parsed.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == ["plan-item-1@example.com", "plan-item-2@example.com"]
    assert str(events[0]["SUMMARY"]) == tricky  # round trip after unfolding and unescaping
    assert str(events[0]["DESCRIPTION"]) == "Notes: a, b; c"
    assert str(events[1]["URL"]) == "https://app.example.com/clients/3/plan"
    assert str(parsed["X-WR-CALNAME"]) == "Action plan — Nordwind"
    assert str(parsed["VERSION"]) == "2.0" and "PRODID" in parsed


def test_an_empty_plan_is_a_valid_empty_calendar() -> None:
    parsed = Calendar.from_ical(calendar([], "Empty", STAMP))
    assert list(parsed.walk("VEVENT")) == []
