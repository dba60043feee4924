"""Follow-up resolution: what a message means in the context of the conversation so far.

The dialogue tier owns the state (Rasa slots set by `action_answer_question`) and sends it with each
search; these pure functions decide, before any ranking, what kind of message it is:

- "next":     "what comes next?", "and after that?": the topic that follows the current one in the
              ordered hiring process (front matter `next:`), never the current one again;
- "previous": "and before that?", "what comes right before it": the topic the current one follows;
- "ordinal":  "the second one", "the other one": one of the topics the last answer listed
              (front matter `lists:`);
- "elliptical": a short or pronoun-led message ("why not?", "who do I ask?", "are they in person?"):
              searched within the current topic, and refused when that topic does not address its
              content words (never answered with the topic's section again);
- "own":      a message with its own subject: searched on its own, a new topic.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

from api.knowledge.index import plain_idioms, stem, tokenize, without_acknowledgement, without_recall

Kind = Literal["next", "previous", "ordinal", "elliptical", "own"]


@dataclass(frozen=True)
class Context:
    """What the dialogue tier remembers of the conversation (all optional)."""

    doc: str | None = None  # the current topic's document path, e.g. knowledge/phone-interview.md
    section: str | None = None  # the section last answered with
    listed: tuple[str, ...] = ()  # document paths the last answer named, in order
    step: str | None = None  # the hiring-process step (a document path) the candidate was last at
    refused: bool = False  # the last question was refused as not covered


@dataclass(frozen=True)
class Resolved:
    kind: Kind
    ordinal: int | None = None  # 0-based position in `listed`, -1 for "the other one"
    content: frozenset[str] = field(default_factory=frozenset)


# "it goes well", "that went ok": the step just described, supposed done.
_GOES_WELL = r"(?:it|that|this|that\s+one|everything|all)\s+(?:goes|went)\s+(?:well|ok|okay|fine|good)"
_NEXT = re.compile(
    # "ok done that. then what?": having done what was just described is no subject of its own.
    # "and then whats next?": "then" leads in as "and" does.
    r"^\W*(?:(?:ok(?:ay)?|so|and|then|right|cool|great|alright|got it|gotcha|thanks|thx|k|nice|perfect"
    # "ok done. what comes next?": done, with nothing named, is the step just described.
    r"|(?:i(?:'ve|\s+have)?\s+)?(?:done|did|finished|completed|submitted)(?:\s+(?:that|it|this|those|them))?"
    # "and if i pass that, whats next", "after i finish it, whats the next step", "and if it goes well":
    # the step just described, supposed done.
    r"|(?:and\s+)?(?:if|once|when|after|assuming)\s+(?:i\s+)?(?:pass|finish|complete|clear|get\s+through|do|ace|nail)"
    r"(?:es|ed)?\s+(?:that|it|this|those|them|that\s+one|this\s+one)"
    rf"|(?:and\s+)?(?:if|once|when|assuming)\s+{_GOES_WELL})\W+)*"
    r"(?:(?:and\s+)?then\s+what|what(?:'s|s|\s+is|\s+comes|\s+happens|(?:\s+is)?\s+coming)?\s+(?:next(?:\s+(?:after|from)\s+(?:that|this|it|there))?|after\s+that|after\s+this|then)"
    # "and the one after it", "what about the step after that"
    r"|(?:and\s+)?(?:what\s+about\s+)?the\s+(?:one|step|stage|part|round)\s+after\s+(?:that|this|it)"
    r"|(?:and\s+)?after\s+(?:that|this|those|these|them|it)(?:\s+one)?|what\s+(?:do\s+i\s+do|happens)\s+(?:next|after\s+(?:that|this))"
    r"|what(?:'s|s|\s+is)\s+the\s+next\s+(?:step|stage|round)(?:\s+like)?|next\s+step|and\s+next|then|next"
    # "and if it goes well?", "what if i pass it?": the supposition alone asks what follows it.
    rf"|(?:and\s+|so\s+|but\s+)?(?:what\s+)?(?:if|once|when|assuming)\s+(?:{_GOES_WELL}"
    r"|i\s+(?:pass|clear|ace|nail|get\s+through)(?:es|ed)?"
    r"(?:\s+(?:that|it|this|those|them|that\s+one|this\s+one))?))\b\W*$",
    re.IGNORECASE,
)
# "and before that?", "what comes right before it", "the step before this one": the step before the topic.
_PREVIOUS = re.compile(
    # "no i meant the one before that": a correction naming the step by its place is asked the same way.
    r"^\W*(?:(?:ok(?:ay)?|so|and|right|cool|alright|got it|k|wait|no+|nope|sorry|actually|oops|oh|ah|my\s+bad"
    r"|(?:i\s+)?(?:meant|mean|ment))\W+)*"
    r"(?:what(?:'s|s|\s+is|\s+comes|\s+happens)?\s+|(?:and\s+)?(?:what\s+about\s+)?the\s+(?:one|step|stage|part|round)\s+)?"
    r"(?:right\s+|just\s+)?before\s+(?:that|this|it)(?:\s+one)?\W*$",
    re.IGNORECASE,
)
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "last": -2}
# "the second one / step / assessment", or a bare "and the second?" at the end of the message.
_ORDINAL = re.compile(
    # ...or opening the message without "the": "third one - what do they ask?", "ok second one?".
    r"(?:\bthe\s+|^\W*(?:(?:and|ok(?:ay)?|so|what\s+about|how\s+about)\W+)*)(first|1st|second|2nd|third|3rd|fourth|4th|last)"
    r"(?:\s+(?:one|type|kind|step|stage|assessment|interview|part)\b|\s*[?.!]*\s*$)",
    re.I,
)
# "and 3?", "what about step 4": an item named by its number alone, after "what's step 2?".
_NUMBERED = re.compile(
    r"^\W*(?:(?:and|ok(?:ay)?|so|what\s+about|how\s+about)\W+)*(?:(?:step|stage|part|round|number|no\.?)\s*)?#?\s*([1-9])\W*$",
    re.I,
)
# Nothing but the reference ("and the second?", "what about the other one?"): the last question again,
# of that item. "What's the first one like?" asks something of its own.
_BARE_REFERENCE = re.compile(
    r"^\W*(?:(?:and|or|ok(?:ay)?|so|what\s+about|how\s+about)\W+)*(?:the\s+)?"
    r"(?:first|1st|second|2nd|third|3rd|fourth|4th|last|other)(?:\s+(?:one|type|kind))?"
    # "and the other type, the personality-ish one?": a description of the item, which asks nothing.
    r"(?:\W+(?:the|that)\s+[a-z][\w'-]*(?:\s+[a-z][\w'-]*)?\s+one)?(?:\W+again)?\W*$",
    re.IGNORECASE,
)


# "just finished my OA, what comes next?", "suppose my phone interview goes well - what's the step after
# that?": the step after one the message names itself, whatever the conversation's topic. ("After I hit
# Apply Now, what happens next?" is not here: it asks about the rest of a step, not the next one.)
# "what's usually the next step", "what typically happens after": how it goes as a rule, the same question.
_USUALLY = r"(?:generally\s+|usually\s+|normally\s+|typically\s+)?"
_NEXT_OF_NAMED = re.compile(
    r"\bwhat(?:'s|\s+is)\s+" + _USUALLY + r"the\s+(?:next\s+)?step\s+after\b"
    r"|\bwhat(?:'?s|\s+is)?\s+" + _USUALLY + r"(?:comes\s+|coming\s+)?next\b|\bwhat\s+" + _USUALLY + r"comes\s+after\b"
    # "what happens after i apply": the step after the one named; not "what happens after i click apply
    # now" (what the button does) or a bare "what happens after??" (the whole process).
    r"|\bwhat\s+"
    + _USUALLY
    + r"happens\s+after\s+(?=(?:i|you|applying|submitting|the|my)\b)(?!(?:i|you)\s+(?:click|hit|press)\b)"
    # "whats after the phone call", "what's right after the assessments"
    r"|\bwhat(?:'?s|\s+is|\s+comes)\s+(?:right\s+|directly\s+|just\s+)?after\s+(?=(?:the|my|your)\b)"
    r"|\b(?:the\s+)?(?:next\s+)?step\s+after\s+(?:that|this)\b|\bthe\s+next\s+(?:step|stage|round)\b",
    re.IGNORECASE,
)


# "just applied, what happens next?", "had my phone interview, now what?": a step the message says is
# done, and what happens now; "After I hit Apply Now, what happens next?" names no step done.
# "if i pass the data test whats after": a step supposed done.
_DONE = re.compile(
    r"\b(?:applied|submitted|finished|completed|passed|done\s+with|did|had|took)\b"
    # "just hit apply now on a support job, what happens after that": the click done, not asked about.
    r"|\bjust\s+(?:hit|clicked|pressed)\b"
    r"|\bif\s+i\s+(?:pass|get\s+through|clear|ace)\b",
    re.IGNORECASE,
)
_HAPPENS_NOW = re.compile(
    r"\bwhat\s+happens\s+(?:(?:next|now)\b|after\s+(?:that|this)\W*$)|\bwhat\s+now\b|\bnow\s+what\b"
    r"|\bwhat(?:'?s|\s+is)\s+after\W*$",
    re.IGNORECASE,
)


# "ok and after the OA?", "and after the final round?": a short message that is only "after <a step>".
# "ok and after i apply?", "and after applying?": the step is named by what the candidate does.
_AFTER_NAMED = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|right|cool|alright)\W+)*after\s+"
    r"(?:(?:the|my|your)\s+|(?:i|you|u)\s+(?=apply|submit|finish|complete|pass|do|take)|(?=applying\b|submitting\b))",
    re.I,
)


# "what's the round right before the loop", "is there some kind of interview before the big final round":
# the step before one the message names.
_BEFORE_NAMED = re.compile(
    r"\bwhat(?:'?s|\s+is)\s+(?:the\s+)?(?:step|stage|round|interview)\s+(?:right\s+|just\s+)?before\b"
    r"|\bwhat\s+(?:comes|happens)\s+(?:right\s+|just\s+)?before\b"
    # "what's before the phone interview?"
    r"|\bwhat(?:'?s|\s+is)\s+(?:right\s+|just\s+)?before\s+(?:the|my|it|that)\b"
    # "ok which one comes right before the in person"
    r"|\bwhich\s+(?:one|step|stage|round|interview)\s+(?:comes|is|happens)\s+(?:right\s+|just\s+)?before\b"
    r"|\bis\s+there\s+(?:some\s+kind\s+of\s+|some\s+|an?\s+|any\s+)?(?:other\s+)?(?:interview|step|round|stage)\s+"
    r"(?:right\s+|just\s+)?before\b",
    re.IGNORECASE,
)


def named_after_previous(query: str) -> str | None:
    """The words naming the step a message asks what comes before ("the loop", "the big final round"),
    or None when it does not ask for the step before another."""
    m = _BEFORE_NAMED.search(query)
    if m is None:
        return None
    rest = query[m.end() :]
    return rest if content_words(rest) or _ORDINAL.search(rest) else None


def _only_after_named(query: str) -> re.Match[str] | None:
    """The opening "(and) after the" of a short message that is only "after <a step>", or None."""
    start = _AFTER_NAMED.match(query)
    return start if start and len(query.split()) <= 8 else None


def is_bare_after(query: str) -> bool:
    """Whether a message is only "after <something>" ("and after the phone screen?"): after an answer on
    when candidates hear back, that asks the same of the step named, not what follows it."""
    return _only_after_named(query) is not None and not _NEXT_OF_NAMED.search(query)


def named_before_next(query: str) -> str | None:
    """The words naming the step a message asks what follows ("just finished my OA", "the third"), or
    None when it does not ask for the next step or names nothing besides."""
    start = _only_after_named(query)
    if start:
        rest = _NEXT_OF_NAMED.sub(" ", "the " + query[start.end() :])
    elif asked := _NEXT_OF_NAMED.search(query):
        before = query[: asked.start()]
        # "after u apply what comes next, is it straight to interviews or a test first?": the step done
        # is named before "what comes next"; the options after it are the candidate's guesses.
        named_first = content_words(before) and not re.search(r"after\W*$", asked.group(0), re.IGNORECASE)
        rest = before if named_first else _NEXT_OF_NAMED.sub(" ", query)
    elif _DONE.search(query) and _HAPPENS_NOW.search(query):
        rest = _HAPPENS_NOW.sub(" ", query)
    else:
        return None
    rest = _WHEN_DONE.sub(" ", rest)
    return rest if content_words(rest) or _ORDINAL.search(rest) else None


# "applied yesterday, what happens now": when the step was done says nothing of which step it was
# ("yesterday" took the search to the page on clicking Apply Now).
_WHEN_DONE = re.compile(
    r"\b(?:yesterday|today|tonight|earlier|just\s+now|this\s+(?:morning|afternoon|evening|week|month)"
    r"|last\s+(?:night|week|month|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
    r"|(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day(?:\s+(?:night|morning))?"
    r"|(?:\d+|a|an|one|two|three|few|a\s+few|couple(?:\s+of)?|a\s+couple(?:\s+of)?)\s+(?:days?|weeks?|hours?|hrs?|months?)\s+ago)\b",
    re.IGNORECASE,
)


# "is that in person?", "does it have a time limit?": a yes/no question about what was just said, which
# the section just given answers when it states the words (not a different question to move on from).
_CONFIRMS = re.compile(
    r"^\W*(?:(?:so|and|but|ok(?:ay)?)\W+)*(?:is|are|was|were|does|do|did|will|would)\s+(?:that|it|this|they|these|those)\b",
    re.IGNORECASE,
)


# "wait so it's online??", "so they're not on the team I'm joining?": the candidate's own reading of
# what was just said, put as a question.
_RESTATES = re.compile(
    r"^\W*(?:(?:so|wait|ok(?:ay)?|oh|and|but)\W+)*(?:so|wait)\W+(?:it'?s|it\s+is|that'?s|that\s+is|they'?re|they\s+are"
    r"|there'?s|i'?m|i\s+am|i\s+(?:don'?t|do\s+not|can'?t|need|have|should))\b[^?]*\?+\W*$",
    re.IGNORECASE,
)


def asks_to_confirm(text: str) -> bool:
    return bool(_CONFIRMS.search(text))


def restates(text: str) -> bool:
    """Whether a message restates what was just said as a question ("so it's online?")."""
    return bool(_RESTATES.match(text))


def listed_named(text: str, ctx: Context, lists_of: dict[str, list[str]]) -> str | None:
    """The listed topic an ordinal in `text` names ("what comes after the third?"), if any."""
    m = _ORDINAL.search(text)
    if m is None or not ctx.listed:
        return None
    return pick_listed(Resolved("ordinal", _ORDINALS[m.group(1).lower()]), ctx, lists_of)


# "no, I meant after the final loop": the candidate repeats the last question about another subject.
# "sorry, the phone one" / "no, the work sample one" says the same without "meant".
# Openers may pile up: "no sorry i meant the work style one", "oops, my bad, the phone one".
_CORRECTION = re.compile(
    r"^\W*(?:(?:no+|nope|sorry|actually|wait|oops|oh|ah|my\s+bad)\W+)*(?:i\s+)?(?:meant|mean|ment)\b"
    r"|^\W*(?:(?:no+|nope|sorry|actually|wait|oops|oh|ah|my\s+bad)\W+)+the\s+[\w\s-]{1,30}?\s+one\W*$",
    re.IGNORECASE,
)


def names_a_place(text: str) -> bool:
    """Whether the message picks an item of a list by its place ("ok and the first one?", "and 3?")."""
    return _ORDINAL.search(text) is not None or _NUMBERED.match(text.strip()) is not None


def is_correction(text: str) -> bool:
    return bool(_CORRECTION.match(text.strip()))


# "wait no i meant what the phone interview wants me to focus on": the correction is a whole question of
# its own, not the last one asked again of another subject.
_MEANT_QUESTION = re.compile(
    r"\b(?:meant|mean|ment)\W+(?:like\s+)?((?:what|how|when|where|who|which|why|whether|can|do|does|is|are)\b.*)",
    re.IGNORECASE,
)


def meant_question(text: str) -> str | None:
    """The question a correction asks in full ("no i meant what the phone interview wants me to focus on"
    -> "what the phone interview wants me to focus on"), or None when it only names another subject."""
    m = _MEANT_QUESTION.search(text) if is_correction(text) else None
    return m.group(1) if m is not None and len(m.group(1).split()) >= 5 else None


def is_bare_reference(text: str) -> bool:
    return bool(_BARE_REFERENCE.match(text.strip()))


# "the other one", "what about the other?"; not "the other interviewers" (the people of the topic, no
# listed item).
_OTHER = re.compile(
    # ("the other ppl in the loop?" are people too.)
    r"\b(?:the\s+)?other\s+(?:ones?|types?|kinds?|assessments?|steps?|stages?)\b"
    r"|\bthe\s+other\b(?!\s+(?:[a-z]{3,}s|ppl|people|folks|staff)\b)",
    re.IGNORECASE,
)
_LEANING = re.compile(
    r"^(and|also|what about|how about|so|then|ok|okay|but|why|fine)\b"
    r"|\b(it|that|this|those|these|they|them|their|there|he|she|one|ones|else)\b",
    re.IGNORECASE,
)
# "what should i focus on then", "what if i just go ahead anyway": a closing "then" or "anyway" draws on
# what was just said (after a refusal, on the refused question: "who makes the final decision then" after
# "do they all vote?").
_THEN_AT_END = re.compile(r"\b(?:then|anyways?)\W*$", re.IGNORECASE)


_REFERS = re.compile(r"\b(?:it|its|that|this|they|them|their|those|these)\b", re.IGNORECASE)


def refers_back(text: str) -> bool:
    """Whether a message refers to what was just said with a pronoun ("any tips for it?")."""
    return bool(_REFERS.search(text))


# ...and to the topic itself: "they" is often the company or its interviewers ("do they care more about
# failures or successes?").
_REFERS_TO_TOPIC = re.compile(r"\b(?:it|its|that|this|them|their|those|these)\b", re.IGNORECASE)


def refers_to_topic(text: str) -> bool:
    """Whether a message refers to the topic just discussed with a pronoun other than "they"."""
    return bool(_REFERS_TO_TOPIC.search(text))


# "what about the interviews, are those remote?": the message names what its pronoun is about.
_WHAT_ABOUT = re.compile(
    # "back to the tests - whats on them", "ok going back to the assessments, ...": a return names it too.
    r"^\W*(?:(?:and|ok|okay|so|but|also)\W+)*(?:(?:what|how)\s+about|(?:going\s+|coming\s+)?back\s+to)\s+"
    r"(?:the\s+|my\s+|your\s+)?([a-z][a-z-]{2,})",
    re.IGNORECASE,
)


def introduces_subject(text: str) -> bool:
    """Whether a message opens by naming a subject of its own ("what about the interviews, ...")."""
    m = _WHAT_ABOUT.search(text)
    return m is not None and bool(content_words(m.group(1)))


def leans_on_topic(text: str) -> bool:
    """Whether a message opens like a follow-up or refers back with a pronoun ("them", "that")."""
    return bool(_LEANING.search(text))


# Words that ask rather than name a subject: a follow-up made only of these leans on its topic.
GENERIC = frozenset(
    [
        "why",
        "not",
        # "why does that matter to them?": asks for the reason of what was just said, names nothing.
        "matter",
        "matters",
        "important",
        # "why do they care about that?": the same as "why does that matter to them?".
        "care",
        "cares",
        # "whats the point of having them" (read "why having them"): why they exist, which names nothing.
        "having",
        # "what happens if i dont check with them": the negation names nothing ("don't" is "don" and "t").
        "dont",
        "don",
        "doesnt",
        "doesn",
        "didnt",
        "didn",
        "cant",
        "wont",
        "isnt",
        "isn",
        "arent",
        "aren",
        # "when do i get it, like right away?": when, asked with a guess ("straight away?").
        "away",
        "ok",
        "okay",
        "also",
        "then",
        "about",
        "else",
        "any",
        "anything",
        "more",
        "tell",
        "know",
        "get",
        "got",
        "need",
        "should",
        "would",
        "could",
        "ask",
        "asking",
        "question",
        "questions",
        "really",
        "just",
        "like",
        "mean",
        "meant",
        "ment",
        "sorry",
        "fine",
        "right",
        "yes",
        "no",
        "please",
        "thanks",
        "there",
        "they",
        "them",
        "their",
        "those",
        "these",
        "one",
        "ones",
        "much",
        "many",
        "long",
        "take",
        "takes",
        "thing",
        "things",
        "happen",
        "happens",
        "person",
        "whats",
        # "so what do u ask instead", "r they from the team": chat spellings of you, your, are, though.
        "u",
        "ur",
        "r",
        "ya",
        "tho",
        "s",
        "after",
        "before",
        # "how long until I hear back after it?": "until" asks when, as "how long" does.
        "until",
        "till",
        "instead",
        "people",
        "have",
        "has",
        "did",
        "done",
        "go",
        "going",
        "way",
        "kind",
        "sort",
        "who",
        "whom",
        "whose",
        "how",
        "does",
        "do",
        # "which one is longer?", "what will I be doing in it?": a comparison or what it involves, of
        # what was just said ("harder" and "easier" are not: no text says how hard anything is).
        "doing",
        "involve",
        "involves",
        "longer",
        "shorter",
        # "who exactly should I ask?": the same as "who should I ask?".
        "exactly",
        "really",
        "actually",
        "specifically",
        # Chat fillers ("ok whatever, what's the first step anyway?") name nothing, and are no unknown
        # word that would make a question look uncovered.
        "even",
        "whatever",
        "anyway",
        "anyways",
        "tho",
        "though",
        "basically",
        "honestly",
        "literally",
        "seriously",
        # "how long does it usually take?": how often or how sure, never what is asked about. ("like
        # roughly, 2? 3?" asks for an estimate: a question of its own.)
        "usually",
        "typically",
        "normally",
        "generally",
        "probably",
        "maybe",
        "kinda",
        "sorta",
        "lol",
        "haha",
        "btw",
        "pls",
        "plz",
        "hmm",
        "um",
        "oh",
        # "what are the two kinds again", "does everyone get both": what the topic listed, as "they" is.
        "kinds",
        "types",
        "type",
        "sorts",
        "both",
        "two",
        "were",
        "was",
        # "are they from the team im joining?": the candidate, as "I" is.
        "im",
        # "tell me more abt the second one", "the last one you said, what do they do": nothing asked of it.
        "abt",
        "said",
        # "what kind of stuff is in it?", "ok but is it longer", "the other one, whats it called?"
        "stuff",
        "but",
        "called",
        "ive",
        "m",
        # "right now", "at the moment", "to be honest", "not gonna lie", "in my opinion".
        "rn",
        "atm",
        "tbh",
        "ngl",
        "imo",
        # "wait so it's not actually in person?", "why have a neutral person at all?": no subject.
        "wait",
        "all",
        # "n how long is it": chat's "and"; "can you at least tell me how to find jobs": no subject, and no
        # unknown word that would make the question look uncovered.
        "n",
        "least",
        # "who am i supposed to ask": "who should I ask".
        "am",
        "supposed",
        # "explain the second one", "more details on that pls": asks what it is, as "tell me about" does.
        "explain",
        "describe",
        "elaborate",
        "details",
        "detail",
        "info",
    ]
)


_IN_PERSON = re.compile(r"\bin[- ]person\b", re.IGNORECASE)


# "how does it work?": asks how the thing just named works; "work" names nothing here.
_HOW_IT_WORKS = re.compile(r"\bhow\s+(?:does|do|will|would)\s+(?:it|that|this|they)\s+work\b", re.IGNORECASE)


# "who exactly should i talk to?": the same as "who do I ask?" ("how many people will I talk to in it?"
# asks about talking: the interviews).
# "who exactly should i check with?" too: whom to ask, not a status check.
_WHO_TO_TALK_TO = re.compile(
    r"^(?=.*\bwho\b).*?\b(?:(?:talk|speak)(?=\s+(?:to|with)\b)|check(?=\s+with\b))", re.IGNORECASE
)


# "ok what should i talk about in it?", "what do they want me to talk about": what the topic covers.
_WHAT_TO_TALK_ABOUT = re.compile(
    r"^(?=.*\bwhat\b).*?\b(?:talk|speak)\s+about\W*(?:in\s+(?:it|that|them)\W*)?$", re.IGNORECASE
)
# "back to the tests": returning to a subject is no word of it.
_BACK_TO = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|but|also|anyway|oh|btw)\W+)*(?:going\s+|coming\s+)?back\s+to\b", re.IGNORECASE
)


# "the second one sounds scary, how long": the candidate's impression before the question is no subject
# of it (only when a question follows: "does the second one seem hard?" asks about being hard).
_IMPRESSION = re.compile(
    r"\b(?:sounds?|seems?|looks?|feels?)\s+(?:so\s+|really\s+|kinda\s+|pretty\s+|super\s+|a\s+bit\s+)?"
    r"(?:scary|hard|tough|difficult|easy|intimidating|stressful|fun|interesting|cool|intense|weird|nice|fine)"
    r"(?:\s+(?:lol|tbh|ngl))?\s*[,.!;:-]+\s*(?=\w)",
    re.IGNORECASE,
)


def content_words(query: str) -> frozenset[str]:
    query = _IMPRESSION.sub(" ", _BACK_TO.sub(" ", _HOW_IT_WORKS.sub(" ", query)))
    if _WHO_TO_TALK_TO.search(query) or _WHAT_TO_TALK_ABOUT.search(query):
        query = re.sub(r"\b(?:talk|speak|check(?=\s+with\b))\b", " ", query, flags=re.IGNORECASE)
    query = without_recall(query)
    # (Single letters are pieces of chat spellings: "w/o", "don't".)
    words = frozenset(w for w in tokenize(query) if w not in GENERIC and not w.isdigit() and len(w) > 1)
    # "person" is generic ("which person do I ask?"), but "in person" names how interviews are held.
    return words | {"person"} if _IN_PERSON.search(query) else words


# "name them", "can u list them all": asks for the items of the list just given.
_LIST_THEM = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|pls|please|can|could|u|you|just)\W+)*(?:name|list)\s+(?:them|those|these|all|each)\b",
    re.IGNORECASE,
)


# "then what lol", "and before that pls": a chat word at the end of a step's place asks nothing more.
_TRAILING_FILLER = re.compile(r"(?:\W+(?:lol|lmao|haha+|pls|plz|please|tho|though))+\W*$", re.IGNORECASE)


def resolve(query: str, ctx: Context) -> Resolved:
    """The kind of message, given what the conversation remembers."""
    text = without_acknowledgement(query.strip())
    words = text.split()
    if ctx.doc is None and ctx.step is None and not ctx.listed:
        return Resolved("own")
    placed = _TRAILING_FILLER.sub("", text)
    if _NEXT.match(placed):
        return Resolved("next")
    if _PREVIOUS.match(placed):
        return Resolved("previous")
    if ctx.listed and ctx.doc not in ctx.listed and _LIST_THEM.match(text):
        # "name them" after "how many steps are there?": what the section just given lists, which it
        # names; not after one of the items ("list them" after the work style assessment's Leadership
        # Principles, which no section lists).
        return Resolved("elliptical", content=frozenset())
    if ctx.listed and len(words) <= 10:
        numbered = _NUMBERED.match(text)
        if numbered:
            return Resolved("ordinal", int(numbered.group(1)) - 1)
        m = _ORDINAL.search(text)
        if m:
            return Resolved("ordinal", _ORDINALS[m.group(1).lower()], content_words(_ORDINAL.sub(" ", text)))
        if _OTHER.search(text):
            return Resolved("ordinal", -1, content_words(_OTHER.sub(" ", text)))
    leaning = _LEANING.search(text) or (not ctx.refused and _THEN_AT_END.search(text))
    if ctx.doc and (len(words) <= 4 or (len(words) <= 8 and leaning) or not content_words(text)):
        # ...or names nothing at all, however long: "how many will I get?" after the assessments.
        return Resolved("elliptical", content=content_words(text))
    return Resolved("own")


def pick_listed(resolved: Resolved, ctx: Context, lists_of: dict[str, list[str]] | None = None) -> str | None:
    """The listed topic an ordinal names: "the other one" is the listed one not being discussed. An
    ordinal past the end of the list is of the list the current topic is an item of: after the steps,
    "the second one" (the assessments, which list two types), then "and the third?" is the third step."""
    listed = ctx.listed
    if resolved.ordinal is None or not listed:
        return None
    if resolved.ordinal == -1:
        others = [d for d in listed if d != ctx.doc]
        # "what about the other interview?" after the phone interview: the other one that is an interview.
        named = [d for d in others if any(stem(w) in d for w in resolved.content)]
        if named and len(named) < len(others):
            others = named
        elif not named and len(others) > 1 and ctx.doc:
            # "and the other one" after the phone interview, the steps listed: the one other step of its
            # kind (the interview loop, an interview too), not the first step of the list.
            kind = set(_doc_words(ctx.doc))
            alike = [d for d in others if kind & set(_doc_words(d))]
            if len(alike) == 1:
                return alike[0]
        return others[0] if len(others) == 1 or ctx.doc in listed else (others[-1] if others else None)
    if resolved.ordinal == -2:
        return listed[-1]
    if resolved.ordinal < len(listed):
        return listed[resolved.ordinal]
    parent = next((items for items in (lists_of or {}).values() if ctx.doc in items), None)
    return parent[resolved.ordinal] if parent and resolved.ordinal < len(parent) else None


def _doc_words(doc: str) -> list[str]:
    """The words of a topic's file name ("knowledge/phone-interview.md": phone, interview)."""
    return re.split(r"[-_]", doc.rsplit("/", 1)[-1].removesuffix(".md"))


