"""What the status endpoint returns: one candidate's applications, in words a candidate understands."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Stage = Literal["application_received", "assessment", "phone_interview", "interview_loop", "decision"]
State = Literal["active", "offer", "not_selected", "withdrawn"]

STAGE_LABELS: dict[str, str] = {
    "application_received": "application received",
    "assessment": "online assessment",
    "phone_interview": "phone interview",
    "interview_loop": "interview loop",
    "decision": "decision",
}
STATE_LABELS: dict[str, str] = {
    "active": "in progress",
    "offer": "offer made",
    "not_selected": "not selected",
    "withdrawn": "withdrawn",
}


class ApplicationOut(BaseModel):
    id: str
    job_title: str
    requisition_id: str
    location: str
    stage: Stage
    stage_label: str = ""
    state: State
    state_label: str = ""
    last_update: dt.date
    next_step: str

    def model_post_init(self, _context: object) -> None:
        self.stage_label = STAGE_LABELS[self.stage]
        self.state_label = STATE_LABELS[self.state]


class StatusResponse(BaseModel):
    candidate_id: str
    applications: list[ApplicationOut] = Field(description="Only the signed-in candidate's applications")
