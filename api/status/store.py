"""Loading the built-in status store: CSV import (all rows or none) and the demo candidates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from api.db import migrate, session_scope
from api.knowledge.documents import Problem as RowProblem  # the same file:line: message record
from api.status.models import STAGES, STATES, Application, Candidate

COLUMNS = (
    "candidate_id",
    "candidate_name",
    "candidate_email",
    "application_id",
    "job_title",
    "requisition_id",
    "location",
    "stage",
    "state",
    "last_update",
    "next_step",
)
_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def parse_csv(text: str, name: str) -> tuple[list[dict[str, str]], list[RowProblem]]:
    """Validate every row; the rows are only usable when there are no problems."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [RowProblem(name, 1, f"missing column(s): {', '.join(missing)}; expected {','.join(COLUMNS)}")]
    rows: list[dict[str, str]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        clean = {k: (row.get(k) or "").strip() for k in COLUMNS}
        for key in ("candidate_id", "application_id"):
            if not clean[key] or not set(clean[key]) <= _ID_CHARS or len(clean[key]) > 64:
                problems.append(RowProblem(name, line, f"{key} must be 1-64 letters, digits, '-', '_' or '.'"))
        for key in ("candidate_name", "job_title", "requisition_id", "location", "next_step"):
            if not clean[key]:
                problems.append(RowProblem(name, line, f"{key} is empty"))
        if clean["stage"] not in STAGES:
            problems.append(RowProblem(name, line, f"stage '{clean['stage']}' is not one of {', '.join(STAGES)}"))
        if clean["state"] not in STATES:
            problems.append(RowProblem(name, line, f"state '{clean['state']}' is not one of {', '.join(STATES)}"))
        try:
            dt.date.fromisoformat(clean["last_update"])
        except ValueError:
            problems.append(
                RowProblem(name, line, f"last_update '{clean['last_update']}' is not a date like 2026-11-26")
            )
        if clean["application_id"] in seen:
            problems.append(
                RowProblem(
                    name,
                    line,
                    f"application_id {clean['application_id']} is also on line {seen[clean['application_id']]}",
                )
            )
        seen[clean["application_id"]] = line
        rows.append(clean)
    return rows, problems


def upsert(rows: list[dict[str, str]]) -> None:
    """Write all rows in one transaction: a failure leaves the store as it was."""
    migrate()
    with session_scope() as session:
        for row in rows:
            candidate = session.get(Candidate, row["candidate_id"])
            if candidate is None:
                candidate = Candidate(id=row["candidate_id"])
                session.add(candidate)
            candidate.name = row["candidate_name"]
            candidate.email = row["candidate_email"]
            app = session.get(Application, row["application_id"])
            if app is None:
                app = Application(id=row["application_id"])
                session.add(app)
            app.candidate_id = row["candidate_id"]
            app.job_title = row["job_title"]
            app.requisition_id = row["requisition_id"]
            app.location = row["location"]
            app.stage = row["stage"]
            app.state = row["state"]
            app.last_update = dt.date.fromisoformat(row["last_update"])
            app.next_step = row["next_step"]


def import_csv(path: Path) -> tuple[int, list[RowProblem]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return 0, [RowProblem(str(path), 1, "the file is not UTF-8 text; save it as UTF-8 CSV")]
    rows, problems = parse_csv(text, str(path))
    if problems:
        return 0, problems
    upsert(rows)
    return len(rows), []


DEMO_CSV = Path(__file__).with_name("demo.csv")


def seed_demo() -> int:
    """Load the demo candidates once, when the store has no candidates at all."""
    from sqlalchemy import func, select

    migrate()
    with session_scope() as session:
        if session.scalar(select(func.count()).select_from(Candidate)):
            return 0
    count, problems = import_csv(DEMO_CSV)
    if problems:  # the shipped file is tested; this would be a packaging error
        raise RuntimeError("; ".join(map(str, problems)))
    return count
