"""Whether an answer can answer the *kind* of thing a question asks for.

A question that asks for a quantity ("how long is the phone interview?", "how many interviews are in
the loop?") is only answered by text that states one. The closest section is often on the right
topic and says nothing of the kind: the candidate then got a paragraph about the phone interview for
a question about its length, which reads as an answer and is not one. The source page gives few
quantities (the steps, the assessments' durations, the reply time, the tips, one résumé), so such a
question over a section without a quantity is refused as uncovered, with the offer of a person.

Only the question's own request counts: "will there be brain teasers like how many golf balls fit in
a plane?" asks about brain teasers, so a "how many" that does not open a clause is not a request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

Wanted = Literal["duration", "count", "amount", "frequency", "future"]

# A clause opens with the quantity question, possibly after a connective or a short lead-in
# ("had my phone screen yesterday, how long until...", "back to the assessments - how long...").
_CLAUSE = re.compile(r"[^,;:.!?\u2014\u2013()]+")
_LEAD = (
    r"^\s*(?:(?:and|so|ok|okay|but|also|then|hey|hi|um|uh|oh|ah|hmm|right|alright|actually|anyway|btw|lol|just wondering|quick question|wait"
    r"|normally|usually|typically|generally|roughly|approximately|like)\b[\s,]*)*"
)
_ASKS = [
    ("duration", re.compile(_LEAD + r"how (?:long|soon|quickly|fast)\b", re.IGNORECASE)),
    ("count", re.compile(_LEAD + r"how many\b", re.IGNORECASE)),
    # "how much do the leadership principles actually matter?" asks how important, not an amount.
    (
        "amount",
        re.compile(
            _LEAD
            + r"how much\b(?![^?]*\b(?:matter|matters|count|counts|care|cares|weigh|weighs|help|helps|hurt|hurts)\b)",
            re.IGNORECASE,
        ),
    ),
    ("frequency", re.compile(_LEAD + r"how often\b", re.IGNORECASE)),
]
# "how often does the portal update my status?": every so often, daily, twice a week...
_FREQUENCY = re.compile(
    r"\b(?:every|each)\s+(?:\w+\s+)?(?:day|week|month|hour|year)s?\b|\b(?:daily|weekly|monthly|hourly|yearly|annually)\b"
    r"|\b(?:once|twice|\w+\s+times)\s+(?:a|an|per)\s+\w+\b|\b(?:in\s+)?real[\s-]time\b"
    # "how often do you review applications?": continuously, as they come in.
    r"|\brolling\s+basis\b",
    re.IGNORECASE,
)
# "how much time / how many minutes" ask for a duration whatever the opening word.
_TIME_WORDS = re.compile(r"\bhow (?:much time|many (?:minutes|hours|days|weeks|months))\b", re.IGNORECASE)
# "which one is longer?", "is the second one shorter?": which of the things just named takes more time.
# ("should my answers be longer?" is about the answers' length, not a time.)
_TIME_COMPARED = re.compile(
    r"\bwhich(?:\s+one|\s+of\s+(?:them|those|the\s+two))?\s+(?:is|takes?)\s+(?:longer|shorter|quicker)\b"
    r"|\b(?:is|are)\s+(?:it|that|this|they|those|the\s+\w+\s+one)\s+(?:longer|shorter|quicker)\b",
    re.IGNORECASE,
)

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"a couple|a few|several|single|only one|a dozen|half"
)
_CARDINAL = re.compile(rf"\b(?:\d+(?:[.,]\d+)?|{_NUMBER_WORDS})\b", re.IGNORECASE)
_UNIT = r"(?:business |working |calendar )?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
# A length of time in a number ("two business days", "10-20 minutes")...
_IN_NUMBERS = rf"\b(?:\d+(?:\s*(?:-|to|\u2013)\s*\d+)?|{_NUMBER_WORDS}|an?|a few)\s+{_UNIT}\b"
_TIME_IN_NUMBERS = re.compile(_IN_NUMBERS, re.IGNORECASE)
# ...or in words that answer "how long" too ("on a rolling basis", "immediately").
_DURATION = re.compile(rf"(?:{_IN_NUMBERS}|\brolling basis\b|\bimmediately\b)", re.IGNORECASE)


def states_time_in_numbers(text: str) -> bool:
    return bool(_TIME_IN_NUMBERS.search(text))


# "The number of assessments depends on the role" answers "how many assessments?" honestly.
_DEPENDS = re.compile(r"\b(?:depends on|depending on|varies|vary)\b", re.IGNORECASE)
_MONEY = re.compile(r"[$\u20ac\u00a3]\s*\d|\b\d+\s*(?:k|usd|dollars|euros|pounds)\b", re.IGNORECASE)


# "will it always be virtual?", "will it go back to in person later?": a question about how things will
# be, which a sentence about how they are now ("currently held virtually") does not answer.
_FUTURE_ASKED = re.compile(
    # "when are in person interviews coming back to offices"; not "when are they coming back to me" (a reply)
    r"\b(?:always\s+be|from\s+now\s+on|in\s+the\s+future|permanent(?:ly)?"
    r"|(?:it|they|things|interviews)\s+(?:go(?:es|ing)?|com(?:e|es|ing))\s+back(?!\s+to\s+(?:me|you|u|us)\b)"
    r"|going\s+forward|eventually|anymore|for\s+good"
    # "virtual forever?", "will it stay like that forever"; not "is it normal to wait forever?" (a long wait)
    # ("the process takes like forever": a long wait, said with a filler.)
    r"|(?<!wait\s)(?<!waiting\s)(?<!take\s)(?<!takes\s)(?<!taking\s)(?<!like\s)forever)\b",
    re.IGNORECASE,
)
# "i'm a recent grad, not a student anymore": what the candidate no longer is, not how things will be.
_NO_LONGER = re.compile(r"\b(?:not|no\s+longer)\s+(?:a|an)\s+[\w-]+(?:\s+[\w-]+)?\s+anymore\b", re.IGNORECASE)
_FUTURE_STATED = re.compile(
    r"\b(?:will|going\s+to|plans?|planned|in\s+the\s+future|permanent(?:ly)?|from\s+now\s+on|return)\b", re.IGNORECASE
)


# "do you ask brain teasers? like how many golf balls fit in a plane": the count is the puzzle's, an
# example of what is asked about, not a quantity the candidate wants to know.
_PUZZLE = re.compile(r"\bbrain\s*-?\s*teasers?\b|\btrick\s+questions?\b|\briddles?\b|\bpuzzles?\b", re.IGNORECASE)


def wanted(question: str) -> Wanted | None:
    """The kind of quantity the question asks for (or "future" for how things will be), or None when it
    asks for none."""
    if _FUTURE_ASKED.search(_NO_LONGER.sub(" ", question)):
        return "future"
    if _TIME_WORDS.search(question) or _TIME_COMPARED.search(question):
        return "duration"
    puzzle = bool(_PUZZLE.search(question))
    for clause in _CLAUSE.findall(question):
        for kind, pattern in _ASKS:
            if pattern.search(clause) and not (puzzle and kind in ("count", "amount")):
                return kind  # type: ignore[return-value]
    return None


# "do all jobs have it?", "does it depend on the job?", "do senior roles skip them?", "does everyone get
# both?": whether it is so for every role or candidate, which "depends on the role" answers. ("is it the
# same for everyone?" asks whether it is fair: the same experience for all, not this.)
_VARIES_ASKED = re.compile(
    r"\bdepends?\s+on\s+(?:the\s+|my\s+)?(?:job|role|position|team|level)s?\b"
    r"|\b(?:all|every|each)\s+(?:jobs?|roles?|positions?)\b"
    r"|\bsenior\s+(?:roles?|positions?|people|candidates|folks)\b"
    r"|\bdoes\s+every(?:one|body)\s+(?:get|take|do|have)\b"
    # "do i get both?" after the two assessment types: whether every candidate takes each.
    r"|\bdo\s+i\s+(?:get|take|do|have\s+to\s+(?:do|take))\s+(?:both|all\s+of\s+them)\b"
    # "or is it different per role?"
    r"|\bdiffer(?:ent|s)?\s+(?:per|for\s+each|for\s+every|by|between|across)\s+(?:jobs?|roles?|positions?)\b",
    re.IGNORECASE,
)


_SAME = re.compile(r"\bsame\b", re.IGNORECASE)
# "does every role have the same number of tests?", "the same assessments": what is the same is a thing
# of the role, not the fairness "is it the same for everyone?" asks about.
_SAME_THING = re.compile(
    r"\bsame\s+(?:number|amount|count|kinds?|types?|assessments?|tests?)\b"
    r"|\bsame\b.*\bor\s+(?:is\s+it\s+)?different\b",
    re.IGNORECASE,
)


def asks_if_it_varies(text: str) -> bool:
    """Whether a message asks if something holds for every role or candidate."""
    return bool(_VARIES_ASKED.search(text)) and (not _SAME.search(text) or bool(_SAME_THING.search(text)))


def states_it_varies(text: str) -> bool:
    """Whether a text says something depends on (or varies with) something."""
    return bool(_DEPENDS.search(text))


def states(kind: Wanted, text: str) -> bool:
    """Whether the text states a quantity of that kind."""
    if kind == "future":
        return bool(_FUTURE_STATED.search(text))
    if kind == "duration":
        return bool(_DURATION.search(text))
    if kind == "count":
        return bool(_CARDINAL.search(text) or _DEPENDS.search(text))
    if kind == "frequency":
        return bool(_FREQUENCY.search(text))
    # "how much": money or an amount; the page states no pay, fee or amount, so only money or a number.
    return bool(_MONEY.search(text) or _DURATION.search(text))


# What the page gives quantities *of*: the steps (and the offer and the whole process, of which it gives
# none). A quantity
# question that names one is answered only by a sentence that states the quantity of that one: "how
# long after the final interviews do you hear back?" is not answered by "two business days after
# your phone interview", nor "how long from applying to offer?" by the work sample's 20-60 minutes.
_SUBJECTS = {
    "phone": "phone",
    "screen": "phone",
    "final": "in-person",
    "onsite": "in-person",
    "loop": "in-person",
    "person": "in-person",
    "virtual": "in-person",
    "assessment": "assessment",
    "assessments": "assessment",
    "oa": "assessment",
    "oas": "assessment",
    "simulation": "assessment",
    "style": "assessment",
    "sample": "assessment",
    "application": "application",
    "applications": "application",
    "applying": "application",
    "apply": "application",
    "offer": "offer",
    "offers": "offer",
}
_WORDS = re.compile(r"[a-z]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


# "how long does the whole thing take start to finish?": the whole process, whose length no step's
# duration gives.
_WHOLE = re.compile(
    r"\b(?:whole|entire|overall|start\s+to\s+finish|beginning\s+to\s+end|end\s+to\s+end|hiring\s+process)\b",
    re.IGNORECASE,
)


def subjects(text: str) -> set[str]:
    """The steps (or the offer, or the whole process) a text names."""
    named = {_SUBJECTS[w] for w in _WORDS.findall(text.lower()) if w in _SUBJECTS}
    return named | {"whole"} if _WHOLE.search(text) else named


def answers(question: str, texts: Iterable[str]) -> bool:
    """False when the question asks for a quantity that none of the texts states, or states only of
    another step than the one the question names."""
    kind = wanted(question)
    if kind is None:
        return True
    # Each sentence that states one, with the steps it is about: its own, or its text's when it names
    # none ("It typically takes 20-60 minutes").
    stating = [
        subjects(sentence) or subjects(t)
        for t in texts
        for sentence in _SENTENCE_END.split(t)
        if states(kind, sentence)
    ]
    if not stating:
        return False
    if kind == "count" and not _counts_what_is_asked(question, texts):
        return False
    named = subjects(question)
    return not named or any(named & about for about in stating)


# "how many questions are on the work style assessment?": the number must count what is asked ("one of
# the two common types" counts types, not questions). The process's parts are counted in its own words
# ("how many rounds?" is answered by "four steps"), so those are not held to their noun.
_COUNTED = re.compile(r"\bhow\s+many\s+([a-z]+)", re.IGNORECASE)
_PARTS_OF_PROCESS = frozenset(
    {"step", "stage", "round", "interview", "part", "phase", "assessment", "test", "type", "kind", "oa"}
)


def _counts_what_is_asked(question: str, texts: Iterable[str]) -> bool:
    m = _COUNTED.search(question)
    if m is None:
        return True
    noun = m.group(1).lower()
    noun = noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun
    if noun in _PARTS_OF_PROCESS:
        return True
    counting = re.compile(rf"(?:\b(?:\d+|{_NUMBER_WORDS})\s+(?:[\w-]+\s+){{0,2}}{re.escape(noun)})", re.IGNORECASE)
    return any(counting.search(t) or _DEPENDS.search(t) for t in texts)


_MINUTES = {"second": 1 / 60, "minute": 1, "min": 1, "hour": 60, "hr": 60, "day": 1440, "week": 10080, "month": 43200}
_AMOUNT_OF_TIME = re.compile(r"(\d+)\s*(second|minute|min|hour|hr|day|week|month)", re.IGNORECASE)


def longest_minutes(text: str) -> float:
    """The longest time a text states, in minutes ("20-60 minutes": 60), for ordering; 0 for none."""
    spans = re.sub(r"(\d+)\s*(?:-|to|\u2013)\s*(?=\d)", "", text)  # "20-60 minutes" -> "60 minutes"
    return max((int(n) * _MINUTES[unit.lower()] for n, unit in _AMOUNT_OF_TIME.findall(spans)), default=0.0)


def answers_first(question: str, text: str) -> bool:
    """Whether the text's first sentence stating the quantity asked is about what the question names:
    "two business days after your phone interview. More generally, applications are reviewed on a
    rolling basis" answers "how long to hear back after applying?" only in passing."""
    kind = wanted(question)
    if kind is None:
        return True
    first = next((s for s in _SENTENCE_END.split(text) if states(kind, s)), None)
    if first is None:
        return False
    named = subjects(question)
    return not named or bool(named & (subjects(first) or subjects(text)))


# "who reviews my application?", "and who does the phone interview?": a question for a person or a group,
# answered only by text that names people ("topic experts, future colleagues and bar raisers", "your
# employer's ethics officer", "current students and recent graduates"); "Amazon reviews applications on
# a rolling basis" names no one.
_ASKS_WHO = re.compile(_LEAD + r"(?:who|whom)\b", re.IGNORECASE)
_PEOPLE = re.compile(
    r"\b(?:recruiters?|interviewers?|experts?|colleagues?|bar\s+raisers?|officers?|managers?|people|persons?"
    r"|team(?:mates?)?|employers?|part(?:y|ies)|staff|someone|students?|graduates?|candidates?|employees?"
    r"|applicants?|veterans?|individuals?|anyone|everyone|commission|eeoc)\b",
    re.IGNORECASE,
)


def asks_who(question: str) -> bool:
    """Whether a clause of the question asks who."""
    return any(_ASKS_WHO.search(clause) for clause in _CLAUSE.findall(question))


def names_people(text: str) -> bool:
    return bool(_PEOPLE.search(text))


def people_named(text: str) -> int:
    """How many different words for people the text uses ("topic experts, future colleagues and bar
    raisers": three)."""
    return len({m.lower() for m in _PEOPLE.findall(text)})
