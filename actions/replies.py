"""Pure functions that turn a search result into the custom payload the gateway expects."""

from __future__ import annotations

import json
from typing import Any


def response_text(domain: dict[str, Any], name: str) -> str:
    """The text of a domain response (first variation), so wording stays in the domain."""
    variations = domain.get("responses", {}).get(name) or [{}]
    first = variations[0]
    return str((first.get("custom") or {}).get("text") or first.get("text") or "")


def source_of(passage: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": passage["title"],
        "path": passage["path"],
        "heading": passage["heading"],
        "url": passage.get("url"),
    }


def answer_payload(result: dict[str, Any]) -> dict[str, Any]:
    passages = result["passages"]
    return {
        "kind": "answer",
        "text": "\n\n".join(p["text"] for p in passages),
        "buttons": [],
        "sources": [source_of(p) for p in passages],
    }


TALK_TO_A_PERSON = {"title": "Talk to a person", "payload": "/request_human"}


def partly_answered_payload(result: dict[str, Any], note: str) -> dict[str, Any]:
    """The answers to the questions of a message the knowledge answers, then the questions it does not
    (`unanswered`), said as not covered, with the offer of a person: nothing asked is passed over."""
    payload = answer_payload(result)
    asked = " / ".join(str(q).strip() for q in result.get("unanswered") or [])
    if asked and note:
        payload["text"] = f"{payload['text']}\n\n{note.replace('{questions}', asked)}"
        payload["buttons"] = [TALK_TO_A_PERSON]
    return payload


def repeated_payload(result: dict[str, Any], note: str) -> dict[str, Any]:
    """The answer given again as asked ("i don't get it"), saying that this is all the page says and
    offering a person: the same text a third time reads like a loop."""
    payload = answer_payload(result)
    payload["text"] = f"{payload['text']}\n\n{note}" if note else payload["text"]
    payload["buttons"] = [TALK_TO_A_PERSON]
    return payload


def clarify_payload(result: dict[str, Any], intro: str) -> dict[str, Any]:
    buttons = [
        {"title": p["heading"], "payload": "/ask_hiring" + json.dumps({"section_id": p["id"]}, separators=(",", ":"))}
        for p in result["passages"]
    ]
    return {"kind": "clarify", "text": intro, "buttons": buttons, "sources": []}


JOB_TYPES = {
    "FULL_TIME": "Full-time",
    "PART_TIME": "Part-time",
    "CONTRACTOR": "Contract",
    "TEMPORARY": "Temporary",
    "INTERN": "Internship",
    "VOLUNTEER": "Volunteer",
    "PER_DIEM": "Per diem",
}
# Buttons of a job list; "alerts" joins the talent community (a short form).
MORE_JOBS = {"title": "Show more jobs", "payload": "/more_jobs"}
REFINE_JOBS = {"title": "Refine the search", "payload": "/refine_jobs"}
JOB_ALERTS = {"title": "Get job alerts", "payload": "/join_talent_community"}


def search_words(criteria: dict[str, Any], plural: bool = True) -> str:
    """The search in words, for the reply: "data engineer jobs in Seattle", "remote internships"."""
    kind = criteria.get("employment_type") or ""
    noun = ("internship" if kind == "INTERN" else "job") + ("s" if plural else "")
    words = [
        "remote" if criteria.get("remote") else "",
        JOB_TYPES.get(kind, "").lower() if kind and kind != "INTERN" else "",
        str(criteria.get("q") or ""),
        noun,
    ]
    text = " ".join(w for w in words if w)
    place = str(criteria.get("location") or "")
    if place:
        text += " in " + place.title()
    team = str(criteria.get("team") or "")
    if team:
        text += f" in {team}"
    return text


def job_card(job: dict[str, Any]) -> dict[str, Any]:
    """What the widget shows of a job: title, place, team, type and the links."""
    places = list(job.get("locations") or [])
    place = places[0] if places else ""
    if len(places) > 1:
        place += f" (+{len(places) - 1} more)"
    if job.get("workplace") in ("remote", "hybrid") and job["workplace"] not in place.lower():
        place = f"{place} · {job['workplace'].capitalize()}" if place else job["workplace"].capitalize()
    return {
        "id": job["id"],
        "title": job["title"],
        "place": place,
        "team": job.get("team") or "",
        "type": JOB_TYPES.get(job.get("employment_type") or "", ""),
        "url": job.get("url") or job.get("apply_url") or "",
        "apply_url": job.get("apply_url") or job.get("url") or "",
    }


def jobs_payload(result: dict[str, Any], template: str, shown_before: int) -> dict[str, Any]:
    """The `jobs` reply: the domain's sentence filled in, up to five cards and the buttons."""
    jobs = [job_card(j) for j in result.get("jobs") or []]
    total = int(result.get("total") or 0)
    what = search_words(result.get("criteria") or {}, plural=total != 1)
    text = template.format(total=total, shown=len(jobs), what=what)
    buttons = []
    if shown_before + len(jobs) < total:
        buttons.append(MORE_JOBS)
    if total:
        buttons.append(REFINE_JOBS)
    buttons.append(JOB_ALERTS)
    return {"kind": "jobs", "text": text, "buttons": buttons, "sources": [], "jobs": jobs}


def looks_like_email(text: str) -> bool:
    """One address and nothing else: name@domain.tld (the service checks it again)."""
    text = text.strip()
    local, at, domain = text.partition("@")
    return (
        bool(at)
        and bool(local)
        and "." in domain.strip(".")
        and not any(c.isspace() for c in text)
        and "@" not in domain
    )