def addresses(words: frozenset[str], text: str) -> int:
    """How many of a follow-up's content words a section's text states (crude stems: 'teasers' ~ 'teaser';
    two words written as one: 'brainteasers' ~ 'brain teasers', 'onsite' ~ 'on site')."""
    tokens = tokenize(text)
    have = {stem(w) for w in tokens} | {stem(a + b) for a, b in itertools.pairwise(tokens)}
    return sum(1 for w in words if stem(w) in have or _short_root(w) in have)


def _short_root(word: str) -> str | None:
    """The three-letter root of an "-ing" word the crude stem leaves whole ("mixing" ~ "mix"): "whats
    the point of mixing them?" after the loop's "this mix of interviewers" asks what it states."""
    return word[:3] if len(word) == 6 and word.endswith("ing") else None


def unknown_words(query: str, vocabulary: frozenset[str]) -> tuple[str, ...]:
    """The question's words that neither the knowledge (its text, headings, example questions and
    glossary) nor the dialogue tier's examples of covered messages ever use: "spanish" in "can I do my
    interviews in spanish", "code" in "will I have to code live?". Short words, numbers and typos of
    three letters are left out; with no vocabulary, none."""
    if not vocabulary:
        return ()
    words = content_words(plain_idioms(query))  # "what's the deal with X": "deal" is no subject
    return tuple(sorted(w for w in words if len(w) >= 4 and w.isalpha() and stem(w) not in vocabulary))


