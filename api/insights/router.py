"""GET /api/insights: the dashboard's data for a period, and each chart's numbers as CSV (staff and writers)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from redaction import redact

from api import db
from api.clock import utcnow
from api.csv_export import to_csv
from api.deps import CurrentUser, KnowledgeDep, SettingsDep
from api.insights import service
from api.insights.schemas import BucketSize, InsightsOut, Period, UnansweredGroup

router = APIRouter(prefix="/api/insights", tags=["insights"])

ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "Not signed in"}}
Chart = Literal["timeline", "replies", "handoffs", "sections"]


async def _insights(
    settings: SettingsDep,
    period: Period,
    start: dt.date | None,
    end: dt.date | None,
    bucket: BucketSize | None,
) -> InsightsOut:
    first, last, size = service.period_bounds(period, start, end, bucket, utcnow().date())
    return await db.run(service.insights, period, first, last, size, settings.staff_hours, settings.staff_timezone)


PeriodQuery = Annotated[Period, Query(description="today, 7d, 30d or custom (with start and end)")]
DateQuery = Annotated[
    dt.date | None,
    Query(
        description="YYYY-MM-DD (UTC), a custom period's first or last day (the answer's `period` says what was shown)"
    ),
]
BucketQuery = Annotated[BucketSize | None, Query(description="hour or day; default: hours for one or two days")]


@router.get("", summary="The insights dashboard's data for a period", response_model=InsightsOut, responses=ERRORS)
async def insights(
    settings: SettingsDep,
    _: CurrentUser,
    period: PeriodQuery = "7d",
    start: DateQuery = None,
    end: DateQuery = None,
    bucket: BucketQuery = None,
) -> InsightsOut:
    return await _insights(settings, period, start, end, bucket)


TOP_UNANSWERED = 10


async def _unanswered(knowledge: KnowledgeDep) -> list[UnansweredGroup]:
    """The writers' grouping of unanswered questions (api/knowledge/insight.py), its top groups, with
    one example each whose emails, tokens and phone numbers are masked (candidates type them anywhere)."""
    _, groups = await knowledge.unanswered.build(knowledge.embedder)
    return [
        UnansweredGroup(
            example=redact(g.example),
            count=g.count,
            last_seen=g.last_seen.isoformat(timespec="seconds") if g.last_seen else None,
        )
        for g in groups[:TOP_UNANSWERED]
    ]


@router.get(
    "/unanswered",
    summary="The top groups of questions the assistant could not answer (newest 1,000 fallbacks)",
    response_model=list[UnansweredGroup],
    responses=ERRORS,
)
async def unanswered(knowledge: KnowledgeDep, _: CurrentUser) -> list[UnansweredGroup]:
    return await _unanswered(knowledge)


@router.get(
    "/unanswered.csv",
    summary="The top unanswered question groups as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **ERRORS},
)
async def unanswered_csv(knowledge: KnowledgeDep, _: CurrentUser) -> Response:
    rows = ([g.example, g.count, g.last_seen or ""] for g in await _unanswered(knowledge))
    return Response(
        to_csv(["example", "count", "last_seen"], rows),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="insights-unanswered.csv"'},
    )


def _rows(data: InsightsOut, chart: Chart) -> tuple[list[str], list[list[object]]]:
    if chart == "timeline":
        header = ["bucket", "conversations", "candidate_messages", "handed_off", "containment"]
        return header, [
            [p.bucket, p.conversations, p.messages, p.handed_off, "" if p.containment is None else p.containment]
            for p in data.timeline
        ]
    if chart == "replies":
        return ["kind", "label", "count", "share"], [[r.kind, r.label, r.count, r.share] for r in data.replies]
    if chart == "sections":
        return ["section", "helpful", "unhelpful", "unhelpful_share"], [
            [s.section, s.up, s.down, s.down_share] for s in data.sections
        ]
    summary = data.handoffs.model_dump()
    return ["measure", "value"], [[k, "" if v is None else v] for k, v in summary.items()]


@router.get(
    "/{chart}.csv",
    summary="One chart's numbers as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **ERRORS},
)
async def insights_csv(
    chart: Chart,
    settings: SettingsDep,
    _: CurrentUser,
    period: PeriodQuery = "7d",
    start: DateQuery = None,
    end: DateQuery = None,
    bucket: BucketQuery = None,
) -> Response:
    data = await _insights(settings, period, start, end, bucket)
    header, rows = _rows(data, chart)
    name = f"insights-{chart}-{data.period.start[:10]}-{data.period.end[:10]}.csv"
    return Response(
        to_csv(header, rows),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
