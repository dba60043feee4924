"""What a chat message asks of the job search: a role, a place, remote, a type of employment; and
whether it refines the search before it ("what about in Dublin?") or starts a new one."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from api.jobs.search import FILLER, Criteria, expand, words

_TYPES = (
    (re.compile(r"\b(intern|interns|internship|internships|students?|placement|co-?op)\b"), "INTERN"),
    (re.compile(r"\bpart[- ]?time\b"), "PART_TIME"),
    (re.compile(r"\bfull[- ]?time\b"), "FULL_TIME"),
    (re.compile(r"\b(contract|contractor|freelance)\b"), "CONTRACTOR"),
    (re.compile(r"\b(temporary|temp|seasonal)\b"), "TEMPORARY"),
)
_REMOTE = re.compile(r"\b(remote(ly)?|work(ing)? from home|wfh|telecommut\w*|anywhere)\b")
_FOLLOW_UP = re.compile(
    r"^\s*(what|how) about\b|^\s*(and|also|only|just)\b|^\s*(any|anything|some) (in|at|near)\b|^\s*(in|at|near)\b"
)
# Words that only say "a place comes next" or "the kind of job", dropped from the role.
_PLACE_CUE = re.compile(r"\b(in|at|near|around|based in|located in|from)\s*$")


# (And "what if it was a hardware role instead?": a supposition, not part of the role.)
_ACKNOWLEDGED = re.compile(r"\bgot\s+it\b|\bi\s+see\b|\bif\s+it\s+(?:was|were|is)\b|\binstead\b")


def interpret(text: str, previous: Criteria | None, known_place: Callable[[str], str | None]) -> tuple[Criteria, bool]:
    """(the criteria of this message, whether it refined `previous`). `known_place` answers the place
    name the job set knows a phrase as (None: not a place of any job)."""
    # "got it. also do u have remote jobs?" searches for remote jobs, not for "got it".
    lowered = _ACKNOWLEDGED.sub(" ", expand(text))
    employment_type = ""
    for pattern, value in _TYPES:
        if pattern.search(lowered):
            employment_type = value
            lowered = pattern.sub(" ", lowered)
            break
    remote = True if _REMOTE.search(lowered) else None
    lowered = _REMOTE.sub(" ", lowered)
    tokens = words(lowered)
    location, used = "", set[int]()
    # The longest run of up to three words that names a place of the job set ("new york", "dublin").
    for size in (3, 2, 1):
        for start in range(len(tokens) - size + 1):
            span = range(start, start + size)
            if used & set(span):
                continue
            phrase = " ".join(tokens[start : start + size])
            if phrase in FILLER or (size == 1 and len(phrase) < 3 and phrase not in ("la", "sf", "uk", "us")):
                continue
            place = known_place(phrase)
            if place:
                location, used = place, set(span)
                break
        if location:
            break
    role = " ".join(t for i, t in enumerate(tokens) if i not in used and t not in FILLER)
    # "what about in Dublin?", "only remote ones" and a bare "Dublin?" change the last search; a role or
    # a kind of job without such a cue ("internships for students") is a search of its own.
    only_a_place = not role and not employment_type and remote is None
    refines = previous is not None and (bool(_FOLLOW_UP.search(text.lower())) or only_a_place)
    if refines and previous is not None:
        criteria = replace(
            previous,
            q=role or previous.q,
            location=location or previous.location,
            employment_type=employment_type or previous.employment_type,
            remote=remote if remote is not None else previous.remote,
        )
        return criteria, True
    return Criteria(q=role, location=location, employment_type=employment_type, remote=remote), False