def previous_topic(ctx: Context, process: list[str], next_of: dict[str, str]) -> tuple[str | None, bool]:
    """The step of the process (the overview's ordered list of steps) before the current topic, and
    whether the current topic is part of the process at all (the first step has nothing before it: say
    so, not repeat it). A topic inside a step (the work style assessment, whose `next:` is the step after
    its own) has the step before its own before it."""
    for doc in (ctx.doc, ctx.step):
        if doc in process:
            at = process.index(doc)
        elif doc in next_of and next_of[doc] in process:
            at = process.index(next_of[doc]) - 1
        else:
            continue
        return (process[at - 1] if at > 0 else None), True
    return None, False


def next_topic(ctx: Context, next_of: dict[str, str], steps: set[str]) -> tuple[str | None, bool]:
    """The document that follows the current topic in the process, and whether the current topic is
    a step at all (a step with nothing after it is the end of the process: say so, not repeat it)."""
    order = (ctx.doc, ctx.step)
    if ctx.doc and ctx.step and next_of.get(ctx.doc) == ctx.step:
        # The last answer told what follows its topic ("what comes after the assessments": the phone
        # interview), so the candidate is at that step: "and after that one?" is after it.
        order = (ctx.step, ctx.doc)
    for doc in order:
        if doc and doc in next_of:
            return next_of[doc], True
        if doc and doc in steps:
            return None, True
    return None, False


