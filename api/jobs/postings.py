"""The one job model every feed is read into, shaped like schema.org's JobPosting."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

# schema.org / Google's employmentType values; OTHER when a feed does not say.
EmploymentType = Literal[
    "FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER", "PER_DIEM", "OTHER"
]
EMPLOYMENT_TYPES: tuple[str, ...] = get_args(EmploymentType)
Workplace = Literal["on-site", "hybrid", "remote", "unknown"]
WORKPLACES = ("on-site", "hybrid", "remote", "unknown")


@dataclass(frozen=True)
class JobPosting:
    id: str  # the feed's own id of the job, unique within its source
    title: str
    locations: tuple[str, ...] = ()
    team: str = ""
    employment_type: str = "OTHER"
    workplace: str = "unknown"
    description: str = ""  # plain text
    apply_url: str = ""
    url: str = ""
    posted_at: datetime | None = None
    updated_at: datetime | None = None
    source: str = field(default="", compare=False)

    def content_hash(self) -> str:
        """Changes when anything a candidate sees or searches changes (not the source's name). Fields
        listed by hand: dataclasses.asdict deep-copies, and was a fifth of a 20,000-job refresh."""
        data = [
            self.id,
            self.title,
            list(self.locations),
            self.team,
            self.employment_type,
            self.workplace,
            self.description,
            self.apply_url,
            self.url,
            str(self.posted_at),
            str(self.updated_at),
        ]
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:32]


def employment_type_of(label: str | None, title: str = "") -> str:
    """A feed's own wording ("Full-time", "permanent", "Internship", "contract") as a schema.org value."""
    text = (label or "").strip().lower().replace("-", " ").replace("_", " ")
    if text.upper().replace(" ", "_") in EMPLOYMENT_TYPES:
        return text.upper().replace(" ", "_")
    for words, value in (
        (("intern", "internship", "working student", "apprentice", "trainee"), "INTERN"),
        (("part time", "parttime"), "PART_TIME"),
        (("contract", "contractor", "freelance"), "CONTRACTOR"),
        (("temporary", "temp", "seasonal", "fixed term"), "TEMPORARY"),
        (("full time", "fulltime", "permanent", "regular"), "FULL_TIME"),
        (("volunteer",), "VOLUNTEER"),
        (("per diem",), "PER_DIEM"),
    ):
        if any(w in text for w in words):
            return value
    if " intern" in f" {title.lower()}":
        return "INTERN"
    return "OTHER"


def workplace_of(label: str | None, *places: str) -> str:
    """A feed's workplace wording, or failing that the location's ("Remote - US", "Berlin (Hybrid)")."""
    text = (label or "").strip().lower().replace("_", "-")
    if text in ("remote", "telecommute", "fully remote"):
        return "remote"
    if text == "hybrid":
        return "hybrid"
    if text in ("onsite", "on-site", "on site", "office", "in-office"):
        return "on-site"
    joined = " ".join(places).lower()
    if "remote" in joined:
        return "remote"
    if "hybrid" in joined:
        return "hybrid"
    return "unknown"
