"""Write the sample CRM exports used by the tests (run once; the outputs are committed).

Every sample holds the same nine deals as the golden example in tests/core/test_crm.py,
written the way each CRM exports them: header names, stage names, date and number formats.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent

# id, owner, status, amount, created, close, stage_changed, lost reason, stage per CRM
DEALS = [
    ("W1", "Anna", "won", 10000, "2024-01-01", "2024-01-31", None, ""),
    ("W2", "Bogdan", "won", 20000, "2024-02-01", "2024-03-12", None, ""),
    ("L1", "Anna", "lost", 5000, "2024-01-10", "2024-02-29", None, "Price"),
    ("L2", "Bogdan", "lost", 15000, "2024-03-01", "2024-04-30", None, "Price"),
    ("L3", "Anna", "lost", 10000, "2024-03-15", "2024-03-25", None, "No decision"),
    ("O1", "Anna", "open", 1000, "2024-06-01", "2024-07-15", "2024-06-20", ""),
    ("O2", "Bogdan", "open", 4000, "2024-02-01", "2024-08-31", None, ""),
    ("O3", "Anna", "open", 5000, "2024-03-01", "2024-07-20", "2024-04-01", ""),
    ("O4", "Bogdan", "open", 2000, "2024-06-10", "2024-08-15", "2024-06-15", ""),
]
STAGES = {
    "salesforce": {
        "W": "Closed Won",
        "L": "Closed Lost",
        "O1": "Proof of Concept",
        "O2": "Prospecting",
        "O3": "Negotiation/Review",
        "O4": "Proposal/Price Quote",
    },
    "hubspot": {
        "W": "Closed won",
        "L": "Closed lost",
        "O1": "Trial",
        "O2": "Appointment scheduled",
        "O3": "Contract sent",
        "O4": "Proposal",
    },
    "pipedrive": {
        "W": "Negotiations Started",
        "L": "Demo Scheduled",
        "O1": "Trial",
        "O2": "Lead In",
        "O3": "Negotiations Started",
        "O4": "Proposal Made",
    },
}


def stage(crm: str, deal_id: str) -> str:
    table = STAGES[crm]
    return table.get(deal_id, table.get(deal_id[0], ""))


def us(d: str | None) -> str:
    if not d:
        return ""
    t = datetime.fromisoformat(d)
    return f"{t.month}/{t.day}/{t.year}"


def salesforce() -> None:
    with (HERE / "salesforce.csv").open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Opportunity ID",
                "Opportunity Name",
                "Opportunity Owner",
                "Stage",
                "Amount",
                "Opportunity Currency",
                "Created Date",
                "Close Date",
                "Loss Reason",
                "Last Stage Change Date",
            ]
        )
        for i, owner, _status, amount, created, close, changed, reason in DEALS:
            w.writerow(
                [
                    f"006{i}",
                    f"Deal {i}",
                    owner,
                    stage("salesforce", i),
                    f"{amount:,.2f}",
                    "EUR",
                    us(created),
                    us(close),
                    reason,
                    us(changed),
                ]
            )


def hubspot() -> None:
    with (HERE / "hubspot.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Record ID",
                "Deal Name",
                "Deal Stage",
                "Amount",
                "Deal owner",
                "Create Date",
                "Close Date",
                "Closed Lost Reason",
                "Currency",
            ]
        )
        for i, owner, _status, amount, created, close, _changed, reason in DEALS:
            w.writerow(
                [
                    f"9{i}",
                    f"Deal {i}",
                    stage("hubspot", i),
                    str(amount),
                    owner,
                    f"{created} 09:30",
                    f"{close} 17:00",
                    reason,
                    "EUR",
                ]
            )


def pipedrive() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Deals"
    ws.append(
        [
            "Deal - ID",
            "Deal - Title",
            "Deal - Owner",
            "Deal - Value",
            "Deal - Currency",
            "Deal - Stage",
            "Deal - Status",
            "Deal - Deal created",
            "Deal - Expected close date",
            "Deal - Deal closed on",
            "Deal - Lost reason",
            "Deal - Last stage change",
        ]
    )
    for i, owner, status, amount, created, close, changed, reason in DEALS:
        closed = status != "open"
        ws.append(
            [
                int(i[1]) + (100 if i[0] == "W" else 200 if i[0] == "L" else 300),
                f"Deal {i}",
                owner,
                float(amount),
                "EUR",
                stage("pipedrive", i),
                status,
                datetime.fromisoformat(created),
                None if closed else datetime.fromisoformat(close),
                datetime.fromisoformat(close) if closed else None,
                reason or None,
                datetime.fromisoformat(changed) if changed else None,
            ]
        )
    wb.save(HERE / "pipedrive.xlsx")


def polish() -> None:
    with (HERE / "polish_custom.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(
            [
                "Nr",
                "Handlowiec",
                "Faza",
                "Wartość brutto",
                "Waluta",
                "Założono",
                "Data zamknięcia",
                "Status",
                "Powód przegranej",
            ]
        )
        words = {"won": "wygrana", "lost": "przegrana", "open": "otwarta"}
        for i, owner, status, amount, created, close, _changed, reason in DEALS:
            d = datetime.fromisoformat
            w.writerow(
                [
                    i,
                    owner,
                    stage("hubspot", i),
                    f"{amount:,.2f}".replace(",", " ").replace(".", ","),
                    "PLN",
                    d(created).strftime("%d.%m.%Y"),
                    d(close).strftime("%d.%m.%Y"),
                    words[status],
                    reason,
                ]
            )


if __name__ == "__main__":
    salesforce()
    hubspot()
    pipedrive()
    polish()