def listed_after(
    answer_doc: str, lists_of: dict[str, list[str]], ctx: Context, by_place: bool = False
) -> tuple[str, ...]:
    """What the conversation should remember as listed after an answer from `answer_doc`: its own
    list, the previous list while the candidate goes through its items, or the list it is an item of
    (after the work style answer, "the second one" is the other assessment). An item picked by its
    place keeps the list it was picked from: after "the steps?" - "ok the second one?", "and the last
    one?" is the last step, not the last of the assessments the second step lists."""
    if by_place and answer_doc in ctx.listed:
        return ctx.listed
    own = lists_of.get(answer_doc)
    if own:
        return tuple(own)
    if answer_doc in ctx.listed:
        return ctx.listed
    return next((tuple(items) for items in lists_of.values() if answer_doc in items), ())


_POSITION = (
    (re.compile(r"\b(first|start|starts|begin|begins|beginning)\b", re.I), 0),
    (re.compile(r"\b(last|final|end)\b", re.I), -1),
)


def step_named(query: str, listed: list[str] | tuple[str, ...]) -> str | None:
    """The step an overview answer was asked about: "how does the process start?" is at its first
    step, "what's the last step?" at its last (so "and after that?" follows from there)."""
    for pattern, position in _POSITION:
        if listed and pattern.search(query):
            return listed[position]
    return None
