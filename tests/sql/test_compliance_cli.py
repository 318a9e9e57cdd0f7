"""`python -m mi kpis --data DIR --month M --format json` gives c1–c8 equal to a hand computation on a small data
folder written as a municipality exports it (CSV files, contract v1 + v2), through the real import."""

from __future__ import annotations

import json

import pytest

from mi.__main__ import main

FILES = {
    "children.csv": ["child_id", "B1", "B2", "B3", "B4"],
    "cases.csv": [
        "case_id,child_id,caseworker_id,team,opened_on,closed_on",
        "C1,B1,W1,Nord,2023-01-01,",
        "C2,B2,W2,Syd,2023-01-01,",
        "C3,B3,W1,Nord,2023-06-01,",
        "C4,B4,W2,Syd,2024-01-01,",
    ],
    "measures.csv": [
        "measure_id,child_id,measure_code,provider_type,start_on,end_on",
        "P1,B1,ANBR_PLEJEFAMILIE,kommunal,2023-03-01,",  # step 5, placed since March 2023
        "P2,B2,ANBR_DOGNINSTITUTION,regional,2024-02-01,",  # step 6, placed since February 2024
        "K1,B3,KONSULENT,intern,2023-10-01,",  # step 3
        "K2,B4,FAMILIEBEHANDLING,intern,2024-03-01,",  # step 3, started after E − 6 months
    ],
    # the latest posting makes "data as of" 30 June 2024
    "payments.csv": ["payment_id,posted_on,amount_dkk,measure_id", "U1,2024-06-30,1000,K1"],
    "notifications.csv": [
        "notification_id,child_id,received_at,source,assessed_at",
        "N1,B1,2024-06-03 09:00,skole,2024-06-04 08:59",  # 23 h 59 min: in time
        "N2,B2,2024-06-10,politi,2024-06-12",  # dates only: 12 June > 10 June + 1 day: late
        "N3,B3,2024-06-30 16:00,sundhed,",  # not assessed: late
        "N4,B4,2023-07-01,familie,2023-07-02",  # L12's first day; 2 July ≤ 1 July + 1 day: in time
        "N5,B4,2023-06-30 14:00,anonym,2023-06-30 15:00",  # the day before L12
    ],
    "investigations.csv": [
        "investigation_id,child_id,started_on,completed_on,child_talk_on",
        "I1,B1,2023-10-31,2024-02-29,2023-11-15",  # deadline 29 Feb 2024 (31 Oct + 4 months): on time; talk
        "I2,B2,2023-11-30,2024-04-01,",  # deadline 30 March 2024: late; no talk
        "I3,B3,2024-01-15,,",  # open; deadline 15 May 2024 < 30 June: overdue
        "I4,B4,2024-03-01,,",  # open; deadline 1 July 2024: not yet
    ],
    "activities.csv": [
        "activity_id,child_id,activity,done_on,measure_id",
        "A1,B1,plan,2023-03-05,P1",  # B1's current placement has a plan; B2's has none
        "A2,B1,opfoelgning,2024-01-15,P1",  # after E − 6 months (30 Dec 2023): counts
        "A3,B3,opfoelgning,2023-12-30,K1",  # on E − 6 months: not after it
        "A4,B1,tilsyn,2023-09-01,",
        "A5,B1,tilsyn,2024-03-01,",
    ],
}


def is_c(key: str) -> bool:
    """c1_… to c8_…"""
    return key[0] == "c" and key[1].isdigit()


@pytest.fixture
def folder(tmp_path):
    for name, lines in FILES.items():
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_kpis_json_gives_c1_to_c8_as_computed_by_hand(folder, capsys):
    assert main(["kpis", "--data", str(folder), "--month", "2024-06", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in out if is_c(k)} == {
        # received in June: N1, N2, N3
        "c1_notifications": 3,
        # L12 = 1 July 2023 – 30 June 2024: N1–N4 = 4 received; in time N1, N4 → 2 / 4
        "c2_assessed_24h_share": 0.5,
        # completed in L12: I1 (on time), I2 (late) → 1 / 2
        "c3_investigations_on_time_share": 0.5,
        # open on 30 June past the deadline: I3
        "c4_investigations_overdue": 1,
        # with a conversation with the child between start and completion: I1 → 1 / 2
        "c5_child_talk_share": 0.5,
        # current placement on 30 June: B1 (P1, plan A1), B2 (P2, no plan) → 1 / 2
        "c6_plan_share": 0.5,
        # step 3–6 active on 30 June and started by 30 Dec 2023: P1, K1; followed up after 30 Dec: P1 → 1 / 2
        "c7_follow_up_share": 0.5,
        # placed on 30 June and on 1 July 2023: B1; 2 tilsyn in L12 (1 Sept 2023, 1 March 2024) → 1 / 1
        "c8_supervision_share": 1.0,
    }


def test_a_folder_without_the_new_tables_gives_null(folder, capsys):
    for name in ("notifications.csv", "investigations.csv", "activities.csv"):
        (folder / name).unlink()
    assert main(["kpis", "--data", str(folder), "--month", "2024-06", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [out[k] for k in out if is_c(k)] == [None] * 8
    # and the v1 figures as before: B2 in an institution on 30 June
    assert out["f1_institution_children"] == 1
