"""CSV import into a real SQLite store: all rows or none, with per-row errors."""

from __future__ import annotations

import asyncio

import pytest

from api.status.store import COLUMNS, DEMO_CSV, import_csv, parse_csv, seed_demo

HEADER = ",".join(COLUMNS)
ROW = 'c-1,Ana,ana@example.com,a-1,Solutions Architect,R-1,"Austin, TX",assessment,active,2026-11-01,Take the test.'


@pytest.fixture
def store(service_database):
    """The built-in store on SQLite (the default) and on a real PostgreSQL server."""
    return service_database


def apps(candidate: str):
    from api.status.adapters import BuiltinStatusAdapter

    return asyncio.run(BuiltinStatusAdapter(2.0).applications(candidate))


def test_valid_csv_is_imported_and_updated_on_reimport(store):
    f = store / "in.csv"
    f.write_text(f"{HEADER}\n{ROW}\n")
    assert import_csv(f) == (1, [])
    f.write_text(f"{HEADER}\n{ROW.replace('assessment', 'phone_interview')}\n")
    assert import_csv(f) == (1, [])
    [app] = apps("c-1")
    assert app.stage == "phone_interview" and app.stage_label == "phone interview"


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(store):
    f = store / "in.csv"
    bad_stage = ROW.replace("a-1", "a-2").replace("assessment", "onsite")
    bad_date = ROW.replace("a-1", "a-3").replace("2026-11-01", "yesterday")
    f.write_text(f"{HEADER}\n{ROW}\n{bad_stage}\n{bad_date}\n")
    count, problems = import_csv(f)
    assert count == 0
    assert [p.line for p in problems] == [3, 4]
    assert "stage 'onsite' is not one of" in problems[0].message
    assert str(problems[1]).startswith(f"{f}:4: last_update 'yesterday'")
    assert apps("c-1") == []


def test_missing_columns_are_named():
    _, problems = parse_csv("candidate_id,job_title\nx,y\n", "f.csv")
    assert "missing column(s): candidate_name" in problems[0].message


def test_duplicate_application_ids_are_refused():
    _, problems = parse_csv(f"{HEADER}\n{ROW}\n{ROW}\n", "f.csv")
    assert problems[0].message == "application_id a-1 is also on line 2"


def test_demo_candidates_are_seeded_once(store):
    assert seed_demo() == len(DEMO_CSV.read_text().strip().splitlines()) - 1
    assert seed_demo() == 0
    assert [a.id for a in apps("demo-ben")] == ["app-2001", "app-2002"]
    assert apps("demo-cara")[0].state == "not_selected"
