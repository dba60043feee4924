"""Holds the live knowledge index and answers questions from it.

The index is replaced by assigning a new object: a question in flight keeps the reference it
started with, so it sees the old or the new index, never a half-built one.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np

from api.config import ROOT, Settings
from api.knowledge import answer_type
from api.knowledge.context import (
    Context,
    Resolved,
    addresses,
    asks_to_confirm,
    content_words,
    introduces_subject,
    is_bare_after,
    is_bare_reference,
    is_correction,
    leans_on_topic,
    listed_after,
    listed_named,
    meant_question,
    named_after_previous,
    named_before_next,
    names_a_place,
    next_topic,
    pick_listed,
    previous_topic,
    refers_back,
    refers_to_topic,
    resolve,
    restates,
    step_named,
    unknown_words,
)
from api.knowledge.coverage import set_paths
from api.knowledge.documents import Section
from api.knowledge.embedder import Embedder, PrefetchingEmbedder, create_embedder
from api.knowledge.follow_ups import WEIGHTS as FOLLOW_UP_WEIGHTS
from api.knowledge.follow_ups import FollowUpModel
from api.knowledge.grounding import GroundingChecker, GroundingReport
from api.knowledge.index import KnowledgeIndex, build_index, plain_chat, stem, tokenize, without_acknowledgement
from api.knowledge.insight import UnansweredReport
from api.knowledge.search import Decision, Params, Passage, decide, looks_like_follow_up, rank, search_text
from api.knowledge.several import split_questions

# An elliptical message is taken as a new subject only when another topic matches it clearly better
# than the current one ("can I apply to two of them?" after a job-search answer).
OWN_SUBJECT_MARGIN = 0.12
# The section just given is passed over for a different question when another section of the topic
# that addresses the question scores this close to it ("who else is in the loop?" after the bar raiser).
# "what's the loop?", "what is a bar raiser", "whats an OA": the thing named is all the question asks.
_DEFINITION = re.compile(
    r"^\W*(?:(?:so|and|ok(?:ay)?|sorry)\W+)*what(?:'?s|\s+is|\s+are)\s+(?:a|an|the)?\s*((?:[\w-]+\s*){1,3}?)\W*$",
    re.IGNORECASE,
)
# A message opening with a question word asks something of its own, it does not only name a subject.
_QUESTION_OPENS = re.compile(
    r"^\W*(?:(?:so|and|ok(?:ay)?|but)\W+)*(?:what|whats|how|when|where|who|why|which|can|could|do|does|did|is|are|will|would|should)\b",
    re.IGNORECASE,
)
# ("whats on it", "what's in it": chat spellings ask what as well.)
_ASKS_WHAT = re.compile(r"^\W*(?:(?:so|and|ok(?:ay)?)\W+)*(?:what|wat)(?:'?s)?\b", re.IGNORECASE)
# A yes/no question: "can i filter them by category", "ok so is it online?".
_YES_NO = re.compile(
    r"^\W*(?:(?:so|and|ok(?:ay)?|but|also|then)\W+)*(?:can|could|do|does|is|are|will|would|should|may)\b", re.IGNORECASE
)
# "ok what are they", "can u list them all": asks for the items of what was just named, which a section
# saying the page "does not list" them cannot give (the recruiters' 11 tips). The whole message: "what are
# they supposed to help with?" asks what the section says; "what's in it" after the developers' guide is
# answered by what the guide gives (a deeper look at the process).
_ASKS_CONTENTS = re.compile(
    r"^\W*(?:(?:so|and|ok(?:ay)?|but|then|well|pls|please|can|could|would|u|you|just)\W+)*"
    r"(?:(?:what|wat)\s+(?:are|r|were)\s+(?:they|those|these|them)"
    r"|(?:name|list|share|show|give\s+me|tell\s+me)\s+(?:them|those|these))"
    r"(?:\s+(?:all|then|exactly|again|here|lol|pls|please|tho|though))*\W*$",
    re.IGNORECASE,
)
# How a section says the page names something without giving it: "does not list the tips themselves".
_LEAVES_OUT = re.compile(r"\bdoes\s+not\s+(?:list|describe|spell\s+out)\b", re.IGNORECASE)
_ASKS_WHY = re.compile(r"^\W*(?:(?:so|and|ok(?:ay)?|but)\W+)*why\b", re.IGNORECASE)
_HAVE_ONE = re.compile(r"\b(?:have|need|use|want)\s+(?:one|any)\b", re.IGNORECASE)
_THEY = re.compile(r"\b(?:they|them|their)\b", re.IGNORECASE)
_ASKS_HOW_MANY_OF = re.compile(r"\b(?:both|all\s+of\s+them|each\s+of\s+them)\b", re.IGNORECASE)
# "does every role have the same number of tests?": how many, which the count's section says.
_NUMBER_OF = re.compile(r"\b(?:both|number|how\s+many|amount)\b", re.IGNORECASE)
# A section saying it depends on the role this close to the best one answers "is it the same for every
# role?" (a single question; a follow-up is read against its topic's sections).
VARIES_MARGIN = 0.1
# How far below the best section one headed with what a thing is for may be and still answer "what is it
# for?" (the assessments: 0.53 against 0.61 for when you take them).
PURPOSE_MARGIN = 0.1
_ASKS_WHEN = re.compile(r"^\W*(?:(?:so|and|ok(?:ay)?|but)\W+)*when\b", re.IGNORECASE)
# A section this close that states the quantity asked answers it, whatever NLU and the coverage model
# make of "how many": on the dev sets and holdout, the one uncovered quantity question a close section
# seemed to state ("how many times can I retake the online assessment?") scored 0.69; 30 covered ones 0.75-1.06.
QUANTITY_STATED_SCORE = 0.75
# A quantity the best section does not state may be stated by a section headed with it ("How long the
# work sample simulation takes") in the same document, or scoring within this of the best.
QUANTITY_MARGIN = 0.05
# A section that states the quantity asked of what the question names in its first such sentence wins
# over a better one that states it only in passing, within this much.
SUBJECT_MARGIN = 0.1
_QUANTITY_HEADINGS = {
    "duration": re.compile(r"\bhow long\b|\btakes?\b", re.IGNORECASE),
    "count": re.compile(r"\bhow many\b|\bnumber of\b", re.IGNORECASE),
}
# A heading written as the question of a quantity: "How many online assessments you will take".
_HEADING_ASKS = {
    "duration": re.compile(r"how\s+long\b", re.IGNORECASE),
    "count": re.compile(r"how\s+many\b", re.IGNORECASE),
}
# The words around "how many" / "how long" that name nothing it counts: "how many are there", "and how
# long does it take usually?".
_BARE_QUANTITY_WORDS = frozenset(
    tokenize(
        "and so ok okay but then are is there of them those these it that do does did i you u we have to "
        "take takes taking will would get they in total altogether usually typically normally exactly "
        "roughly about again like be last lasts"
    )
)
# How far a follow-up's vector moves towards its topic's title for the in-topic check of known uncovered
# questions: replaying the dev conversation sets against embedding "<title>: <follow-up>", 0.3 / 0.5 /
# 0.7 / 0.85 / 1.0 changed +2 -2 / +1 -1 / +2 -1 / +1 -1 / +2 -2 turns.
IN_TOPIC_TITLE_WEIGHT = 0.7
# "what do they use instead?": the alternative to what was just said.
_INSTEAD = re.compile(r"\binstead\b", re.IGNORECASE)
# "what if ...", "ok what happens if ...": a question about what follows from a case.
_WHAT_IF = re.compile(r"^\W*(?:(?:ok(?:ay)?|and|but|so|hmm|wait)\W+)*what\s+(?:if|happens\s+if)\b", re.IGNORECASE)
# "and then?", "then what", "now what?": what to do next in what was just described ("what comes next?",
# "what's the next step?", "ok done that. then what?" ask for the next step of the process).
_AND_THEN = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|and|so|k)\W+)*(?:then|now)(?:\s+what)?\W*$"
    # "and once i find one?", "found one. now what?": done with what was just described, in the topic.
    r"|^\W*(?:(?:ok(?:ay)?|and|so|k)\W+)*(?:once\s+i(?:'ve)?\s+(?:find|found)\s+one|found\s+one)(?:\W+(?:then|now)(?:\s+what)?)?\W*$",
    re.IGNORECASE,
)
# "what's the first thing that happens?", "how does the hiring process start?": a question about the process.
_ABOUT_THE_PROCESS = re.compile(
    r"\b(?:process|first\s+thing|happens?|steps?|stages?|start|starts|begin|begins)\b", re.IGNORECASE
)
# "and the shorter one?", "what about the longer one": a listed item named by its length.
_BY_LENGTH = re.compile(
    r"^\W*(?:(?:and|ok(?:ay)?|so|what\s+about|how\s+about)\W+)*the\s+(shorter|longer|quicker)(?:\s+one)?\W*$",
    re.IGNORECASE,
)
# "what do they ask in the shorter one": a question of its own about the listed item the length picks.
_IN_THE_SHORTER = re.compile(
    r"\b(?:in|on|for|of|about|during|with)\s+the\s+(shorter|longer|quicker)\s+one\W*$", re.IGNORECASE
)
_LENGTH_WORD = r"\b(?:longer|shorter|quicker|(?:more|less)\s+time)\b"
_WHICH_LONGER = re.compile(r"\bwhich\b[^?.!]*" + _LENGTH_WORD, re.IGNORECASE)
_EXAMPLE_WORDS = frozenset({"example", "examples"})
# "do i get it right when i apply?", "when do i take it?" after the work style assessment: when the
# candidate is given it, which the topic listing it says ("When you take an AWS online assessment").
_WHEN_GIVEN = re.compile(
    r"^\W*(?:(?:so|and|ok(?:ay)?|but)\W+)*(?:when\s+(?:do|will|would|should|can|does|is|are)\s+(?:i|u|you|we|they)\s+"
    r"|(?:do|will|would|should|can)\s+(?:i|u|you|we)\s+)"
    r"(?:get|take|do|receive|sit|start|complete|be\s+(?:sent|given|asked\s+to\s+(?:do|take)))\s+(?:it|them|that|this|those|one)\b"
    r"(?:\W+(?:right\s+)?(?:when|after|before|during)\b.*)?\W*$",
    re.IGNORECASE,
)
_WHEN_HEADING = re.compile(r"^when\b", re.IGNORECASE)
# "what do you mean by well-structured?", "what does equitably mean here": the meaning of a word of the
# answer just given, which the section saying it explains in its own sentences (the page defines no
# word elsewhere). The term is the group that matched.
_ASKS_MEANING = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|sorry|wait|hm+|um+|and|so|but|sry)\W+)*(?:"
    r"what\s+(?:do|did)\s+(?:you|u|ya|they|it)\s+mean\s+(?:by|with)?\s*(?P<a>.+?)"
    r"|wdym\s+(?:by\s+)?(?P<b>.+?)"
    r"|what\s+(?:does|do|is|did)\s+(?P<c>.+?)\s+mean"
    r"|what(?:'s|s|\s+is)\s+meant\s+by\s+(?P<d>.+?)"
    r"|(?:what(?:'s|s|\s+is)\s+)?(?:the\s+)?meaning\s+of\s+(?P<e>.+?)"
    r"|(?P<f>.+?)\s+means\s+what"  # "and 'neutral parties' means what?"
    r")(?:\s+(?:here|there|exactly|in\s+this\s+case|in\s+that\s+answer|tho|though|lol))?\W*$",
    re.IGNORECASE,
)
_EXPLAIN_WORDS = frozenset(
    {
        "simpler",
        "simple",
        "plain",
        "english",
        "words",
        "explain",
        "understand",
        "get",
        "say",
        "pls",
        "please",
        "again",
        "rephrase",
    }
)
_NOT_A_TERM = frozenset({"it", "that", "this", "those", "these", "them", "the", "a", "an"})
# "well-structured" and "well structured" are one word to look for.
_HYPHENS = re.compile(r"[-‐–]")
# "say it simpler pls", "i don't get it", "in plain english?": the answer just given again (the knowledge
# has no other wording of it), never another topic's section.
_ASKS_SIMPLER = re.compile(
    r"\b(?:simpler|simple\s+(?:words|terms|english)|plain(?:er)?\s+(?:english|words|language)|eli5"
    r"|explain\s+(?:it\s+|that\s+)?like\s+i'?m\s+(?:5|five)"
    r"|(?:say|explain|put)\s+(?:it|that)\s+(?:again\s+)?(?:differently|another\s+way|in\s+other\s+words)"
    r"|rephrase|i\s+(?:don'?t|dont|didn'?t|didnt|do\s+not)\s+(?:understand|get\s+(?:it|that))"
    r"|too\s+(?:complicated|complex|confusing|wordy)"
    # "too long didnt read, tldr?", "short version?": the same answer (no shorter text of it is written).
    r"|tl;?\s?dr|too\s+long\s*(?:,\s*)?(?:didn'?t|did\s+not|dont|don'?t)\s+read|short\s+version"
    r"|sum\s+(?:it|that)\s+up)\b",
    re.IGNORECASE,
)
_ASKING_TO_SEE = frozenset({"give", "show", "see", "look", "like", "have", "got", "share"})
_THAN = re.compile(r"\bthan\b", re.IGNORECASE)
_ASKS_SHORTER = re.compile(r"\b(?:shorter|quicker|less\s+time)\b", re.IGNORECASE)
# "is that the longer one?", "ok but is it longer": a comparison of the listed items' durations.
_COMPARES_LENGTH = re.compile(_LENGTH_WORD, re.IGNORECASE)
# "and if they dont get back to me in those 2 days?", "what if i don't hear back within two business days":
# what happens once the stated time has passed (dev: five such follow-ups, all refusals by their writers;
# "so if i dont hear back?" with no time asks what silence means, which the page says).
_NOT_HEARD = r"\bif\b[^?.!]*?\b(?:do\s*n[o']?t|don'?t|dont|didn'?t|doesn'?t|never|not|haven'?t|havent)\s+(?:hear(?:d)?|get(?:ting)?|got)\b"
# "interviews??", "tell me about interviews at aws", "nvm, how do interviews work in general": the
# interviews and nothing else (no kind, no property of them: "how long are the interviews" is not this).
_INTERVIEW_WORDS = frozenset({"interview", "interviews", "interviewing"})
_GENERAL_WORDS = frozenset(
    (  # noqa: SIM905 (a word list read as text: one word per line was seventy lines)
        "the a an at in with about of for on to do does did they them it is are was be what whats what's s how "
        "tell me explain aws amazon work works go goes going general generally overall basically like look "
        "happen happens process people your ur you u yall guys so ok okay nvm hey hi hello lol pls please "
        "then and or just really thing things stuff"
    ).split()
)
_PAST_THE_WINDOW = re.compile(
    _NOT_HEARD + r"[^?.!]*?\b(?:in|within|after|by|past)\s+(?:(?:those|the|that|these)\s+)?"
    r"(?:\d+|two|a\s+couple(?:\s+of)?)?\s*(?:business\s+)?(?:days?|weeks?)\b"
    r"|" + _NOT_HEARD + r"[^?.!]*?\bby\s+then\b"
    # "what if i dont hear back in that time": the time just given.
    r"|" + _NOT_HEARD + r"[^?.!]*?\b(?:in|within|by)\s+(?:that|this|the|those)\s+(?:time(?:frame)?|window|period)\b",
    re.IGNORECASE,
)
# "which one matters more", "is the bar raiser tougher than the others?": a judgement of which is harder or
# weighs more, which the page makes of nothing (it says what each step is, never how hard or decisive).
# ("what's the difference? which is harder" asks the difference too, answered.)
_JUDGED_COMPARISON = re.compile(
    r"\b(?:harder|tougher|easier|stricter|more\s+(?:difficult|strict|challenging))\s+(?:[\w-]+\s+){0,4}?than\b"
    # "which leadership principles are the most important ones": the page ranks none of them.
    r"|\bwhich\s+(?:[\w-]+\s+){0,4}?(?:is|are)\s+the\s+(?:most|more)\s+important\b"
    r"|^\W*(?:(?:ok(?:ay)?|so|and|but|then|hmm+|also|honestly)\W+)*(?:which|what)\s+(?:one\s+|of\s+(?:them|the\s+two|those|these|both)\s+)?"
    r"(?:is\s+|s\s+|'s\s+)?(?:(?:more|most)\s+(?:important|crucial|critical|difficult|challenging)"
    r"|matters?\s+(?:more|most)|counts?\s+(?:more|most)|weighs?\s+(?:more|most)|harder|tougher|easier)\W*$",
    re.IGNORECASE,
)
# "what happens if i just go ahead with the interviews", "so what does it mean if i keep going with the
# process", "what if i start interviewing without asking anyone": what going ahead means, where a topic
# says (government employees who proceed confirm they may).
_GOES_AHEAD_ASKED = re.compile(
    r"\b(?:if|what\s+happens|what\s+does\s+it\s+mean)\b.*?\b(?:go(?:es|ing)?\s+ahead|keep\s+going|carry\s+on"
    r"|proceed(?:ing)?|start\s+interviewing|interview(?:ing)?\s+anyway|without\s+(?:asking|checking))\b",
    re.IGNORECASE,
)
_GOES_AHEAD_STATED = re.compile(r"\bgo(?:es)?\s+ahead\b|\bproceed", re.IGNORECASE)
# "and the one about culture?", "what about the one with the chart questions": a listed item by what it is.
_DESCRIBED_ONE = re.compile(
    r"^\W*(?:(?:and|ok|okay|so|but|what\s+about|how\s+about|no+|nope|sorry|actually|wait|oops|oh|ah|my\s+bad"
    r"|i\s+(?:meant?|ment))\W+)*(?:the\s+(?:one|ones)\s+"
    r"|which\s+(?:one|ones)\s+(?:is|are)\s+the\s+(?:one|ones)\s+"
    # "which one has the chart questions?": which of the listed topics the description is.
    r"|which\s+(?:one|ones)\s+(?=(?:has|have|had|is\s+about|involves?|asks?|uses?)\b))"
    r"((?:about|with|on|where|that|for|has|have|had|is\s+about|involves?|asks?|uses?)\b[\w\s'-]{2,60}?)\W*$",
    re.IGNORECASE,
)
# "what's the very first step?", "and the second stage": a step of the process by its place in it. (A
# conversation's first "what's the last step?" is answered by the overview, which names it as the last.)
# "and the very first?" at the end of a walk back through the steps: the process's, not a listed item's.
# "step 2", "stage #3", "step number four": a step by its number (one group: the number).
_BY_NUMBER = r"\b(?:step|stage)\s+(?:#\s*|number\s+|no\.?\s*)?(1|2|3|4|one|two|three|four)\b"
_NTH_STEP = re.compile(
    r"\b(?:the\s+)?(?:very\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|last|final)\s+(?:step|stage)s?\b"
    r"|\bvery\s+(first|last)\b(?!\s+(?:one|two|type|kind|item|thing)\b)"
    rf"|{_BY_NUMBER}"  # "what's step 2 again"
    # "ok so what do i do first", "where do i even start?": the first step.
    # (The whole message: "how do i even apply lol where do i start" asks how to apply.)
    r"|^\W*(?:(?:ok(?:ay)?|so|and|alright|cool|great|then)\W+)*(?:what\s+(?:do|should|would|shall)\s+i\s+"
    r"(?:do|need\s+to\s+do|have\s+to\s+do)\s+(first)|(?:where|how)\s+(?:do|should|would)\s+i\s+(?:even\s+)?"
    r"(start|begin))\W*$",
    re.IGNORECASE,
)
# "which comes first" right after the steps were listed: the first of them. (After two things compared,
# the order of those two: _ONLY_THE_ORDER; after the assessments' two types the page gives no order.)
_WHICH_FIRST = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|cool|wait|but)\W+)*(?:which|what)\s+(?:one\s+|step\s+|stage\s+)?"
    r"(?:comes|is|happens|goes)\s+first\W*$",
    re.IGNORECASE,
)
# "back to step 2, is it ...", "in stage 3 do they ...": a step by its number; not "the first step 2 get
# a job" ("2" for "to" after another place word).
_STEP_NUMBER = re.compile(r"(?<!first )(?<!next )(?<!last )" + _BY_NUMBER, re.IGNORECASE)
# "so like by tuesday?", "by wednesday if it was monday?", "and weekends dont count right": a day checked
# against a time just given.
_DAY_CHECK = re.compile(
    r"^\W*(?:(?:so|ok(?:ay)?|and|wait|like|meaning|that\s+means|you\s+mean)\W+)*"
    r"(?:(?:by|before|until|till|on|around)\s+(?:next\s+|this\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|weekends?\s+(?:don'?t|do\s+not|doesn'?t|does\s+not|aren'?t|are\s+not|not)\s+(?:count|included?)\b)",
    re.IGNORECASE,
)
_GIVES_DAYS = re.compile(r"\b(?:two|2|\d+)\s+(?:business\s+)?days?\b", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_PLACES = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "last": -1,
    "final": -1,
    "start": 0,
    "begin": 0,
    **{
        number: at
        for at, numbers in enumerate((("1", "one"), ("2", "two"), ("3", "three"), ("4", "four")))
        for number in numbers
    },
}
# Words a question for a step by its place may carry besides it: "the first step to get a job at aws".
_STEP_WORDS = frozenset(
    {"step", "stage", "process", "hiring", "job", "get", "aws", "amazon", "apply", "work", "very", "again", "whatever"}
)
# "and the work style one?", "is that the same for the in-person ones?", "what about for the loop": the
# last question again, of another topic the message only names.
_SAME_FOR = re.compile(
    r"^\W*(?:(?:and|or|ok|okay|so|but|what\s+about|how\s+about|for|(?:is\s+)?(?:it|that|this)\s+the\s+same\s+for"
    r"|same\s+for)\W+)+(?:the\s+)?((?:[\w'-]+\s+){0,3}[\w'-]+)\W*$",
    re.IGNORECASE,
)
_SAME = re.compile(r"\bsame\b", re.IGNORECASE)
# "can i check on it myself somewhere", "where do i even check that myself": where the candidate looks.
_CHECKS_MYSELF = re.compile(
    r"\b(?:check|see|track|follow)\s+(?:up\s+)?(?:on\s+)?(?:(?:it|that|this|them|my(?:\s+\w+){1,2})\s+)?"
    r"(?:myself|my\s*self|on\s+my\s+own|by\s+myself)\b"
    r"|\bwhere\s+(?:do|can|could|should)\s+i\s+(?:even\s+|actually\s+|just\s+)?(?:check|track|see)\s+(?:on\s+)?(?:it|that|this|them)\b",
    re.IGNORECASE,
)
# "What AWS online assessments are for", "Why AWS hires the way it does": a heading saying what for.
_PURPOSE_HEADING = re.compile(r"^\s*why\b|^\s*what\b.*\b(?:is|are)\s+for\s*$", re.IGNORECASE)
# "what is the assessment even for", "what's the point of the loop": what a thing is for.
_ASKS_PURPOSE = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|but|hm+|wait|then)\W+)*what(?:'?s|\s+is|\s+are)\s+(?:the\s+|these\s+|those\s+|that\s+|this\s+)?"
    r"[\w\s-]{1,40}?\s+(?:even\s+|actually\s+|really\s+|supposed\s+to\s+be\s+)?for\W*$"
    r"|\bwhat(?:'?s|\s+is)\s+the\s+(?:point|purpose|goal|reason)\b",
    re.IGNORECASE,
)
# "AWS strives to get back to you within two business days": a hedge of what is promised. ("Typically takes
# 10-20 minutes" hedges a length: "is that guaranteed?" after the assessment types asks whether there will
# be assessments, which it does not say; measured the same on every set, so the narrower reading.)
_SAYS_HOW_SURE = re.compile(r"\b(?:strives?|aims?)\b", re.IGNORECASE)
# "i already applied once a year ago, do i need a new account?": when the candidate did something says
# nothing of what they ask; the section just given is judged on the other words.
_WHEN_DONE_WORDS = frozenset(
    {
        "already",
        "once",
        "ago",
        "year",
        "years",
        "month",
        "months",
        "week",
        "weeks",
        "yesterday",
        "last",
        "earlier",
        "previously",
        "recently",
    }
)
# The words of "where can i see it myself", "how do i check that on my own": nothing else is named.
_CHECKING_WORDS = frozenset(
    {"check", "see", "track", "follow", "myself", "self", "own", "look", "find", "also", "meanwhile", "nvm"}
    | {"somehow", "somewhere"}
)
# A section heading that says what follows its step ("What comes after the online assessments").
_TELLS_NEXT = re.compile(r"\bwhat\s+(?:comes|happens)\s+(?:after|next)\b|\bnext\s+step\b", re.IGNORECASE)
# "the work style one", "ok the simulation one": a bare pick of one of the topics the last answer spoke of.
_PICKED_ONE = re.compile(
    r"^\W*(?:(?:ok|okay|oh|ah|um+|hmm+)\W+)*(?:the\s+)?((?:[\w'-]+\s+){0,2}[\w'-]+)\s+one\W*$", re.IGNORECASE
)
# What a quantity is asked of: the words after "how long/many/much" up to a preposition, a clause's end
# or a comma ("how long does the interview take", not "... to hear back after the interview").
_QUANTITY_OF = re.compile(
    r"\bhow\s+(?:long|many|much)\b(.*?)(?=\b(?:for|from|to|after|before|in|of|with|on|at|until|till|if|when|because)\b"
    r"|[,.;?!]|$)",
    re.IGNORECASE,
)
# "do all roles get both?", "do i get both for every role?": whether every role has all of what was listed.
_ALL_OF_THEM_EVERYWHERE = re.compile(
    r"\b(?:both|all\s+of\s+them|all\s+(?:two|2))\b.*\b(?:all|every|each|any)\s+(?:roles?|jobs?|positions?)\b"
    r"|\b(?:all|every|each)\s+(?:roles?|jobs?|positions?)\b.*\b(?:both|all\s+of\s+them)\b",
    re.IGNORECASE,
)
# "who do i ask about that", "who can i contact": whom to turn to, not who takes part in something.
_WHO_TO_ASK = re.compile(
    r"\bwho\s+(?:do|can|should|could|would)\s+(?:i|we)\s+(?:ask|contact|reach|email|call|talk\s+to|speak\s+(?:to|with))\b",
    re.IGNORECASE,
)
# The words of a bare "who should i contact exactly", "who can i reach out to": whom, and nothing about what.
_CONTACT_WORDS = frozenset({"contact", "reach", "out", "exactly", "email", "call", "talk", "speak", "message"})
# How a section names someone for the candidate to consult: "consult your employer's ethics officer".
_CONSULT = re.compile(r"\b(?:consult|check\s+with|ask)\s+your\b", re.IGNORECASE)
# "btw ...", "unrelated, but ...", "different question: ...": a question of the candidate's own, not a
# follow-up of the topic.
_CHANGES_SUBJECT = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|also|oh|hey)\W+)*(?:btw|by\s+the\s+way|unrelated|off[\s-]topic|"
    r"(?:a\s+)?(?:different|another|other|random|separate|new)\s+(?:question|thing|topic)"
    # "ok switching topics, ...", "changing the subject: ...".
    r"|(?:switch(?:ing)?|chang(?:e|ing))\s+(?:the\s+)?(?:topics?|gears|subjects?))\b",
    re.IGNORECASE,
)
# "where would I look to see my application status myself?", "...whats the next stage": how to check, or
# what follows, asked; never a look-up however much of "my application" the words carry.
_ASKS_HOW_IT_GOES = re.compile(
    r"\bwhere\s+(?:can|do|would|should)\s+i\b|\bhow\s+(?:do|can|would)\s+i\s+(?:check|see|find|look)\b"
    r"|\bwhat(?:'?s|\s+is)\s+(?:the\s+)?next\b|\bwhat\s+(?:comes|happens)\s+next\b",
    re.IGNORECASE,
)
# "i forgot my password tho", "can't log in to the portal": trouble with the candidate's account, which the
# assistant cannot fix and the page does not cover; never a look-up (signing in is what fails).
_ACCOUNT_TROUBLE = re.compile(
    r"\b(?:forgot|forgotten|forget|lost|reset|don'?t\s+remember|can'?t\s+remember)\s+(?:my\s+|the\s+)?"
    r"(?:password|pass\s*word|pw|login|log-?in|username|user\s+name)\b"
    r"|\b(?:can'?t|cannot|can\s+not|unable\s+to|couldn'?t)\s+(?:log\s*-?\s*in|sign\s*-?\s*in|login|get\s+into\s+my\s+account)\b"
    r"|\blocked\s+out\b",
    re.IGNORECASE,
)
# "can i ...", "how do i ...": a question about what the candidate may do, not a request to look up.
_ASKS_TO_DO = re.compile(
    r"\b(?:can|could|may)\s+i\b|\bhow\s+(?:do|can|should)\s+i\b|\bis\s+it\s+possible\b|\bam\s+i\s+allowed\b"
    r"|\bwhat\s+if\s+i\b",
    re.IGNORECASE,
)
# How long a thing takes, not how soon something follows it.
_LENGTH_ASKED = re.compile(r"\bhow\s+(?:long|much\s+time)\b|\btakes?\b|\bin\s+total\b", re.IGNORECASE)
# Several things of a kind, or a comparison between them: what the topic that lists them answers.
# "what's the difference between the phone interview and the loop?", "phone screen vs onsite".
# ("whats the diff between the phone screen and the onsite"; not "ok diff question, ...", another question.)
_COMPARES = re.compile(
    # ("diffrence", "diference", "differnce": chat spellings of it.)
    r"\b(?:di+f+e?r+e?n+c+e?s?|differ|diff(?!\s+(?:question|questions|q|qs|topic|thing|note)\b)|vs|versus"
    r"|compared?\s+(?:to|with))\b",
    re.IGNORECASE,
)
# "is the phone interview and the in person one different?", "are the work style test and the sim the
# same?": with two topics named, a comparison too.
# (Asked at the end: "different from other companies", "two different ones" compare nothing named.)
_ALIKE = re.compile(r"\b(?:different|the\s+same|similar|alike)\W*$", re.IGNORECASE)
# "is the assessment before or after the phone screen?", "whats the order", "do you go straight to
# the final interviews?", "which comes first, the OA or the application?"
_ASKS_ORDER = re.compile(
    r"\bbefore\s+or\s+after\b|\bafter\s+or\s+before\b|\bstraight\s+to\b"
    r"|\b(?:what(?:'s|s|\s+is)\s+the|in\s+what|in\s+which)\s+order\b|\border\s+of\s+(?:the\s+)?(?:steps|stages|process)\b"
    r"|\bwhich\s+(?:one\s+)?(?:comes|is|happens)\s+first\b|\bbefore\b[^?.!]{0,60}\bor\b"
    r"|\b(?:is|are)\s+(?:there|the)\b[^?.!]{0,40}\bbefore\s+(?:the|my|an?|applying)\b",
    re.IGNORECASE,
)
# "which one comes first" after the phone interview and the work style assessment were compared: nothing
# but the order asked, of the two things the last question named (the search alone refused it).
_ONLY_THE_ORDER = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|but|then|cool|wait)\W+)*"
    r"(?:(?:which|what)\s+(?:one\s+)?(?:comes|is|happens|goes|do\s+(?:i|you|u)\s+do)\s+(?:first|earlier)"
    r"|(?:what(?:'s|s|\s+is)\s+the\s+order|in\s+what\s+order|which\s+order)(?:\s+of\s+(?:them|those|the\s+two))?)"
    r"\W*$",
    re.IGNORECASE,
)
_KIND_OF = re.compile(r"\b(?:kinds?|types?|sorts?)\s+of\b", re.IGNORECASE)
# What an uncovered question asks for, when a question worded like it asks for something else: "how
# many examples should I bring?" (a count) is not "what kind of examples should I bring?" (the page
# says: specific ones), and "what are the leadership principles?" (their list) is not "do I need to
# know the leadership principles?" (the page says to prepare stories against them).
_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\b|\bnumber\s+of\b", re.IGNORECASE)
_WHAT_ARE_THEY = re.compile(r"^\W*what\s+(?:are|r)\s+(?:the|they|those)\b", re.IGNORECASE)
# "how much do the leadership principles actually matter?", "how important are they really?": how much
# a thing weighs, which is neither how many there are nor what they are.
_IMPORTANCE = re.compile(r"\bhow\s+important\b|\b(?:matter|matters|important|importance)\b", re.IGNORECASE)
_NEED_TO_KNOW = re.compile(
    r"\b(?:need|have|got|supposed)\s+to\s+(?:know|learn|study|memori[sz]e|read\s+up\s+on|prepare)\b"
    r"|\bshould\s+i\s+(?:know|learn|study|memori[sz]e)\b",
    re.IGNORECASE,
)
_ASKS_SEVERAL = re.compile(
    r"\b(?:types|kinds|sorts|both|difference|differences|compare)\b"
    r"|\bwhat\s+are\s+the\s+(?:\d+|two|three|four|five)\b"
    r"|\bwhich\b.*\b(?:longer|shorter|harder|easier|quicker|faster)\b",
    re.IGNORECASE,
)
OVERVIEW_MARGIN = 0.1
# A section headed with the kinds of a thing ("Types of AWS online assessments") names several already.
_LISTS_KINDS = re.compile(r"\b(?:types|kinds|sorts)\b", re.IGNORECASE)
# ...and what it names the kinds of; a question's "kinds of <what>" (two words at most, glossary
# meanings included: "OAs (online assessments)").
_KINDS_HEADING = re.compile(r"\b(?:types|kinds|sorts)\s+of\s+(.+)$", re.IGNORECASE)
_KINDS_OF_WHAT = re.compile(
    r"\b(?:kinds?|types?|sorts?)\s+of\s+(?:the\s+)?([\w-]+(?:\s+\([^)]*\))?(?:\s+[\w-]+)?)", re.IGNORECASE
)
# "explain the hiring process start to finish", "tl;dr of the interview pipeline", "how does the whole
# application thing work, i apply and then what??": the whole process, which the steps' overview gives; a
# step's own section answered them (five dev questions).
_ASKS_WHOLE_PROCESS = re.compile(
    # ("where does the onsite fit in the whole thing?", "how important are LPs in the whole process?" ask
    # about one thing, in the process.)
    r"(?<!\bin\sthe\s)(?<!\bof\sthe\s)(?<!\bto\sthe\s)"
    r"\b(?:whole|entire|full|overall)\s+(?:hiring\s+|interview\s+|application\s+|recruiting\s+)?"
    r"(?:process|thing|pipeline|journey)\b"
    r"|\bstart\s+to\s+(?:finish|end)\b|\bend\s+to\s+end\b|\bbeginning\s+to\s+end\b|\btl;?\s?dr\b|\bpipeline\b"
    # "what happens from the moment i find a job posting until the final interviews?": every step between.
    r"|\bwhat\s+happens\s+from\b.{0,80}?\b(?:until|till|til|to|through)\s+(?:the\s+|my\s+)?"
    r"(?:final|last|end|offer|very\s+end|interviews?|loop|onsite)\b"
    r"|\bwhat\s+(?:actually\s+|really\s+|usually\s+)?happens\s+after\s+(?:i|u|you)\s+(?:hit\s+|click\s+|press\s+)?submit\b"
    # "can someone explain what actually happens AFTER i apply?", "can someone just explain the steps??":
    # the steps after the application, or all of them.
    r"|\bwhat\s+(?:actually\s+|really\s+|usually\s+)?happens\s+after\s+(?:i\s+|u\s+|you\s+)?(?:apply|applying)\b(?!\s+(?:to|for)\s+(?:several|multiple|more|many|two|2|a\s+few))"
    r"|\b(?:explain|walk\s+(?:me\s+)?through|run\s+(?:me\s+)?through|break\s+down|go\s+over)\s+"
    r"(?:(?:the|ur|your|aws'?s?|amazon'?s?|hiring|interview|recruiting|whole)\s+)*(?:steps|stages|process)\b"
    # "i just hit submit on my application, what happens now", "just submitted it, what's next?": the
    # steps after the application, not the page on clicking Apply Now.
    r"|\b(?:(?:hit|clicked|pressed)\s+submit|submitted)\b.{0,60}?\bwhat(?:'s|s|\s+is)?\s+(?:happens\s+|comes\s+)?(?:now|next)\b"
    # "what the hiring process looks like, from sending the application up to the final interviews": the
    # span of the steps, not its last one (whose name weighs most in the search).
    r"|\bfrom\s+(?:\w+\s+){0,3}?(?:appl(?:y|ying|ication)|submit(?:ting)?|sending|start|beginning)\b.{0,40}?"
    r"\b(?:to|until|till|up\s+to|through|thru)\s+(?:the\s+)?(?:\w+\s+)?(?:end|offer|final|interviews?|loop|onsite|hire|hired)\b",
    re.IGNORECASE,
)
# "after the final loop", "after my phone screen": what a wait is counted from (three words at most).
_AFTER_WHAT = re.compile(r"\bafter\s+(?:the\s+|my\s+|your\s+|ur\s+|a\s+)?((?:[\w'-]+\s+){0,2}[\w'-]+)", re.IGNORECASE)
# "when do i hear back after i apply?", "after submitting": the wait counted from the application.
_AFTER_APPLYING = re.compile(
    r"\bafter\s+(?:i\s+|you\s+|u\s+|we\s+)?(?:appl(?:y|ied|ying)|submit(?:ted|ting)?)\b", re.IGNORECASE
)
# A section on when candidates hear back ("When you hear back after the phone interview").
# "just finished my phone interview", "i had my phone screen today": the candidate has done the step.
_DONE_WITH = re.compile(
    r"\b(?:finished|finish(?:ed)?\s+with|done(?:\s+with)?|did|had|completed|took|passed|wrapped\s+up)\b", re.IGNORECASE
)
_HEARING_BACK = re.compile(r"\bhear(?:s|ing)?\s+back\b|\bget(?:s|ting)?\s+back\s+to\b", re.IGNORECASE)
_ONCE_MORE = re.compile(r"\b(?:twice|again|each|both|every|per)\b", re.IGNORECASE)
CONFIRM_TIE = 0.03
REPEAT_MARGIN = 0.12
# A follow-up about the topic just discussed that the topic does not address is refused, unless another
# topic matches it at least this well.
CLEAR_OTHER_TOPIC = 0.6
# ...or this well when it states every word of the follow-up, which asks no "what if" and no yes/no of
# "it" (tried on the dev conversations: "what format should i use for them?" after failures is the STAR
# method's).
STATED_OTHER_TOPIC = 0.4
_CONDITIONAL = re.compile(r"\bif\b", re.IGNORECASE)
# The conversation's topic goes up by this for a question of its own (not a bare follow-up): chosen on
# the dev conversations replayed offline (0.03: +1 right, 0.06: +4, 0.09: +6, 0.12: +6 with one more lost).
TOPIC_PRIOR = 0.09
# A question of its own whose best match anywhere is below this, and that leans on the open topic (a
# pronoun: "them", "that"), is taken as a follow-up of that topic.
WEAK_OWN_SUBJECT = 0.4
# A near tie is settled without asking when one topic states this many more of the question's words.
TIE_WORDS = 2

# A rebuild slower than this (seconds, waiting included) is logged: an edit is to be served within 3 s.
SLOW_REBUILD = 2.0

log = logging.getLogger(__name__)


def _stated(section: Section | Passage) -> str:
    """A section's text for the quantity check, after its title and heading: a sentence that names no
    step ("It typically takes 10-20 minutes") is about the step its section is about."""
    return f"{section.title}. {section.heading}. {section.text}"


def on_disk(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file under the folder with its modification time and size (empty when the folder cannot
    be read whole): any edit, addition or deletion changes it."""
    try:
        return tuple(
            (str(path), stat.st_mtime_ns, stat.st_size)
            for path in sorted(folder.rglob("*"))
            if path.is_file() and (stat := path.stat())
        )
    except OSError:  # a file deleted while the folder was read: read it again next time
        return ()


def _as_status(decision: Decision, ctx: Context | None) -> Decision:
    """The look-up of the candidate's own application instead of `decision`, its P(look-up) kept; the
    conversation's topic stays what it was (a look-up is no topic of the conversation)."""
    look_up = Decision("status", [], decision.ranked, decision.query, decision.uncovered, ctx)
    look_up.own_status = decision.own_status
    return look_up


def labelled_sets(settings: Settings) -> tuple[Path, ...]:
    """The evaluation sets the coverage model learns candidates' questions from (CA_COVERAGE_SETS)."""
    return tuple(set_paths(settings.coverage_sets, ROOT))


@dataclass
class KnowledgeService:
    settings: Settings
    embedder: Embedder
    index: KnowledgeIndex
    _rebuild: threading.Lock = field(default_factory=threading.Lock)
    # Called (from the rebuilding thread) when a reload produced a new version: the API tells the
    # other instances, which then reload too (see api/events.py).
    on_new_version: Callable[[KnowledgeIndex], None] | None = None
    # The writers' report of unanswered questions, kept between requests (see UnansweredReport).
    unanswered: UnansweredReport = field(default_factory=UnansweredReport)
    # The writers' grounding report (api/knowledge/grounding.py), made on first request.
    _grounding: GroundingChecker | None = None
    # Each topic title's vector, embedded once (the model does not change while the service runs).
    _title_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    # The index the topics' title words were worked out for, and those words: each topic's naming words
    # (see _naming_words) and every title's content words (see _title_words).
    _naming: tuple[KnowledgeIndex | None, dict[str, set[str]], set[str]] = (None, {}, set())
    # Whether the topic answers a follow-up it would be answered from (api/knowledge/follow_ups.py);
    # None: not used (CA_FOLLOW_UP_MODEL=false, or no fitted file).
    follow_ups: FollowUpModel | None = None
    # The index the section rows were worked out for, and each section's row in its vectors.
    _rows: tuple[KnowledgeIndex | None, dict[str, int]] = (None, {})
    # knowledge/ as the last rebuild found it (see `on_disk`).
    _read: tuple[tuple[str, int, int], ...] = ()

    def reload(self) -> KnowledgeIndex:
        """Re-read knowledge/, embed only what changed, and swap the new index in at once."""
        started = time.monotonic()
        with self._rebuild:  # one rebuild at a time; questions keep using the current index meanwhile
            # Before reading: a change made while it builds shows as a difference next time. (A build
            # that fails is not tried again until the folder changes.)
            self._read = on_disk(self.settings.knowledge_dir)
            index = build_index(
                self.settings.knowledge_dir,
                self.settings.index_dir,
                self.embedder,
                self.settings.nlu_data,
                labelled_sets(self.settings),
                previous=self.index,
            )
            for problem in index.problems:
                log.warning("knowledge problem: %s", problem)
            changed = index.version != self.index.version
            self.index = index
        took = time.monotonic() - started
        if took > SLOW_REBUILD:  # writers expect their edit served within seconds
            log.warning("knowledge rebuild took %.1f s", took)
        if changed and self.on_new_version:
            self.on_new_version(index)
        return index

    async def watch(self) -> None:
        """Reload whenever a file under knowledge/ is added, changed or deleted (runs until cancelled).

        The watcher's events start a rebuild at once. Every second the folder is also compared with what
        the last rebuild read (`on_disk`): a deleted file was still served 3 s later, three times in the
        end-to-end runs of a whole `make test`, with no rebuild failure logged. A change the watcher did
        not report, or a watcher that failed (started again), is served within about a second.
        """
        from watchfiles import awatch

        folder = self.settings.knowledge_dir
        while True:
            try:
                async for changes in awatch(
                    folder, debounce=300, step=50, recursive=True, rust_timeout=1000, yield_on_timeout=True
                ):
                    if not changes and on_disk(folder) == self._read:
                        continue
                    if changes:
                        log.info("knowledge/ changed (%d file events); rebuilding the index", len(changes))
                    else:
                        log.warning("knowledge/ changed without a file event; rebuilding the index")
                    try:
                        await asyncio.to_thread(self.reload)
                    except Exception:  # a rebuild failure must not stop the watcher; the old index keeps serving
                        log.exception("knowledge rebuild failed; the previous index keeps serving")
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("watching knowledge/ failed; watching it again")
            await asyncio.sleep(1)

    def grounding(self) -> GroundingReport:
        """Every knowledge sentence against the source documents (blocking: run it in a thread)."""
        if self._grounding is None:
            inner = self.embedder.inner if isinstance(self.embedder, PrefetchingEmbedder) else self.embedder
            self._grounding = GroundingChecker(inner)
        return self._grounding.report(self.settings.knowledge_dir, self.settings.knowledge_sources)

    @classmethod
    def start(cls, settings: Settings) -> KnowledgeService:
        embedder = PrefetchingEmbedder(create_embedder(settings.embedder, settings.var_dir / "models"))
        read = on_disk(settings.knowledge_dir)
        index = build_index(
            settings.knowledge_dir, settings.index_dir, embedder, settings.nlu_data, labelled_sets(settings)
        )
        for problem in index.problems:
            log.warning("knowledge problem: %s", problem)
        follow_ups = None
        if settings.follow_up_model and FOLLOW_UP_WEIGHTS.exists():
            follow_ups = FollowUpModel.load(FOLLOW_UP_WEIGHTS)
        return cls(settings, embedder, index, follow_ups=follow_ups, _read=read)

    @property
    def params(self) -> Params:
        s = self.settings
        return Params(
            s.bm25_weight,
            s.answer_threshold,
            s.combine_margin,
            s.clarify_margin,
            s.clarify_ceiling,
            s.whole_doc_chars,
            s.uncovered_override,
            s.sentence_weight,
            s.example_weight,
            s.refuse_above,
            s.refuse_above_when_flagged,
            s.clarify_refuse_above,
            s.flag_overruled_below,
            s.refuse_above_with_unknown_word,
            s.known_uncovered_above,
            s.known_uncovered_margin,
            s.known_uncovered_follow_up_above,
            s.known_uncovered_in_topic_above,
            s.weak_match_below,
            s.refuse_above_when_weak,
        )

    @staticmethod
    def _effective(query: str, previous: str | None) -> str:
        """A short follow-up is searched together with the question before it."""
        return f"{previous} {query}" if previous and looks_like_follow_up(query) else query

    def embedded_text(self, message: str, previous: str | None = None, in_context: bool = True) -> str:
        """The text `ask` embeds for a message, read as it reads it (chat spellings written out, an
        opening acknowledgement dropped in a conversation, a short follow-up joined to the question before
        it outside one): a vector prefetched or taken for the message must be of this text, or the search
        and the coverage model read another message than the rules do ("tips for the fone intervu?" was
        ranked on the vector of its typos, and found the recruiters' tips)."""
        query = self._reading(message, in_context)
        return search_text(self.index, query if in_context else self._effective(query, previous))

    def _reading(self, message: str, in_context: bool) -> str:
        """The message as `ask` reads it: misspelt words as the knowledge spells them (for the follow-up
        rules and the unknown words too: "assesments" is no word nothing here speaks of), chat spellings
        written out and, in a conversation, without an opening acknowledgement of the last reply. One
        place for `ask` and `embedded_text`, so the vector and the rules read the same text."""
        query = plain_chat(self.index.speller.correct(message))
        return self._step_by_name(without_acknowledgement(query) if in_context else query)

    def _step_by_name(self, query: str) -> str:
        """A step named by its number in a question of its own ("back to step 2, is it just one test?")
        read with the step's title instead ("back to the online assessments, ..."): the search knows the
        steps by their names, and "step 2" is in no section. A message that only names the step ("what's
        step 2 again") is left to `_nth_step`, which gives the step's opening section."""
        m = _STEP_NUMBER.search(query)
        if m is None or not content_words(_STEP_NUMBER.sub(" ", query)) - _STEP_WORDS:
            return query
        process = self._process()
        at = _PLACES[m.group(1).lower()]
        sections = self.index.doc_sections.get(process[at]) if at < len(process) else None
        if not sections:
            return query
        title = _PARENTHESIS.sub("", sections[0].title).strip().lower()
        return f"{query[: m.start()]}the {title}{query[m.end() :]}"

    def ask(
        self,
        query: str,
        previous: str | None = None,
        likely_uncovered: bool = False,
        qvec: np.ndarray | None = None,
        ctx: Context | None = None,
    ) -> Decision:
        parts = split_questions(query)
        several = self._several(parts, ctx) if len(parts) > 1 else None
        if several is not None:
            return several
        query = self._reading(query, in_context=ctx is not None)
        general = self._interviews_in_general(query, ctx)
        if general is not None:
            return general
        if _JUDGED_COMPARISON.search(query) and not _ASKS_SEVERAL.search(_JUDGED_COMPARISON.sub(" ", query)):
            refused = Decision("fallback", [], [], query)
            return self._with_context(refused, ctx, query) if ctx is not None else refused
        if _PAST_THE_WINDOW.search(query):
            # "what if i don't hear back in those 2 days?": the page gives the time, never what happens
            # once it has passed; the section stating the time does not answer it.
            refused = Decision("fallback", [], [], query)
            return self._with_context(refused, ctx, query) if ctx is not None else refused
        if ctx is not None:
            # A correction asks the last question again about another subject: what it asks for (a
            # duration, a count) is the last question's ("how soon do they get back after the phone
            # interview?" -> "no, I meant after the final loop").
            meant = meant_question(query)
            if meant is not None:
                # Asked as the question it states, in the conversation's context: its own vector.
                query, qvec = meant, None
            elif previous and (is_correction(query) or self._picks_an_option(query, ctx)):
                return self._corrected(
                    f"{previous} {query}", self._ask_in_context(query, ctx, likely_uncovered, qvec), ctx, query
                )
            order = self._order_of_those_named(previous) if previous and _ONLY_THE_ORDER.match(query) else None
            if order is not None:
                return self._with_context(Decision("answer", [order], [order], query), ctx)
            if qvec is None and self.index.own_status is not None and resolve(query, ctx).kind == "own":
                # A message with a subject of its own is embedded by the search anyway: once, here.
                qvec = self.embedder.encode([search_text(self.index, query)])
            decided = self._states_what_is_asked(
                query, self._ask_in_context(query, ctx, likely_uncovered, qvec, previous), ctx
            )
            decided = self._topic_answers(query, decided, ctx, qvec)
            if self._asks_again_for_a_time(query, decided, ctx):
                # "ok but like roughly how long does that usually take" after "applications are reviewed
                # on a rolling basis": the page says nothing more precise, and the same section again
                # is no answer.
                decided = Decision(
                    "fallback", [], decided.ranked, decided.query, context=self._refused_context(ctx, query)
                )
            return self._as_look_up(self._which_one_asked(query, decided, ctx, previous), qvec, query, ctx)
        index = self.index
        effective = self._effective(query, previous)
        params = self.params
        text = search_text(index, effective)  # what is embedded, and what the coverage model reads
        if qvec is None:
            qvec = self.embedder.encode([text])
        ranked = rank(
            index,
            self.embedder,
            effective,
            params.bm25_weight,
            sentence_weight=params.sentence_weight,
            qvec=qvec,
            example_weight=params.example_weight,
        )
        uncovered = index.coverage.uncovered(qvec, text) if index.coverage is not None else None
        decision = self._decide(
            effective, ranked, likely_uncovered, uncovered, unknown_words(query, index.vocabulary), qvec
        )
        decision = self._reshaped(query, decision)
        decision.query = effective
        decision = self._which_one_asked(query, self._states_what_is_asked(query, decision, None), None, previous)
        return self._as_look_up(decision, qvec, effective, None)

    def _which_one_asked(self, query: str, decision: Decision, ctx: Context | None, previous: str | None) -> Decision:
        """A first question with no subject of its own ("how long does it take?", "what do they ask?"): the
        ranking can only guess what "it" is, so the candidate is asked which one, with the sections it
        could mean as options (one click), instead of an answer from one arbitrary topic."""
        fresh = previous is None and (ctx is None or not (ctx.doc or ctx.step or ctx.listed or ctx.refused))
        if decision.kind != "answer" or not fresh or content_words(query):
            return decision
        options: list[Passage] = []
        for p in decision.ranked:
            if p.score >= self.params.answer_threshold and all(p.doc != o.doc for o in options):
                options.append(p)
        if len(options) < 2:
            return decision
        options = options[:3]
        # The offered topics are what "the second one" or "the simulation" refers to next, and the first
        # option's section what they are asked (its parallel: "the second one" is how long that takes).
        listed = tuple(p.doc for p in options)
        context = Context(section=options[0].id, listed=listed)
        return Decision("clarify", options, decision.ranked, decision.query, context=context)

    def _picks_an_option(self, query: str, ctx: Context) -> bool:
        """Whether a message answers "which one?" (a first question with no subject was asked back) by
        naming one topic ("the simulation", "phone interview pls"): the first question, of that topic."""
        return (
            ctx.doc is None
            and ctx.section is not None
            and bool(ctx.listed)
            and not ctx.refused
            and len(tokenize(query)) <= 5
            and not _QUESTION_OPENS.match(query)
            and self._named_topic(query) is not None
        )

    @staticmethod
    def _asks_again_for_a_time(query: str, decision: Decision, ctx: Context) -> bool:
        """Whether a question for a length of time would be answered by the section just given, which
        states a time in no number ("on a rolling basis", "immediately")."""
        return (
            decision.kind == "answer"
            and bool(decision.passages)
            and not ctx.refused
            and decision.passages[0].id == ctx.section
            and answer_type.wanted(query) == "duration"
            and not answer_type.states_time_in_numbers(_stated(decision.passages[0]))
        )

    def _several(self, parts: list[str], ctx: Context | None) -> Decision | None:
        """A message asking several questions about different topics ("3 qs: 1) how long is the work style
        test 2) is the final round in person 3) can i apply to more than one role"): each part asked on its
        own, and answered with the best section of each, in order, when at least two parts are answered
        from two different topics; those the knowledge does not answer are named (`unanswered`) for the
        reply to say so. None otherwise: a second question that leans on the first ("is it proctored? do
        i need my webcam on for it"), or one topic asked twice, is one question, searched whole."""
        decisions = [self.ask(part, None, ctx=Context()) for part in parts]
        answered = [d for d in decisions if d.kind == "answer" and d.passages]
        if len(answered) < 2 or len({d.passages[0].doc for d in answered}) < 2:
            return None
        # Each part's best section: a reply of one section per question, not every section of each.
        passages = list({d.passages[0].id: d.passages[0] for d in answered}.values())
        last = answered[-1]
        state = last.context if ctx is not None else None
        return Decision(
            "answer",
            passages,
            answered[0].ranked,
            last.query,
            context=state,
            unanswered=tuple(part for part, d in zip(parts, decisions, strict=True) if d.kind != "answer"),
        )

    def follow_up_inputs(
        self, query: str, decision: Decision, ctx: Context, qvec: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, float] | None:
        """The follow-up model's inputs for an answer to a follow-up in a conversation with a topic (the
        message's vector, the answering section's, the coverage model's P(uncovered) of the message), or
        None when it does not apply: not an answer, no topic yet, or answered from the process order
        alone ("and then?"), which no search was made for."""
        index = self.index
        if decision.kind != "answer" or not decision.passages or ctx.doc is None or index.coverage is None:
            return None
        if decision.explained or self._by_links(query, ctx):
            return None
        if self._rows[0] is not index:
            self._rows = (index, {sec.id: i for i, sec in enumerate(index.sections)})
        row = self._rows[1].get(decision.passages[0].id)
        if row is None:
            return None
        text = search_text(index, query)
        if qvec is None:
            qvec = self.embedder.encode([text])
        return qvec, index.vectors[row], index.coverage.uncovered(qvec, text)

    def _topic_answers(self, query: str, decision: Decision, ctx: Context, qvec: np.ndarray | None) -> Decision:
        """An answer to a follow-up that asks for what its section says the page leaves out, or that the
        fitted model reads as one its section does not answer ("is there a right answer?" after the work
        style assessment's example), becomes a refusal, with the offer of a person."""
        if ctx.doc is not None and decision.passages and self._leaves_out_what_is_asked(query, decision.passages[0]):
            # "ok what are they" after the recruiters' 11 tips: the section says the page does not list
            # them, which is no answer to a request for them; refused, with the offer of a person.
            return self._topic_refuses(query, decision, ctx)
        model = self.follow_ups
        if model is None or (
            _CHANGES_SUBJECT.match(query)
            and content_words(_CHANGES_SUBJECT.sub(" ", query)) - {"other"}
            and not refers_back(query)
            and not names_a_place(query)
        ):
            # "btw are there internships for students" after applying to several roles: the candidate
            # says the question is a new one; the model judges follow-ups.
            return decision
        if self._heading_asks_it(query, decision) or self._section_states_it(query, decision):
            return decision
        inputs = self.follow_up_inputs(query, decision, ctx, qvec)
        if inputs is None:
            return decision
        decision.follow_up = p = model.uncovered(*inputs)
        if p <= model.threshold:
            return decision
        return self._topic_refuses(query, decision, ctx, follow_up=p)

    def _topic_refuses(self, query: str, decision: Decision, ctx: Context, follow_up: float | None = None) -> Decision:
        """The refusal of a follow-up answered from its topic: its ranking, query and coverage kept, the
        conversation's state that of a refusal."""
        context = self._refused_context(ctx, query)
        return Decision(
            "fallback", [], decision.ranked, decision.query, decision.uncovered, context, follow_up=follow_up
        )

    @staticmethod
    def _leaves_out_what_is_asked(query: str, passage: Passage) -> bool:
        """Whether a follow-up asks for the items or contents of something ("what are they", "list them")
        that the answering section says the page names but does not give ("does not list the tips
        themselves", "does not describe them")."""
        return _ASKS_CONTENTS.match(query) is not None and _LEAVES_OUT.search(passage.text) is not None

    def _section_states_it(self, query: str, decision: Decision) -> bool:
        """Whether the answering section's own heading and text state every content word of a yes/no follow-up
        ("can i filter them by category" after finding a job: "search by location, job categories, or
        keywords"); the follow-up model refused that one at 0.98."""
        if not decision.passages or not _YES_NO.match(query) or _CONDITIONAL.search(query):
            return False  # ("what are the 11 recruiter tips": the section names them, it does not list them)
        words = content_words(self.index.glossary.meaning(plain_chat(query)))
        top = decision.passages[0]
        return len(words) >= 2 and addresses(words, f"{top.heading} {top.text}") == len(words)

    def _heading_asks_it(self, query: str, decision: Decision) -> bool:
        """Whether a follow-up asking only for a quantity ("how many are there" after when you take the
        assessments) is answered by a section whose heading asks for that quantity ("How many online
        assessments you will take"): the question it was written for, whatever the follow-up model reads
        in three generic words (it refused this one at 0.95)."""
        asked = self._heading_asks(query, decision.passages[0]) if decision.passages else None
        if asked is None:
            return False
        # Nothing but the quantity: "how many questions are there" names what it counts (no heading
        # says how many questions), though "questions" is no content word.
        rest = set(tokenize(asked.sub(" ", without_acknowledgement(query)))) - _BARE_QUANTITY_WORDS
        return not rest

    def _heading_counts(self, query: str, passage: Passage) -> bool:
        """Whether the section's heading asks the quantity asked, of what the question counts ("how many
        assessments will i have" ~ "How many online assessments you will take"; not "how many questions
        are there")."""
        subject = _QUANTITY_OF.search(query)
        if subject is None or self._heading_asks(query, passage) is None:
            return False
        counted = frozenset(tokenize(subject.group(1))) - _BARE_QUANTITY_WORDS
        return addresses(counted, passage.heading) == len(counted)

    @staticmethod
    def _heading_asks(query: str, passage: Passage) -> re.Pattern[str] | None:
        """The words of the quantity a question asks ("how many" in "how many will i have") when the
        section's heading asks it too ("How many online assessments you will take"); None otherwise."""
        asked = _HEADING_ASKS.get(answer_type.wanted(query) or "")
        if asked is None or asked.search(query) is None or asked.match(passage.heading) is None:
            return None
        return asked

    def _as_look_up(self, decision: Decision, qvec: np.ndarray | None, asked: str, ctx: Context | None) -> Decision:
        """A message the own-status model reads as a request to look up the candidate's own application
        ("hey, any word on the Dublin thing yet?"), which NLU sent to the knowledge as a question, goes
        back to the dialogue tier as "status": its look-up, not an answer or a refusal. The model reads
        the vector the search computed (api/knowledge/coverage.py's logistic regression, trained on the
        dialogue tier's examples); the level is `own_status_above`, calibrated on the dev sets."""
        model = self.index.own_status
        if (
            model is None
            or qvec is None
            # "hi i applied for a job and want to know if i got it" ties two topics: a "did you mean"
            # offers two sections that do not answer it, where the look-up does.
            or decision.kind not in ("answer", "fallback", "clarify")
            or _ASKS_HOW_IT_GOES.search(asked)
            or _ACCOUNT_TROUBLE.search(asked)
        ):
            return decision
        # The words the vector was made of (search_text is what the search embeds).
        decision.own_status = model.uncovered(qvec, search_text(self.index, asked))
        if decision.own_status < self.settings.own_status_above:
            return decision
        return _as_status(decision, ctx)

    def unless_asked(self, decision: Decision, ctx: Context | None) -> Decision:
        """For a message NLU took for a look-up of the candidate's own application: the knowledge's answer
        when it has one and the own-status model reads the message as a question (P(look-up) below
        `own_status_question_below`: "is there a problem if I interview, as a civil servant?"); its
        answer or refusal for trouble with the candidate's account ("i forgot my password tho": signing in
        is what fails, and a person can help); else "status", the look-up, with the conversation's topic
        unchanged."""
        if decision.kind in ("answer", "fallback") and _ACCOUNT_TROUBLE.search(decision.query or ""):
            return decision
        reads_as_question = (
            decision.own_status is not None and decision.own_status < self.settings.own_status_question_below
        )
        if decision.kind == "answer" and reads_as_question:
            return decision
        if decision.kind == "fallback" and reads_as_question and _ASKS_TO_DO.search(decision.query or ""):
            # "can I swap the resume on my submitted application?", "missed the deadline on my assessment,
            # can i still take it": what the candidate may do with it, which the page does not say; the
            # refusal with the offer of a person, not a sign-in to a look-up that cannot answer it.
            return decision
        return _as_status(decision, ctx)

    def _overview_for_several(self, query: str, decision: Decision) -> Decision:
        """A question about several things of a kind ("what are the 2 assessment types?", "which
        assessment takes longer?") answered by one of them is answered by the topic that lists them
        all, when that topic is close (OVERVIEW_MARGIN)."""
        if decision.kind in ("answer", "clarify") and decision.passages and _ASKS_ORDER.search(query):
            ordered = self._order_of(query, decision)
            if ordered is not None:
                return ordered
        if (
            decision.kind == "answer"
            and decision.passages
            and _ASKS_WHOLE_PROCESS.search(query)
            # "how long does the simulation take start to finish?", "do I go through the whole thing twice
            # for two roles?": a length, or the process again, asked of one thing.
            and answer_type.wanted(query) is None
            and not _ONCE_MORE.search(query)
        ):
            whole = self._steps_overview()
            # "what is aws looking for w/ this whole hiring thing": another section of the overview's own
            # topic (why AWS hires the way it does) was chosen for what is asked.
            if whole is not None and whole.doc != decision.passages[0].doc:
                chosen = Decision("answer", [whole], decision.ranked, decision.query)
                chosen.uncovered = decision.uncovered
                return chosen
        if decision.kind != "answer" or not decision.passages or not _ASKS_SEVERAL.search(query):
            return decision
        top = decision.passages[0]
        if top.doc in self.index.lists_of and _LISTS_KINDS.search(top.heading):
            # "what kinds of tests does aws use?" over the section naming the assessment types: it is the
            # overview of those several things already, not one of them.
            return decision
        parents = set(self._listing(top.doc))
        kinds = self._kinds_section_named(query, parents, decision.ranked)
        if kinds is not None:
            chosen = Decision("answer", self._answer(kinds, decision.ranked), decision.ranked, decision.query)
            chosen.uncovered = decision.uncovered
            return chosen
        overview = next(
            (p for p in decision.ranked if p.doc in parents and p.score >= top.score - OVERVIEW_MARGIN), None
        )
        if overview is None:
            return decision
        chosen = Decision("answer", self._answer(overview, decision.ranked), decision.ranked, decision.query)
        chosen.uncovered = decision.uncovered
        return chosen

    def _kinds_section_named(self, query: str, parents: set[str], ranked: list[Passage]) -> Passage | None:
        """For "what kinds of assessments does aws use? coding? personality test?": the section of a topic
        listing the one chosen that is headed with the kinds of the thing asked about ("Types of AWS online
        assessments"), among the five best; the guesses after it ("personality test") had pulled the
        search to one of the kinds, 0.13 above. Not for "what kind of questions are in the work style
        one?": questions are not what the heading lists the kinds of."""
        m = _KINDS_OF_WHAT.search(search_text(self.index, query))
        if m is None:
            return None
        asked = {stem(w) for w in tokenize(m.group(1))}
        for p in ranked[:5]:
            listed = _KINDS_HEADING.search(p.heading) if p.doc in parents else None
            if listed and asked & {stem(w) for w in tokenize(listed.group(1))}:
                return p
        return None

    def _order_of_those_named(self, previous: str) -> Passage | None:
        """For "which one comes first?" right after a question naming things of two different steps ("the
        phone interview and the work style assessment": the phone interview and the assessments), the
        overview listing the steps in order; None when the last question named fewer than two steps."""
        process = self._process()

        def step_of(doc: str | None) -> str | None:
            for _ in range(len(self.index.lists_of) + 1):  # (bounded: lists naming each other have no step)
                if doc is None or doc in process:
                    return doc
                doc = next(iter(self._listing(doc)), None)  # the topic listing it (the assessments)
            return None

        steps = {step for step in map(step_of, self._topics_named(previous)) if step is not None}
        return self._steps_overview() if len(steps) >= 2 else None

    def _steps_overview(self) -> Passage | None:
        """The opening section of the topic that lists the process's steps (front matter `lists:`)."""
        index = self.index
        for doc, listed in index.lists_of.items():
            if listed and all(d in index.steps for d in listed):
                sections = index.doc_sections.get(doc)
                return Passage.of(sections[0], 1.0, 1.0) if sections else None
        return None

    def _order_of(self, query: str, decision: Decision) -> Decision | None:
        """For a question about the order of steps ("is the assessment before or after the phone
        screen?", "is there a phone interview before the final ones or do you go straight there?"),
        the topic listing the steps in order, when the best sections, or the words of the question
        ("phone"), are of two or more of its steps."""
        ordered = {doc: items for doc, items in self.index.lists_of.items() if set(items) <= self.index.steps}
        named = set(self._topics_named(query))
        for parent, items in ordered.items():
            near = ({p.doc for p in decision.ranked[:5]} | named) & set(items)
            sections = self.index.doc_sections.get(parent, [])
            if len(near) >= 2 and sections:
                # The steps in order, then the best section, which may place its own step ("the
                # third of the four steps, after the online application and the assessments").
                overview = Passage.of(sections[0], 0.0, 0.0)
                best = decision.passages[0]
                both = [overview] if best.doc == parent else [overview, best]
                chosen = Decision("answer", both, decision.ranked, decision.query)
                chosen.uncovered = decision.uncovered
                return chosen
        return None

    def _both_compared(self, query: str, decision: Decision) -> Decision:
        """A comparison of two topics the question names ("what's the difference between the phone
        interview and the in-person one?") is answered with what each one is, not with one of them."""
        if decision.kind not in ("answer", "clarify") or not (_COMPARES.search(query) or _ALIKE.search(query)):
            return decision
        named = self._topics_named(query)
        if len(named) != 2:
            return decision
        chosen: list[Passage] = []
        # "work style test vs work sample sim, how long is each one??": each one's section headed with the
        # quantity asked, where it has one; what each one is otherwise.
        asked = _HEADING_ASKS.get(answer_type.wanted(query) or "")
        for doc in named:
            ranked = [p for p in decision.ranked if p.doc == doc]
            seen = {p.id for p in ranked}
            # ...its sections the ranking did not keep too: "virtual onsite vs phone screen" ranks the
            # loop's "whether they are virtual" alone, and the loop is what "What an interview loop is" says.
            of_doc = ranked + [
                Passage.of(s, 0.0, 0.0) for s in self.index.doc_sections.get(doc, []) if s.id not in seen
            ]
            # What each one is: its best-ranked section headed "What ...", else its best-ranked one.
            what = next((p for p in of_doc if p.heading.lower().startswith("what")), of_doc[0])
            chosen.append(next((p for p in of_doc if asked.match(p.heading)), what) if asked is not None else what)
        chosen.sort(key=lambda p: -p.score)
        both = Decision("answer", chosen, decision.ranked, decision.query)
        both.uncovered = decision.uncovered
        return both

    def _stating_it_first(self, query: str, decision: Decision) -> Passage | None:
        """When the best section states the quantity asked of what the question names only in passing, a
        section within SUBJECT_MARGIN of it that states it first; None otherwise."""
        top = decision.passages[0]
        if answer_type.answers_first(query, _stated(top)):
            return None
        return next(
            (
                p
                for p in decision.ranked
                if p.id != top.id
                and p.score >= top.score - SUBJECT_MARGIN
                and answer_type.answers_first(query, _stated(p))
            ),
            None,
        )

    def _section_for_quantity(self, query: str, decision: Decision, ctx: Context | None = None) -> Passage | None:
        """A section headed with the kind of quantity asked ("How long ... takes") that states it, of the
        best section's document or within QUANTITY_MARGIN of it; the best-ranked such, or None."""
        kind = answer_type.wanted(query)
        heading = _QUANTITY_HEADINGS.get(kind or "")
        if heading is None or not decision.passages:
            return None
        top = decision.passages[0]
        scored = {p.id: p for p in decision.ranked}
        candidates = [p for p in decision.ranked if p.score >= top.score - QUANTITY_MARGIN]
        candidates += [
            scored.get(sec.id) or Passage.of(sec, 0.0, 0.0) for sec in self.index.doc_sections.get(top.doc, [])
        ]
        if ctx is not None and ctx.doc and refers_back(query):
            # "how many questions do they ask in it?" about the phone interview: its count, or none;
            # never the number of assessments, however close that section scores.
            candidates = [p for p in candidates if p.doc == ctx.doc or p.doc in ctx.listed]
        # Another topic's quantity answers only a question that names something of it: "how long does a
        # security clearance take for govt folks?" is not asking how long the work style assessment takes.
        words = content_words(self.index.glossary.meaning(query))
        for p in candidates:
            if (
                p.id != top.id
                and heading.search(p.heading)
                and answer_type.answers(query, [_stated(p)])
                and (p.doc == top.doc or addresses(words, self._says(p)))
            ):
                return p
        return None

    def _every_listed_one(self, query: str, decision: Decision) -> list[Passage]:
        """When the best section is one of the things a topic lists and the question names that topic
        in the plural ("how long are the assessments?"), each listed thing's section stating the
        quantity asked; else empty."""
        top = decision.passages[0]
        words = {w.lower() for w in tokenize(query)}
        own = {w.lower() for w in tokenize(top.title)}
        for parent, items in self.index.lists_of.items():
            sections = self.index.doc_sections.get(parent, [])
            if top.doc not in items or not sections:
                continue
            plural = [w for w in tokenize(sections[0].title.lower()) if w.endswith("s")]
            named = {w for w in plural if w in words} - own
            # "how long does the assessment take?" names their kind, not one of them: each one's too.
            kind = {w[:-1] for w in plural if w[:-1] in words}
            rest = frozenset(words - kind - set(plural))
            # ...unless it names one of them too ("the workstyle assessment": "work style" written as one).
            of_a_kind = bool(kind) and not any(addresses(rest, title) for title in map(self._title_of, items) if title)
            if named or of_a_kind:
                found = self._each_stating(query, parent)
                return found if len(found) > 1 else []
            # "i have both a work style one and a simulation to do, how much time for each": two of the
            # listed things named one by one.
            each = [doc for doc in self._topics_named(query) if doc in items]
            if len(each) > 1:
                found = [p for p in self._each_stating(query, parent) if p.doc in each]
                return found if len(found) > 1 else []
        return []

    def _listed_stating(self, query: str, decision: Decision) -> list[Passage]:
        """For a quantity asked of the topics an answer's topic lists, the section of each listed topic
        headed with it ("How long the work style assessment takes"): "how long do they take?" after the
        answer naming the two assessments, or "how much time should I block for the OAs?" answered by
        the topic that lists them. Empty when the answer's topic lists nothing."""
        if not decision.passages:
            return []
        # Only what the answer's own topic lists: after the phone interview (one of the steps the
        # overview listed), "how many questions do they ask in it?" is not the number of assessments.
        return self._each_stating(query, decision.passages[0].doc)

    def _each_stating(self, query: str, parent: str) -> list[Passage]:
        """The section of each topic `parent` lists headed with the quantity asked and stating it."""
        kind = answer_type.wanted(query) or ""
        heading = _QUANTITY_HEADINGS.get(kind)
        # "how soon after the assessments do they schedule it?" is a wait, not how long each one takes.
        if heading is None or not (_LENGTH_ASKED if kind == "duration" else heading).search(query):
            return []
        listed = self.index.lists_of.get(parent, [])
        found = []
        for doc in listed:
            section = next(
                (
                    sec
                    for sec in self.index.doc_sections.get(doc, [])
                    if heading.search(sec.heading) and answer_type.answers(query, [_stated(sec)])
                ),
                None,
            )
            if section is not None:
                found.append(Passage.of(section, 0.0, 0.0))
        return found

    def _corrected(self, asked: str, decision: Decision, ctx: Context, correction: str = "") -> Decision:
        """A correction's answer: the topic it names, at the section that states what the last question
        asked for ("how long does the work style take?" -> "sorry, I meant the work sample one": the work
        sample's duration), or a refusal when that topic states none."""
        named = self._named_topic(correction) if correction else None
        if named is not None and (decision.kind == "clarify" or (decision.kind == "fallback" and named in ctx.listed)):
            # "no sorry i meant the phone one" after "what do they ask in the in-person interview?": the
            # last question, of the topic named, at its section that answers it best (the correction
            # alone tied between topics that mention the phone interview and asked which was meant).
            # Likewise after an answer listing it ("whats the interview like" gave both interviews):
            # alone, "sorry, the phone one" matched no section well enough and was refused.
            within = [p for p in self._best_match(asked, k=len(self.index.sections)) if p.doc == named]
            if within:
                decision = Decision("answer", self._answer(within[0], within), within[:5], asked)
                decision = self._with_context(decision, ctx)
        wanted = answer_type.wanted(asked)
        if decision.kind != "answer" or not decision.passages:
            return self._states_what_is_asked(asked, decision, ctx)
        top = decision.passages[0]
        sections = self.index.doc_sections.get(top.doc, [])
        last = self.index.by_id.get(ctx.section or "")
        if (
            last is not None
            and last.doc != top.doc
            and _HEARING_BACK.search(last.heading)
            and top.doc in self.index.steps
            and not any(_HEARING_BACK.search(s.heading) for s in sections)
        ):
            if top.doc not in self._process()[:1]:
                # "how fast do i get results after the phone interview?" -> "no sorry i meant the online
                # assessment results" (or "sorry, i meant the loop"): when AWS gets back after that step,
                # which its topic does not say. Not covered.
                refused = self._refused_context(ctx, correction)
                return Decision("fallback", [], decision.ranked, decision.query, decision.uncovered, refused)
            # "how long does it take to hear back" (the phone interview's two business days) -> "no i mean
            # after i submit my application": when AWS gets back about applications, a section of no step
            # ("reviewed on a rolling basis"); the application's own sections state no wait.
            general = self._hearing_back_of_no_step(self._best_match(asked, k=len(self.index.sections)))
            if general is not None:
                return self._with_context(Decision("answer", self._answer(general, []), [general], decision.query), ctx)
        if wanted is None:
            return self._states_what_is_asked(asked, decision, ctx)
        heading = _QUANTITY_HEADINGS.get(wanted)
        if last is not None and last.doc != top.doc and heading is not None and heading.search(last.heading):
            # "how long does the simulation take?" -> "no, I meant the phone interview": how long that one
            # takes, which only a section saying the same of it answers; the two business days after it
            # are a wait, not its length. None: not covered.
            parallel = self._parallel(last.id, top.doc)
            sections = [s for s in sections if s.id == parallel and heading.search(s.heading)]
            if not sections:
                refused = self._refused_context(ctx, correction)
                return Decision("fallback", [], decision.ranked, decision.query, decision.uncovered, refused)
        for section in sections:
            if answer_type.answers(asked, [_stated(section)]):
                chosen = Passage.of(section, top.score, top.cosine)
                return self._with_context(Decision("answer", [chosen], decision.ranked, decision.query), ctx)
        return self._states_what_is_asked(asked, decision, ctx)

    def _states_what_is_asked(self, query: str, decision: Decision, ctx: Context | None) -> Decision:
        """A question for a quantity ("how long is the phone interview?") over sections that state none
        is not covered, however close the topic (api/knowledge/answer_type.py)."""
        # The best section must state it: a short topic's other sections come along as context, and
        # "four steps" in one of them does not say how many interviews the loop has.
        if decision.kind != "answer":
            return decision
        if answer_type.asks_who(query) and not answer_type.names_people(_stated(decision.passages[0])):
            # "who reviews my application?" over "Amazon reviews applications on a rolling basis": no one.
            refused = self._refused_context(ctx, query) if ctx is not None else None
            return Decision("fallback", [], decision.ranked, decision.query, decision.uncovered, refused)
        if answer_type.answers(query, [_stated(decision.passages[0])]):
            first = self._stating_it_first(query, decision)
            if first is not None:
                # "how long to hear back after applying?" over the phone interview's two business days
                # ("more generally, applications are reviewed on a rolling basis"): the section that
                # says it of applications first.
                chosen = Decision("answer", self._answer(first, decision.ranked), decision.ranked, decision.query)
                chosen.uncovered = decision.uncovered
                return self._with_context(chosen, ctx) if ctx is not None else chosen
            every = self._every_listed_one(query, decision)
            if not every and self._quantity_of_something_else(query, decision.passages[0]):
                # "how long does the interview take?" over "the work sample simulation typically takes
                # 20-60 minutes": a length is stated, but of another thing than the one named.
                refused = self._refused_context(ctx, query) if ctx is not None else None
                return Decision("fallback", [], decision.ranked, decision.query, decision.uncovered, refused)
            if not every:
                return decision
            # "how long are the assessments?" answered by the work style one's 10-20 minutes: the
            # question names them all (the topic listing both), so each one's duration.
            chosen = Decision("answer", every, decision.ranked, decision.query)
            chosen.uncovered = decision.uncovered
            return self._with_context(chosen, ctx) if ctx is not None else chosen
        each = self._listed_stating(query, decision)
        if each:
            # "how long do they take?" after the answer naming the two assessments: each one's duration,
            # which their own topics state and the overview does not.
            chosen = Decision("answer", each, decision.ranked, decision.query)
            chosen.uncovered = decision.uncovered
            return self._with_context(chosen, ctx) if ctx is not None else chosen
        stating = self._section_for_quantity(query, decision, ctx)
        if stating is not None:
            # "the one where you answer a customer question, how long is it?" matched the work sample's
            # tasks; its section headed "How long the work sample simulation takes" says.
            chosen = Decision("answer", self._answer(stating, decision.ranked), decision.ranked, decision.query)
            chosen.uncovered = decision.uncovered
            return self._with_context(chosen, ctx) if ctx is not None else chosen
        # Remembered as a refusal, like any other ("who can I ask then?" next is refused again).
        refused = self._refused_context(ctx, query) if ctx is not None else None
        return Decision("fallback", [], decision.ranked, decision.query, decision.uncovered, refused)

    def _quantity_of_something_else(self, query: str, best: Passage) -> bool:
        """Whether a question for a quantity names a topic by a word of the knowledge's titles
        ("interview") that the chosen section's topic neither is called by nor speaks of."""
        if answer_type.wanted(query) not in _QUANTITY_HEADINGS:
            return False
        # Only what the quantity is asked of: "how many assessments will I take for my application?"
        # asks the number of assessments, whatever else is named after it.
        subject = _QUANTITY_OF.search(query)
        if subject is None:
            return False
        titled = self._title_words()
        named = {w for w in content_words(self.index.glossary.meaning(subject.group(1))) if stem(w) in titled}
        # The topic's own title and that of a topic listing it: "the online assessment" is either one.
        titles = [best.title] + [title for title in map(self._title_of, self._listing(best.doc)) if title]
        own = {stem(w) for title in titles for w in tokenize(title)}
        return any(stem(w) not in own and not addresses(frozenset([w]), self._says(best)) for w in named)

    def _listing(self, doc: str) -> list[str]:
        """The topics whose front matter lists `doc` (the online assessments list the work style one)."""
        return [parent for parent, items in self.index.lists_of.items() if doc in items]

    def _title_of(self, doc: str) -> str | None:
        sections = self.index.doc_sections.get(doc)
        return sections[0].title if sections else None

    def _title_words(self) -> set[str]:
        """The stems of every topic's title's content words."""
        return self._titles_worked_out()[2]

    def _answer(self, best: Passage, ranked: list[Passage]) -> list[Passage]:
        """The chosen section, or its whole document when that is short (as `decide` does)."""
        siblings = self.index.doc_sections.get(best.doc, [])
        if siblings and sum(len(s.text) for s in siblings) <= self.params.whole_doc_chars:
            scored = {x.id: x for x in ranked}
            chosen = [scored.get(s.id) or Passage.of(s, 0.0, 0.0) for s in siblings]
            chosen.sort(key=lambda x: x.id != best.id)
            return chosen
        return [best]

    def _ask_in_context(
        self, query: str, ctx: Context, likely_uncovered: bool, qvec: np.ndarray | None, previous: str | None = None
    ) -> Decision:
        """Resolve the message against the conversation's state first (api/knowledge/context.py)."""
        index = self.index
        params = self.params
        resolved = resolve(query, ctx)
        inside = _IN_THE_SHORTER.search(query)
        item = self._by_length(inside.group(1), ctx) if inside and not _LENGTH_ASKED.search(query) else None
        if inside and item is not None:
            # "what do they ask in the shorter one" after which assessment is longer: the question asked of
            # the item by its name ("in the work style assessment"), as a question of its own.
            title = self.index.doc_sections[item][0].title
            return self._ask_in_context(f"{query[: inside.start()]} in the {title}", ctx, likely_uncovered, None)
        by_length = self._item_by_length(query, ctx)
        if by_length is not None:
            # "and the shorter one?" after the work sample's tasks: the last question again, of the listed
            # item that takes less time.
            parallel = self._parallel(ctx.section, by_length)
            sections = self.index.doc_sections[by_length]
            asked = next((sec for sec in sections if sec.id == parallel), sections[0])
            chosen = Passage.of(asked, 1.0, 1.0)
            return self._with_context(Decision("answer", self._answer(chosen, []), [chosen], query), ctx)
        compared = self._durations_compared(query, resolved, ctx)
        if compared:
            return self._with_context(Decision("answer", compared, compared, query), ctx)
        if (
            ctx.refused
            and resolved.kind == "elliptical"
            and not resolved.content
            and answer_type.wanted(query) is None
            # "what are the two kinds again?" asks what the topic listed, not about the refused question;
            # "ok what do they ask in it then?" what the topic holds.
            and not _ASKS_SEVERAL.search(query)
            and not (_ASKS_WHAT.match(query) and (refers_back(query) or _KIND_OF.search(query)))
            # "why do you even have them?", "why do they even have one": why the topic's thing exists, not
            # the refused question.
            and not (_ASKS_WHY.match(query) and (refers_to_topic(query) or _HAVE_ONE.search(query)))
            # "who's in it?" after the loop and a refused "how many rounds is it": who takes part in the
            # topic, which it may say (the loop names its interviewers).
            # ("who do i ask about that then" asks whom to ask about the refused question.)
            and not (answer_type.asks_who(query) and refers_to_topic(query) and not _WHO_TO_ASK.search(query))
            # "when do i get it, like right away?" after the assessments and a refused retake: when the
            # topic's thing happens, which the topic may say.
            and not (_ASKS_WHEN.match(query) and refers_to_topic(query))
            # "ok so who do i ask" after the government employees' answer and a refused question on the
            # restrictions: the topic names whom to consult about them (the employer's ethics officer).
            and not (_WHO_TO_ASK.search(query) and self._names_whom_to_consult(ctx.doc))
        ):
            # After "I don't know that", a follow-up with no subject of its own ("who can I ask then?",
            # "why not?") leans on the refused question: refused again, with the offer of a person. One
            # asking a quantity ("ok. how long is it?") asks it of the topic.
            return self._with_context(Decision("fallback", [], [], query), ctx)
        explained = self._explained_again(query, ctx)
        if explained is not None:
            # "what do you mean by well-structured?" after the phone interview's tips: the section that says
            # it, again; "say it simpler pls": the answer just given again.
            again = Decision(
                "answer",
                self._answer(explained, []),
                [explained],
                query,
                explained=True,
                repeated=explained.id == ctx.section,
            )
            return self._with_context(again, ctx)
        when = self._when_given(query, ctx)
        if when is not None:
            # "do i get it right when i apply?" after the work sample simulation: when an assessment is
            # taken, which the topic listing it says.
            return self._with_context(Decision("answer", self._answer(when, []), [when], query), ctx)
        checked = self._day_checked(query, ctx)
        if checked is not None:
            # "so like by tuesday?" after "within two business days of your phone interview": the page
            # gives the time, never a date; the time again, saying that this is all it says.
            again = Decision("answer", self._answer(checked, []), [checked], query, explained=True, repeated=True)
            return self._with_context(again, ctx)
        counted = self._all_of_them_everywhere(query, ctx)
        if counted is not None:
            # "do all roles get both?" after comparing the two assessments: whether every role has all the
            # listed items, which the listing topic's count section answers ("depends on the role"), not
            # how applications to several roles are evaluated.
            return self._with_context(Decision("answer", self._answer(counted, []), [counted], query), ctx)
        example = self._example_asked(query, ctx)
        if example is not None:
            # "can you give me an example" after the work style questions: the topic's example section,
            # even the one just given (which is the example), never another topic's.
            return self._with_context(Decision("answer", self._answer(example, []), [example], query), ctx)
        ahead = self._going_ahead(query, ctx)
        if ahead is not None:
            # "and if i just go ahead and interview anyway?" after what government employees must check:
            # what going ahead means, which the topic says, not the interviews it names in passing.
            return self._with_context(Decision("answer", self._answer(ahead, []), [ahead], query), ctx)
        consult = self._whom_to_consult(query, ctx)
        if consult is not None:
            # "who should i contact exactly" after the government employees' answer: the topic names whom
            # (the employer's ethics officer); the search alone took "contact" for a question of its own.
            # Chosen by what it names, not guessed: no reading for the follow-up model (it refused this).
            given = Decision(
                "answer",
                self._answer(consult, []),
                [consult],
                query,
                explained=True,
                repeated=consult.id == ctx.section,
            )
            return self._with_context(given, ctx)
        following = self._next_section_in_order(query, ctx, previous)
        if following is not None:
            # "and then?" after "click Apply Now at the top of the job's page": what the candidate does
            # next in the application (create a profile), not the next step of the process.
            return self._with_context(Decision("answer", self._answer(following, []), [following], query), ctx)
        if resolved.kind == "next":
            target, is_step = next_topic(ctx, index.next_of, index.steps)
            if target and target in index.doc_sections:
                first = Passage.of(index.doc_sections[target][0], 1.0, 1.0)
                return self._with_context(Decision("answer", self._answer(first, []), [first], query), ctx)
            if is_step:  # the end of the process: nothing is said about what follows it
                return self._with_context(Decision("fallback", [], [], query), ctx)
        if resolved.kind == "previous":
            target, is_step = previous_topic(ctx, self._process(), index.next_of)
            if target and target in index.doc_sections:
                first = Passage.of(index.doc_sections[target][0], 1.0, 1.0)
                return self._with_context(Decision("answer", self._answer(first, []), [first], query), ctx)
            if is_step:  # the start of the process: nothing is said about what comes before it
                return self._with_context(Decision("fallback", [], [], query), ctx)
        # The section just given (None after a refusal that named another topic, or at the start).
        last = index.by_id.get(ctx.section or "")
        if resolved.kind not in ("next", "previous"):  # "ok and after the OA?", "what comes after the third?"
            named, after = self._step_after_named(query, ctx)
            if (
                named is not None
                and last is not None
                and not ctx.refused  # the last reply was a refusal, not the time to hear back
                and _HEARING_BACK.search(last.heading)
                and is_bare_after(query)
            ):
                # "and after the phone screen?" after when you hear back after applying: when you hear back
                # after that step, not the step that follows it. A step whose topic says no such time
                # (the loop) is not covered.
                parallel = self._parallel(ctx.section, named.doc)
                section = index.by_id.get(parallel or "")
                if section is not None and _HEARING_BACK.search(section.heading):
                    chosen = Passage.of(section, 1.0, 1.0)
                    return self._with_context(Decision("answer", self._answer(chosen, []), [chosen], query), ctx)
                return self._with_context(Decision("fallback", [], [named], query), ctx, query)
            if after is not None:
                heard = self._hearing_back(named) if named is not None and _DONE_WITH.search(query) else None
                if heard is not None:
                    # "just finished my phone interview, what happens now?": when AWS gets back after it
                    # (its topic says), then the step that follows, which the conversation is about next
                    # ("how do i prep for it?", "and after that?").
                    decision = self._with_context(Decision("answer", [after], [after], query), ctx)
                    decision.passages = decision.ranked = [heard, after]
                    return decision
                return self._with_context(Decision("answer", self._answer(after, []), [after], query), ctx)
            if named is not None:  # the last step: the page says nothing of what follows it
                return self._with_context(Decision("fallback", [], [named], query), ctx)
            before = self._step_before_named(query, ctx)  # "what's the round right before the loop?"
            if before is not None:
                return self._with_context(Decision("answer", self._answer(before, []), [before], query), ctx)
        # "k whats the last step" after the assessments' two types: a step is the process's, whatever the
        # last answer listed.
        nth = self._nth_step(query, ctx)
        if nth is not None:
            return self._with_context(Decision("answer", self._answer(nth, []), [nth], query), ctx, query)
        text = search_text(index, query)
        if qvec is None:
            qvec = self.embedder.encode([text])
        everything = rank(
            index,
            self.embedder,
            query,
            params.bm25_weight,
            k=len(index.sections),
            sentence_weight=params.sentence_weight,
            qvec=qvec,
            example_weight=params.example_weight,
        )
        uncovered = index.coverage.uncovered(qvec, text) if index.coverage is not None else None
        if resolved.kind == "ordinal":
            target = pick_listed(resolved, ctx, index.lists_of)
            if resolved.ordinal == -1 and resolved.content:
                # "what about the other one, the in person one": the other listed topic it names by its title.
                others = [d for d in self._topics_named(query) if d in ctx.listed and d != ctx.doc]
                target = others[0] if len(others) == 1 else target
            within = [p for p in everything if p.doc == target]
            # "oh sorry i meant the other one, the personality one": a correction asks the last
            # question again, of the item it names; its words describe the item, they ask nothing.
            bare = is_bare_reference(query) or is_correction(query)
            parallel = self._parallel(ctx.section, target) if bare else None
            if parallel is not None:
                # A bare "and the second?" asks the last question again of the next item: after "how
                # long does the first one take?", the second one's duration, not its best-ranked section.
                within.sort(key=lambda p: p.id != parallel)
            elif bare and target in index.doc_sections:
                # "the 3rd one again?" after the list of steps: what that item is, its opening section.
                opening = index.doc_sections[target][0].id
                within.sort(key=lambda p: p.id != opening)
            # ("the 3rd one again?" asks to hear it again: "again" is no retake there.)
            if (
                within
                and resolved.content
                and not bare
                and not any(addresses(resolved.content, self._says(p)) for p in within)
            ):
                # "can you fail the first one?": the topic it names says nothing of that; refused, as
                # a follow-up the topic does not address is.
                return self._with_context(Decision("fallback", [], within[:5], query), ctx)
            if within:
                return self._with_context(Decision("answer", self._answer(within[0], within), within[:5], query), ctx)
        instead = self._named_instead(query, ctx)
        if instead is not None:
            # "and the work style one?" after the work sample's duration: the last question again, of the
            # topic the message names.
            parallel = self._parallel(ctx.section, instead)
            within = sorted((p for p in everything if p.doc == instead), key=lambda p: p.id != parallel)
            if parallel is not None and within:
                return self._with_context(Decision("answer", self._answer(within[0], within), within[:5], query), ctx)
            its_sections = index.doc_sections.get(instead, [])
            if (
                parallel is None
                and last is not None
                and (
                    (
                        _SAME.search(query)
                        and answer_type.states("duration", _stated(last))
                        and not any(answer_type.states("duration", _stated(s)) for s in its_sections)
                    )
                    # "and the phone interview?" after the answer headed "How long the work style assessment
                    # takes" asks that again: of a topic with no such section, not covered.
                    or (
                        _QUANTITY_HEADINGS["duration"].search(last.heading)
                        and not any(_QUANTITY_HEADINGS["duration"].search(s.heading) for s in its_sections)
                        # Only the topic's name: "and the phone interview result?" asks something of its own.
                        and bool(its_sections)
                        and not content_words(query) - set(tokenize(its_sections[0].title.lower()))
                    )
                )
            ):
                # "is that the same for the in-person interviews?" after the phone interview's two
                # business days: the topic it names states no time at all; not covered. (The named
                # topic is the one "those" means next.)
                refused = self._with_context(Decision("fallback", [], within[:5], query), ctx, query)
                if refused.context is not None and refused.context.doc == instead:
                    # "and the phone interview?" next asks the same again: the section whose question is
                    # carried stays the one last given.
                    refused.context = replace(refused.context, section=ctx.section)
                return refused
            if (
                parallel is None
                and previous
                and not ctx.refused
                # ("same for the loop?" after why metrics matter asks whether that holds there too; "and
                # the loop?" after a duration asks the loop's duration, which the rule above refuses.)
                and not _SAME.search(query)
                and answer_type.wanted(previous) not in _QUANTITY_HEADINGS
                # (...nor after "and the sim?", itself the question before it carried over: which one is
                # not known here.)
                and _SAME_FOR.match(previous.strip()) is None
                and not (last is not None and any(h.search(last.heading) for h in _QUANTITY_HEADINGS.values()))
            ):
                # "and for the phone one specifically" after "what should i do prior to my interviews"
                # (the loop's preparation, which the phone interview has no section parallel to): the last
                # question again, of the topic named, at its section that answers it best.
                of_it = [p for p in self._best_match(f"{previous} {query}", k=len(index.sections)) if p.doc == instead]
                if of_it and of_it[0].score >= self.params.answer_threshold:
                    return self._with_context(Decision("answer", self._answer(of_it[0], of_it), of_it[:5], query), ctx)
        described = self._described_item(query, ctx)
        if described is not None:
            # "and the one about culture?" after the work sample's duration: the listed topic it
            # describes, asked the last question again (its duration), as "and the first?" is.
            within = [p for p in everything if p.doc == described]
            parallel = self._parallel(ctx.section, described)
            within.sort(key=lambda p: p.id != parallel)
            if within:
                return self._with_context(Decision("answer", self._answer(within[0], within), within[:5], query), ctx)
        if (
            resolved.kind == "own"
            and ctx.doc
            and leans_on_topic(query)
            and (
                not everything
                or everything[0].score < WEAK_OWN_SUBJECT
                or self._topic_states_it(query, everything, ctx)
            )
        ):
            # A longer question that leans on the topic ("do I need to ask them before talking to
            # Amazon?" after the government employees' answer) and matches nothing else well is a
            # follow-up too: searched within the topic, or refused.
            resolved = Resolved("elliptical", content=content_words(query))
        # A follow-up's words as the knowledge says them: "on-site" is stated as "in-person interviews".
        plain = index.glossary.meaning(query)
        if resolved.kind == "elliptical" and plain != query:
            resolved = replace(resolved, content=content_words(plain))
        words = resolved.content if resolved.kind == "elliptical" else content_words(plain)
        if resolved.kind == "elliptical" and ctx.doc:
            within = [p for p in everything if p.doc == ctx.doc]
            just_given = next((p for p in within if p.id == ctx.section), None)
            if just_given is not None and restates(query) and not self._names_another_topic(words, everything, ctx):
                # "wait so it's online??" after the section saying the interviews are held virtually: the
                # candidate's reading of what was just said, which that section confirms or corrects.
                return self._with_context(Decision("answer", self._answer(just_given, within), within[:5], query), ctx)
            # The one regular expression on the message first: the topic's sections are read only for
            # the few follow-ups that ask it, not for every one.
            asks_varies = answer_type.asks_if_it_varies(query)
            varying = [p for p in within if answer_type.states_it_varies(self._says(p))] if asks_varies else []
            if varying and not self._names_another_topic(words, everything, ctx):
                # "do all jobs have it?", "do senior roles skip them?" after the assessments: the topic's
                # section saying it depends on the role (the one just given, if it says so).
                # "do i get both?", "do i have to take all of them?": how many, which the count's section says.
                many = _ASKS_HOW_MANY_OF.search(query) is not None
                varying.sort(
                    key=lambda p: (p.id != ctx.section, not (many and _QUANTITY_HEADINGS["count"].search(p.heading)))
                )
                return self._with_context(Decision("answer", self._answer(varying[0], within), within[:5], query), ctx)
            fits = [p for p in within if addresses(words, self._says(p))] if words else within
            if words and not fits and ctx.step and ctx.step != ctx.doc:
                # After an overview that named a step ("the last step is the in-person interviews"),
                # "how should I prep for it?" is about that step when the overview does not say.
                at_step = [p for p in everything if p.doc == ctx.step]
                step_fits = [p for p in at_step if addresses(words, self._says(p))]
                if step_fits:
                    within, fits = at_step, step_fits
            best = everything[0] if everything else None
            # The best section says it of another step, by name ("when you hear back after the phone
            # interview" for "when will I hear back after it?" after the loop).
            elsewhere = best is not None and self._about_its_own_step(query, best, ctx)
            # A new subject only when the message names something (a bare "when do I get them?" leans
            # on its topic) and another topic matches it clearly better.
            # ...and that topic states those words: an example question or a glossary term can lift a
            # topic that says nothing about them ("can I retake it?" near "when do I take the OA?").
            own = (
                bool(words)
                and best is not None
                and best.doc != ctx.doc
                and best.score >= params.answer_threshold
                and (not within or best.score >= within[0].score + OWN_SUBJECT_MARGIN)
                and addresses(words, self._says(best))
                # "any tips for it?", "is it the same for every role?": what "it" is, the topic says
                # something of; another topic that states no more of the words is not what was asked
                # about ("can I apply to two of them?" is: the several applications' section says both).
                and not (
                    fits
                    and refers_back(query)
                    and addresses(words, self._says(best)) <= addresses(words, self._says(fits[0]))
                    # ...unless the message names what the pronoun is: "what about the interviews, are
                    # those remote?" after the government employees' answer.
                    and not introduces_subject(query)
                )
                and not elsewhere
                # "are they amazon employees?" after the bar raiser: "they" is the topic's; another
                # topic that shares a word ("government employees") is not what was asked about,
                # unless the message names it.
                and (not refers_back(query) or introduces_subject(query) or self._names(query, best, ctx))
            )
            # "what do they test in the assessment part?" after the steps' overview: the overview mentions
            # every step, so it "addresses" any of them, but the message names one of its items.
            item = self._listed_item_named(query, ctx)
            own = own or (
                item is not None
                and best is not None
                and best.doc in (item, *index.lists_of.get(item, []))
                and best.score >= params.answer_threshold
                and addresses(words, self._says(best)) > 0
            )
            stated = bool(words) and addresses(words, self._says(fits[0])) == len(words) if fits else False
            if (
                best is not None
                and elsewhere
                and words
                and addresses(words, self._says(best)) > (addresses(words, self._says(fits[0])) if fits else 0)
            ):
                general = self._hearing_back_in_general(best, everything, ctx)
                if general is not None:
                    # "ok done. so when do they reply" after applying: when AWS gets back about
                    # applications ("reviews applications on a rolling basis"), no step's own time.
                    return self._with_context(Decision("answer", self._answer(general, []), [general], query), ctx)
                # "when will I hear back after it?" after the loop: only the phone interview's section
                # says it, of the phone interview; the topic does not: refused.
                return self._with_context(Decision("fallback", [], within[:5], query), ctx)
            if not own and just_given is not None and _INSTEAD.search(query) and _INSTEAD.search(just_given.text):
                # "what do they use instead?" after "AWS avoids brain teasers ... Instead, AWS focuses on
                # behavior-based questions": the alternative is what was just said.
                return self._with_context(Decision("answer", self._answer(just_given, within), within[:5], query), ctx)
            heading = just_given.heading if just_given is not None else None
            if not own and fits and self._known_uncovered_follow_up(qvec, query, within[0].title, stated, heading):
                # Worded like a question the knowledge is known not to answer ("can I see my results
                # after?" ~ "will I get my assessment scores?"): refused, not answered from the topic.
                return self._with_context(Decision("fallback", [], within[:5], query), ctx)
            if not own and fits and _WHAT_IF.match(query) and not stated:
                # "what if i pick the wrong one?" after the work style assessment's "pick the statement":
                # what follows from a case the topic does not state in full is not covered (the page
                # states few consequences); "what if my examples are about failing?" it states.
                return self._with_context(Decision("fallback", [], within[:5], query), ctx)
            if not own and fits:
                chosen = fits[0]
                just = next((p for p in fits if p.id == ctx.section), None)
                counting = next((p for p in fits if self._heading_counts(query, p)), None)
                if counting is not None:
                    # "and how many assessment i will have?" after when they are taken: the topic's section
                    # whose heading asks that count, not the types (which say "two common types").
                    chosen = just = counting
                if not words and not _ASKS_WHAT.match(query):
                    # "why not?", "who do I ask?": about what was just said, unless another section of
                    # the topic clearly fits better ("and what kind of questions are in it?"); "what
                    # will I be doing in it?" asks what the topic holds.
                    if just is not None and just.score >= chosen.score - REPEAT_MARGIN:
                        chosen = just
                    if answer_type.asks_who(query):
                        # "who will be in it?" after the loop's being held virtually ("the hiring team"):
                        # the section of the topic naming the most people (its interviewers).
                        chosen = max(fits, key=lambda p: (answer_type.people_named(_stated(p)), p is chosen))
                elif (
                    not words
                    and just is not None
                    and _THEY.search(query)
                    and answer_type.names_people(just.heading)
                    and just.score >= chosen.score - REPEAT_MARGIN
                ):
                    # "what do they care about?" after what a bar raiser does: "they" are the people just
                    # described, not another section of the topic that scores a little higher.
                    chosen = just
                elif asks_to_confirm(query) and just is not None and just.score >= chosen.score - CONFIRM_TIE:
                    # "is that one on-site?" after the section saying they are held virtually, which ties
                    # with the loop's description: the yes/no question is about what was just said.
                    chosen = just
                elif (
                    chosen.id == ctx.section
                    and len(fits) > 1
                    and fits[1].score >= chosen.score - REPEAT_MARGIN
                    # ...and says as much of the question: "so the work style quiz is about culture?" right
                    # after what that assessment asks about is about that again, not its example question.
                    and addresses(words, self._says(fits[1])) >= addresses(words, self._says(chosen))
                    and not asks_to_confirm(query)
                    and not is_correction(query)  # "sorry, the phone one": the same question again
                    # "and how many assessments will i have?" after when they are taken, answered with the
                    # whole short topic (its count section first): the question that section's heading asks.
                    and self._heading_asks(query, chosen) is None
                    # After a refusal the section was not the last reply: "why have a neutral person at
                    # all?" after the bar raiser's answer and a refused question is about the bar raiser.
                    and not ctx.refused
                ):
                    chosen = fits[1]  # a different question: not the section just given again
                return self._with_context(Decision("answer", self._answer(chosen, within), within[:5], query), ctx)
            checking = self._checking_section(everything) if not own and _CHECKS_MYSELF.search(query) else None
            if checking is not None:
                # "can i check on it myself somewhere?" after when AWS gets back: what a candidate checks
                # is their application's status, wherever the topic was (it says nothing of checking).
                return self._with_context(
                    Decision("answer", self._answer(checking, everything), everything[:5], query), ctx
                )
            named = everything[0] if everything else None
            if (
                not own
                and named is not None
                and words <= set(tokenize(f"{named.title} {named.heading}"))
                and not self._about_its_own_step(query, named, ctx)
            ):
                # "no, I meant the phone one": the words name another topic outright.
                return self._with_context(
                    Decision("answer", self._answer(named, everything), everything[:5], query), ctx
                )
            if (
                not own
                and not fits
                and words
                and refers_to_topic(query)
                and not introduces_subject(query)
                and (best is None or best.score < CLEAR_OTHER_TOPIC)
                # ...or another topic matching well states every word of it, and it asks no "what if":
                # "what format should i use for them?" after how AWS views failure (the STAR method).
                and not (
                    best is not None
                    and best.score >= STATED_OTHER_TOPIC
                    and addresses(words, self._says(best)) == len(words)
                    and not _CONDITIONAL.search(query)
                    # "is it unreliable for predicting success?" after the simulation: a property of "it",
                    # which the brain teasers' section states of brain teasers, not of it.
                    and not asks_to_confirm(query)
                )
            ):
                # "what happens if i fail them" after the assessments: "them" is the topic, which says
                # nothing of it; another topic's words ("how AWS views failure") are not about "them",
                # unless that topic is clearly what is meant ("and brain teasers are part of it?").
                return self._with_context(Decision("fallback", [], within[:5], query), ctx)
            if not own and not any(addresses(words, self._says(p)) for p in everything[:1]):
                # The topic does not say, nor does any other: refuse, never give the topic's section again.
                return self._with_context(Decision("fallback", [], within[:5], query), ctx)
        if (
            (not ctx.doc or resolved.kind == "own")
            and _CHECKS_MYSELF.search(query)
            and not content_words(query) - _CHECKING_WORDS
        ):
            # "also where can i see it myself" right after a look-up of the candidate's application (which
            # leaves no topic), or "and is there a way for me to check on my own" after what comes after
            # the assessments, too long to read as a follow-up: what a candidate checks on their own is
            # their application's status.
            checking = self._checking_section(everything)
            if checking is not None:
                return self._with_context(
                    Decision("answer", self._answer(checking, everything), everything[:5], query), ctx
                )
        if resolved.kind == "own" and ctx.doc and not ctx.refused:
            # A question of its own, asked in a conversation about a topic, is more likely about that
            # topic: "how should i structure my answers" after the phone interview is its advice on
            # well-structured answers (0.42), not the STAR method's section (0.46).
            everything = sorted(
                (replace(p, score=p.score + TOPIC_PRIOR) if p.doc == ctx.doc else p for p in everything),
                key=lambda p: -p.score,
            )
        decision = self._decide(
            query, everything[:5], likely_uncovered, uncovered, unknown_words(query, index.vocabulary), qvec
        )
        decision = self._reshaped(query, decision)
        decision.query = query
        if decision.kind == "clarify" and ctx.doc and not ctx.refused:
            in_topic = [p for p in decision.passages[:2] if p.doc in (ctx.doc, ctx.step)]
            if len(in_topic) == 1:
                # "how do i find the right role for it" after the first step: the talent network and
                # finding a job tied; the conversation is about applying, which settles it.
                decision = Decision("answer", self._answer(in_topic[0], decision.ranked), decision.ranked, query)
        top = decision.passages[0] if decision.kind == "answer" and decision.passages else None
        said = words - _WHEN_DONE_WORDS
        if (
            top is not None
            and top.id == ctx.section
            and not ctx.refused  # after a refusal the section was not the last reply: no repeat
            and said
            and 2 * addresses(said, self._says(top)) < len(said)
        ):
            # The section just given again, for a question whose words it does not state: not covered.
            return self._with_context(Decision("fallback", [], decision.ranked, query), ctx)
        return self._with_context(decision, ctx, query)

    def _when_given(self, query: str, ctx: Context) -> Passage | None:
        """For "when do I get it?" (or "do I get it right when I apply?") about the current topic, its
        section headed "When ...", else that of the topic listing it; None otherwise (a time to hear back
        is another question)."""
        if ctx.doc is None or not _WHEN_GIVEN.match(query.strip()):
            return None
        index = self.index
        parents = [doc for doc, items in index.lists_of.items() if ctx.doc in items]
        for doc in (ctx.doc, *parents):
            for sec in index.doc_sections.get(doc, []):
                if _WHEN_HEADING.match(sec.heading) and not _HEARING_BACK.search(sec.heading):
                    return Passage.of(sec, 1.0, 1.0)
        return None

    def _explained_again(self, query: str, ctx: Context) -> Passage | None:
        """For a request to explain the answer just given (its meaning in simpler words, or what one of its
        words means), the section that says it (a word that names a topic of its own, "what do you mean
        by bar raiser?", gets that topic's best section); None when the message asks something else. After
        a refusal, only a word the answer before it says. Asked for, not guessed: the follow-up model does
        not judge it."""
        index = self.index
        last = index.by_id.get(ctx.section or "")
        if last is None:
            return None
        asked = _ASKS_MEANING.match(query.strip())
        term = next(g for g in asked.groups() if g is not None).strip(" '\"“”‘’").lower() if asked else ""
        flat = _HYPHENS.sub(" ", term)

        def says(section: Section) -> bool:
            return flat in _HYPHENS.sub(" ", section.text.lower())

        if ctx.refused:
            # "what does well-structured mean here" after a refusal that followed the phone interview's tips:
            # a word of the answer before the refusal, when that answer says it; nothing else.
            return Passage.of(last, 1.0, 1.0) if asked is not None and content_words(flat) and says(last) else None
        if asked is None:
            if _ASKS_SIMPLER.search(query) and len(tokenize(query)) <= 12 and not self._names_a_topic(query):
                return Passage.of(last, 1.0, 1.0)
            return None
        if not content_words(term) or set(tokenize(term)) <= _NOT_A_TERM:
            return Passage.of(last, 1.0, 1.0)  # "what does that mean?": the answer just given, again
        if self._names_a_topic(term):
            # "what do you mean by bar raiser?" after the loop's answer: the section on what it names.
            named = self._best_match(term)
            return named[0] if named else None
        sections = [last, *(s for s in index.doc_sections.get(ctx.doc or "", []) if s.id != last.id)]
        return next((Passage.of(sec, 1.0, 1.0) for sec in sections if says(sec)), None)

    @staticmethod
    def _checking_section(everything: list[Passage]) -> Passage | None:
        """Among the five best sections, the one whose heading says "check": where a candidate checks
        their application's status, for "can i check on it myself?"."""
        return next((p for p in everything[:5] if "check" in tokenize(p.heading)), None)

    def _topic_states_it(self, query: str, everything: list[Passage], ctx: Context) -> bool:
        """Whether a question that leans on the topic ("so would they be on the team im joining?" after
        the bar raiser) has every word stated by a section of the topic, and not by the best match
        elsewhere (the talent network's "joining"): the topic is what it asks about."""
        words = content_words(self.index.glossary.meaning(query))
        best = everything[0]
        if not words or best.doc == ctx.doc or addresses(words, self._says(best)) == len(words):
            return False
        return any(p.doc == ctx.doc and addresses(words, self._says(p)) == len(words) for p in everything)

    def _names_a_topic(self, text: str) -> bool:
        """Whether the words name a topic or a section of the knowledge (a heading's or a title's words, or
        a glossary term): its own section explains them, not the answer just given."""
        index = self.index
        if index.glossary.meaning(text) != text:
            return True
        words = content_words(text) - _EXPLAIN_WORDS
        if not words:
            return False
        return any(
            words <= content_words(f"{sec.title} {sec.heading}") for secs in index.doc_sections.values() for sec in secs
        )

    def _day_checked(self, query: str, ctx: Context) -> Passage | None:
        """For a day checked against the time just given ("so like by tuesday?", "and weekends don't count
        right"), the section that gave it, when it gives a number of days; None otherwise."""
        last = self.index.by_id.get(ctx.section or "")
        if last is None or ctx.refused or not _DAY_CHECK.match(query.strip()) or not _GIVES_DAYS.search(last.text):
            return None
        return Passage.of(last, 1.0, 1.0)

    def _all_of_them_everywhere(self, query: str, ctx: Context) -> Passage | None:
        """For "both" (or "all of them") asked of every role ("do i get both for every role?"), after an
        answer about items one topic lists, that topic's section headed "How many ..."; None otherwise."""
        if not _ALL_OF_THEM_EVERYWHERE.search(query):
            return None
        count = _HEADING_ASKS["count"]
        for parent, items in self.index.lists_of.items():
            # The topic is the listing one or one of its items (the assessments, the work style one).
            if len(items) > 1 and ctx.doc in (parent, *items) and parent in self.index.doc_sections:
                section = next((s for s in self.index.doc_sections[parent] if count.match(s.heading)), None)
                if section is not None:
                    return Passage.of(section, 1.0, 1.0)
        return None

    def _example_asked(self, query: str, ctx: Context) -> Passage | None:
        """For a message that only asks for an example ("can you give me an example?", "any examples pls"),
        the current topic's section headed "Example ..."; None otherwise (the topic has none, or the
        message names what to exemplify: "an example of the tasks" is searched)."""
        if ctx.doc is None:  # (after a refused question too: the conversation is still about its topic)
            return None
        words = content_words(query)
        if not words & _EXAMPLE_WORDS or words - _EXAMPLE_WORDS - _ASKING_TO_SEE:
            return None
        sections = self.index.doc_sections.get(ctx.doc, [])
        example = next((sec for sec in sections if sec.heading.lower().startswith("example")), None)
        return Passage.of(example, 1.0, 1.0) if example is not None else None

    def _going_ahead(self, query: str, ctx: Context) -> Passage | None:
        """For "what if i just go ahead (anyway)?", the current topic's section on going ahead with the
        process (it says "goes ahead" or "proceed"); None when the message asks no such thing or the topic
        has no such section."""
        if ctx.doc is None or not _GOES_AHEAD_ASKED.search(query):
            return None
        sections = self.index.doc_sections.get(ctx.doc, [])
        ahead = next((sec for sec in sections if _GOES_AHEAD_STATED.search(f"{sec.heading} {sec.text}")), None)
        return Passage.of(ahead, 1.0, 1.0) if ahead is not None else None

    def _next_section_in_order(self, query: str, ctx: Context, previous: str | None) -> Passage | None:
        """The section after the one just given, when its document's sections are in the order a candidate
        goes through them (`in_order`), for a bare "and then?" in a conversation about doing it: not after
        "what's the first thing that happens?" (the process's next step is meant); None otherwise."""
        index = self.index
        # (After a refused question the section is still the last one answered: "how do i find jobs",
        # "can i filter by data engineering" refused, "then what" is the Apply Now button still.)
        if ctx.doc not in index.in_order or not ctx.section or not _AND_THEN.match(query):
            return None
        if previous and _ABOUT_THE_PROCESS.search(previous):
            return None
        if ctx.doc in ctx.listed and previous and (names_a_place(previous) or _WHICH_FIRST.match(previous)):
            # "the process?" - "ok and the first one?" (or "which comes first") - "and then?": the list's
            # next item (the second step), not the next section of the item picked by its place.
            return None
        sections = index.doc_sections.get(ctx.doc, [])
        at = next((i for i, sec in enumerate(sections) if sec.id == ctx.section), None)
        if at is None or at + 1 >= len(sections):
            return None
        return Passage.of(sections[at + 1], 1.0, 1.0)

    def _listed_here(self, ctx: Context) -> list[str]:
        """What the conversation listed last, else the list the current topic is an item of (after the
        work style answer: the two assessments)."""
        return list(ctx.listed) or next((items for items in self.index.lists_of.values() if ctx.doc in items), [])

    def _duration_sections(self, docs: list[str]) -> list[Section]:
        """The sections of these topics headed with how long they take and stating it."""
        heading = _QUANTITY_HEADINGS["duration"]
        return [
            sec
            for doc in docs
            for sec in self.index.doc_sections.get(doc, [])
            if heading.search(sec.heading) and answer_type.states("duration", _stated(sec))
        ]

    def _item_by_length(self, query: str, ctx: Context) -> str | None:
        """The listed topic a bare "and the shorter one?" / "what about the longer one" means: of what the
        conversation listed, the one whose stated duration is the least (or the most); None otherwise."""
        m = _BY_LENGTH.match(query.strip())
        return self._by_length(m.group(1), ctx) if m is not None else None

    def _by_length(self, which: str, ctx: Context) -> str | None:
        """Of what the conversation listed, the topic whose stated duration is the least ("shorter",
        "quicker") or the most ("longer"); None when fewer than two state one."""
        lengths = {
            sec.doc: answer_type.longest_minutes(_stated(sec))
            for sec in self._duration_sections(self._listed_here(ctx))
        }
        if len(lengths) < 2:
            return None
        pick = min if _ASKS_SHORTER.search(which) else max
        return pick(lengths, key=lambda doc: lengths[doc])

    def _durations_compared(self, query: str, resolved: Resolved, ctx: Context) -> list[Passage]:
        """For a follow-up comparing lengths ("is that the longer one?", "ok but is it longer") in a
        conversation about listed topics (the two assessments), each one's "how long" section, which
        the comparison is read from; empty otherwise."""
        if not _COMPARES_LENGTH.search(query):
            return []
        candidates: list[list[str]] = []
        if resolved.kind in ("elliptical", "ordinal"):
            candidates.append(self._listed_here(ctx))
        named = self._topics_named(query)
        if len(named) >= 2 and _THAN.search(query):
            # "is the work style one shorter than the simulation one?": the two it names.
            candidates.append(named)
        if _WHICH_LONGER.search(query):  # not "what does 'no longer under consideration' mean?"
            # "which assessment takes longer?": the items of the topic whose title the message names.
            words = self._stems_meant(query)
            candidates += [
                items
                for doc, items in self.index.lists_of.items()
                if doc in self.index.doc_sections
                and words & {stem(w) for w in content_words(self.index.doc_sections[doc][0].title)}
            ]
        found: list[Passage] = []
        for listed in candidates:
            found = [Passage.of(sec, 0.0, 0.0) for sec in self._duration_sections(listed)]
            # A duration from at least two of the listed topics, or nothing to compare.
            if len({p.doc for p in found}) >= 2:
                break
        else:
            return []
        if _WHICH_LONGER.search(query):
            # The one asked for first ("which takes longer?": the longer one), so "what does it test?"
            # next is about it; "is the second one longer?" keeps the listed order.
            shorter = bool(_ASKS_SHORTER.search(query))
            found.sort(key=lambda p: answer_type.longest_minutes(_stated(p)) * (1 if shorter else -1))
        return found

    def _known_uncovered_follow_up(
        self, qvec: np.ndarray | None, query: str, topic: str, stated: bool = False, heading: str | None = None
    ) -> bool:
        """Whether a follow-up is worded like a listed uncovered question (api/knowledge/not_covered.py),
        on its own words or read with its topic: "can i unsubscribe later" is far from every labelled
        question alone, and close to "can I unsubscribe from the talent network?" as "AWS Talent Network:
        can i unsubscribe later". The topic is the heading of the section just given when there is one
        ("What a bar raiser does" says what "they" are in "do they have the final say?" better than the
        document's title "In-person interviews"; dev replay +2, none lost), else the title."""
        known, params = self.index.known, self.params
        if qvec is None or known is None:
            return False

        def refuses(alike: str | None) -> bool:
            # "how long until I hear back after it?" is "... after the loop?" on its words; when "it"
            # is a topic that states those words (the phone interview's reply time), it is not that.
            return alike is not None and not (
                stated and refers_back(query) and self._names_another_step(alike, query, topic)
            )

        if refuses(known.refusing(qvec, params.known_uncovered_follow_up_above, params.known_uncovered_margin)):
            return True
        if params.known_uncovered_in_topic_above > 1.0:
            return False
        moved = self._with_topic(qvec, heading or topic)
        return refuses(known.refusing(moved, params.known_uncovered_in_topic_above, params.known_uncovered_margin))

    def _about_its_own_step(self, query: str, best: Passage, ctx: Context) -> bool:
        """Whether a pronoun follow-up about one step of the process ("when will I hear back after
        it?" after the loop) found a section that says it of another step, by name ("When you hear
        back after the phone interview"): what it says holds for that step, not for "it"."""
        steps = self.index.steps
        if ctx.doc not in steps or best.doc not in steps or not refers_back(query) or introduces_subject(query):
            return False
        # "can I do it on my phone?" names that word itself: not a step named by the section alone.
        return self._of_unnamed_step(query, best)

    def _whom_to_consult(self, query: str, ctx: Context) -> Passage | None:
        """For a bare "who do i contact?" in a topic that names someone to consult, that section; None for
        any other message or topic."""
        if ctx.doc is None or not _WHO_TO_ASK.search(query) or content_words(query) - _CONTACT_WORDS:
            return None
        named = self._consult_section(ctx.doc)
        return Passage.of(named, 1.0, 1.0) if named is not None else None

    def _consult_section(self, doc: str | None) -> Section | None:
        """The topic's section naming someone for the candidate to consult ("consult your employer's
        ethics officer"), if any."""
        return next((sec for sec in self.index.doc_sections.get(doc or "", []) if _CONSULT.search(sec.text)), None)

    def _names_whom_to_consult(self, doc: str | None) -> bool:
        """Whether a topic's sections name someone for the candidate to consult ("consult your employer's
        ethics officer")."""
        return self._consult_section(doc) is not None

    def _refused_context(self, ctx: Context, query: str) -> Context:
        """The state after a refusal: the topic, remembered as refused ("why not?" next is about the
        refused question); the topic the refused question named, if it named one of its own ("no, I
        meant the phone interview, how long is that?": "what do they ask in it then?" is about that)."""
        named = self._named_topic(query) if query else None
        if named is None or named == ctx.doc:
            return replace(ctx, refused=True)
        return Context(doc=named, step=named if named in self.index.steps else ctx.step, refused=True)

    def _names(self, query: str, other: Passage, ctx: Context) -> bool:
        """Whether a message names another topic by a word of its title the current topic's lacks
        ("will they send the assessment right after?" after the online application)."""
        words = self._stems_meant(query)
        current = self.index.doc_sections.get(ctx.doc or "", [])
        own = {stem(w) for w in tokenize(current[0].title)} if current else set()
        return bool(words & {stem(w) for w in content_words(other.title)} - own)

    def _listed_item_named(self, query: str, ctx: Context) -> str | None:
        """The one item of the current topic's list (an overview's) that the message names by a word of its
        title no other item of that list has ("the assessment part" among the steps); None otherwise."""
        items = self.index.lists_of.get(ctx.doc or "", [])
        titles = {
            item: {stem(w) for w in content_words(self.index.doc_sections[item][0].title)}
            for item in items
            if self.index.doc_sections.get(item)
        }
        words = self._stems_meant(query)
        named = [
            item
            for item, own in titles.items()
            if words & (own - set().union(*(other for key, other in titles.items() if key != item)))
        ]
        return named[0] if len(named) == 1 else None

    def _named_topic(self, query: str) -> str | None:
        """The one topic a message names by a word of its title no other title has ("phone", "loop")."""
        named = self._topics_named(query)
        return named[0] if len(named) == 1 else None

    def _topics_named(self, query: str) -> list[str]:
        """The topics a message names by a word of their title no other title has, in the knowledge's order."""
        words = self._stems_meant(query)
        return [doc for doc, naming in self._naming_words().items() if words & naming]

    def _stems_meant(self, query: str) -> set[str]:
        """The stems of a message's content words, read with the glossary's meaning of them."""
        return {stem(w) for w in content_words(self.index.glossary.meaning(query))}

    def _naming_words(self) -> dict[str, set[str]]:
        """Each topic's title words that no other title has ("loop"; "assessment" is in several)."""
        return self._titles_worked_out()[1]

    def _titles_worked_out(self) -> tuple[KnowledgeIndex | None, dict[str, set[str]], set[str]]:
        """The naming words and the title words, worked out once per version of the knowledge."""
        index = self.index
        if self._naming[0] is not index:
            titles = {doc: {stem(w) for w in tokenize(secs[0].title)} for doc, secs in index.doc_sections.items()}
            naming = {doc: {w for w in t if sum(w in o for o in titles.values()) == 1} for doc, t in titles.items()}
            titled = {stem(w) for secs in index.doc_sections.values() if secs for w in content_words(secs[0].title)}
            self._naming = (index, naming, titled)
        return self._naming

    def _named_beyond(self, alike: str, query: str, only: set[str] | None = None) -> set[str]:
        """The topics' naming words (of every topic, or of the documents `only`) that the uncovered
        question a question is worded like has beyond the question's own words."""
        extra = {stem(w) for w in content_words(alike) - content_words(query)}
        naming = [words for doc, words in self._naming_words().items() if only is None or doc in only]
        return extra & set().union(*naming)

    def _names_a_step_beyond(self, alike: str, query: str) -> bool:
        """Whether the uncovered question a question is worded like names a step of the process ("the
        loop") that the question does not."""
        return bool(self._named_beyond(alike, query, self.index.steps))

    def _names_another_step(self, alike: str, query: str, topic: str) -> bool:
        """Whether the uncovered question a follow-up is worded like names, beyond the follow-up's own
        words, another topic than the conversation's: "how long until I hear back after it?" after the
        phone interview is "... after the loop?" on its words alone, yet "it" is the phone interview,
        whose section says when."""
        return bool(self._named_beyond(alike, query) - {stem(w) for w in tokenize(topic)})

    def _with_topic(self, qvec: np.ndarray, topic: str) -> np.ndarray:
        """The follow-up's vector moved towards its topic (a title or a heading): a stand-in for embedding "<title>:
        <follow-up>", without a second pass of the model on the chat's path. Replaying the dev
        conversation sets it refused as well (+1 against embedding the text, at IN_TOPIC_TITLE_WEIGHT);
        embedding it had cost the 20-conversation bench about 9 % of its throughput."""
        title = self._title_vectors.get(topic)
        if title is None:
            title = self._title_vectors[topic] = self.embedder.encode([topic]).reshape(-1)
        moved = np.asarray(qvec, dtype=np.float32).reshape(-1) + IN_TOPIC_TITLE_WEIGHT * title
        return moved / np.linalg.norm(moved)

    @staticmethod
    def _names_another_topic(words: frozenset[str], everything: list[Passage], ctx: Context) -> bool:
        """Whether a follow-up's words are the title or heading of another topic's best section, and name
        it whole: "so it's the phone interview?" does; "so its online?" (after the interviews are held
        virtually) is one word of two topics' titles, the online application's and assessments'."""
        named = everything[0] if everything else None
        return (
            named is not None
            and named.doc != ctx.doc
            and bool(words)
            and words <= set(tokenize(f"{named.title} {named.heading}"))
            and content_words(named.title) <= words
        )

    def _step_after_named(self, query: str, ctx: Context) -> tuple[Passage | None, Passage | None]:
        """The step a message like "just finished my OA, what comes next?" names (found by searching
        the naming words alone) and the first section of the step after it (front matter `next:`); the
        named step alone when it is the last one; (None, None) when the message names no step."""
        named = named_before_next(query)
        if named is None:
            return None, None
        index, params = self.index, self.params
        item = listed_named(named, ctx, index.lists_of)  # "what comes after the third?"
        if item is not None and item in index.doc_sections:
            found = [Passage.of(index.doc_sections[item][0], 1.0, 1.0)]
        else:
            found = self._best_match(named)
        if not found or found[0].score < params.answer_threshold or found[0].doc not in index.steps:
            return None, None
        target = index.next_of.get(found[0].doc)
        if target is None or target not in index.doc_sections:
            return found[0], None
        return found[0], Passage.of(index.doc_sections[target][0], 1.0, 1.0)

    def _best_match(self, text: str, k: int = 1) -> list[Passage]:
        """The k sections that best match the words (naming a step, or a question asked again)."""
        params = self.params
        return rank(
            self.index,
            self.embedder,
            text,
            params.bm25_weight,
            k=k,
            sentence_weight=params.sentence_weight,
            example_weight=params.example_weight,
        )

    def _hearing_back(self, step: Passage) -> Passage | None:
        """The section of a step's topic on when AWS gets back after it, if it has one."""
        sections = self.index.doc_sections.get(step.doc, [])
        heard = next((sec for sec in sections if _HEARING_BACK.search(sec.heading)), None)
        return Passage.of(heard, 1.0, 1.0) if heard is not None else None

    def _step_before_named(self, query: str, ctx: Context) -> Passage | None:
        """The first section of the step before the one a message names, in the process's list of
        steps; None when it asks no such thing, names no step of that list, or names the first."""
        named = named_after_previous(query)
        if named is None:
            return None
        index, params = self.index, self.params
        item = listed_named(named, ctx, index.lists_of)
        if item is None:
            found = self._best_match(named)
            if not found or found[0].score < params.answer_threshold:
                return None
            item = found[0].doc
        process = next((items for items in index.lists_of.values() if set(items) <= index.steps and item in items), [])
        at = process.index(item) if item in process else 0
        if at == 0 or process[at - 1] not in index.doc_sections:
            return None
        return Passage.of(index.doc_sections[process[at - 1]][0], 1.0, 1.0)

    def _interviews_in_general(self, query: str, ctx: Context | None) -> Decision | None:
        """For a message about "the interviews" and nothing else ("interviews??", "tell me about interviews
        at aws", "how do interviews work in general"), each interview step of the process (the steps whose
        title names an interview: the phone interview and the loop), in order, with its first section;
        they become the list "the first one" / "the second" picks from. None for any other
        message, or in a conversation already about one of those interviews ("what's the interview like"
        is that one). The search alone gave one of them (dev: 8 such questions, 7 of them wrong)."""
        words = set(re.findall(r"[a-z]+", query.lower()))
        if not words & _INTERVIEW_WORDS or words - _INTERVIEW_WORDS - _GENERAL_WORDS:
            return None
        index = self.index
        interviews = [
            doc
            for doc in self._process()
            if (sections := index.doc_sections.get(doc)) and "interview" in sections[0].title.lower()
        ]
        if len(interviews) < 2 or (ctx is not None and ctx.doc in interviews and not ctx.refused):
            return None
        # Each one's first section: its writers put first what it is (the search ranked the phone
        # interview's brain teasers first, for the words "interviews at aws").
        passages = [Passage.of(index.doc_sections[doc][0], 1.0, 1.0) for doc in interviews]
        decision = Decision("answer", passages, passages, query)
        # The last one said is the topic, as after any answer; "the first one" picks from the list.
        decision.context = Context(doc=passages[-1].doc, section=passages[-1].id, listed=tuple(interviews))
        return decision

    def _process(self) -> list[str]:
        """The steps of the hiring process in order: the longest list whose items are all steps. (The
        assessments' list of their two types is all steps too; the first such list in the knowledge's
        file order was the overview's only because "hiring-steps" sorts before "online-assessments".)"""
        index = self.index
        return max((items for items in index.lists_of.values() if set(items) <= index.steps), key=len, default=[])

    def _nth_step(self, query: str, ctx: Context) -> Passage | None:
        """The first section of the step a message asks for by its place in the process and nothing else
        ("what's the very first step?", "and the second stage"); None otherwise. The search alone
        found "the next step ... the third of the four steps" closer to "what's the first step"."""
        index = self.index
        if _WHICH_FIRST.match(query):
            process = self._process()
            if process and list(ctx.listed) == process and process[0] in index.doc_sections:
                return Passage.of(index.doc_sections[process[0]][0], 1.0, 1.0)
        m = _NTH_STEP.search(query)
        if m is None or answer_type.wanted(query) is not None:
            return None
        if {stem(w) for w in content_words(_NTH_STEP.sub(" ", query))} - {stem(w) for w in _STEP_WORDS}:
            return None
        process = self._process()
        place = next(group for group in m.groups() if group).lower()
        if place in ("last", "final") and ctx.doc is None:
            # A conversation's first "what's the last step?" gets the overview, which names the step (and
            # remembers it: "how do I prepare for it?" is about that step); the search alone found "what
            # comes after the online assessments" closer.
            overview = next((doc for doc, items in index.lists_of.items() if items == process), None)
            sections = index.doc_sections.get(overview or "")
            return Passage.of(sections[0], 1.0, 1.0) if sections else None
        at = _PLACES[place]
        if not process or at >= len(process) or process[at] not in index.doc_sections:
            return None
        return Passage.of(index.doc_sections[process[at]][0], 1.0, 1.0)

    def _named_instead(self, query: str, ctx: Context) -> str | None:
        """The topic a bare "and the work style one?" / "same for the loop?" names, other than the
        current one; None for any other message."""
        if not ctx.doc:
            return None
        picked = _PICKED_ONE.match(query.strip())
        if picked is not None and len(ctx.listed) > 1:
            # "the work style one" after "how long is the assessment?" answered for both types: the
            # candidate picks one of the topics just spoken of, the current one too; the last question's
            # answer for it (before, its description).
            named = self._named_topic(picked.group(1))
            if named in ctx.listed:
                return named
        m = _SAME_FOR.match(query.strip())
        if m is None:
            return None
        named = self._named_topic(m.group(1))
        return named if named != ctx.doc else None

    def _described_item(self, query: str, ctx: Context) -> str | None:
        """The listed topic a bare "and the one about culture?" / "the one with the chart questions?"
        describes: of what the last answer listed, the one other than the current topic whose text states
        the most of the description's words; None for any other message or no such topic."""
        m = _DESCRIBED_ONE.match(query.strip())
        if m is None or ctx.doc is None:
            return None
        words = content_words(m.group(1))
        if not words:
            return None

        def stating(docs: Iterable[str]) -> list[tuple[int, str]]:
            scored = []
            for doc in docs:
                if doc == ctx.doc:
                    continue
                sections = self.index.doc_sections.get(doc, [])
                text = " ".join(self._says(Passage.of(sec, 0.0, 0.0)) for sec in sections)
                scored.append((addresses(words, text), doc))
            return sorted(scored, reverse=True)

        listed = stating(ctx.listed)
        if listed and listed[0][0] > 0:
            return listed[0][1]
        # "which one is the one with the chart stuff" once the list is two answers back: the one topic
        # whose text states the description, when no other states as much of it.
        anywhere = stating(self.index.doc_sections)
        if anywhere and anywhere[0][0] > 0 and (len(anywhere) == 1 or anywhere[1][0] < anywhere[0][0]):
            return anywhere[0][1]
        return None

    def _parallel(self, section_id: str | None, doc: str | None) -> str | None:
        """The section of `doc` that says for its topic what `section_id` said for its own: the one whose
        heading, without its topic's own name, shares the most words with that section's ("How long
        the work style assessment takes" ~ "How long the work sample simulation takes")."""
        index = self.index
        last = index.by_id.get(section_id or "")
        if last is None or not doc or doc not in index.doc_sections:
            return None

        def aspect(section: Section) -> set[str]:
            topic = set(tokenize(section.title)) | {"aws", "amazon"}
            return {stem(w) for w in tokenize(section.heading) if w not in topic}

        wanted = aspect(last)
        scored = [(len(wanted & aspect(s)), s.id) for s in index.doc_sections[doc]]
        best = max(scored, default=(0, ""))
        return best[1] if best[0] > 0 else None

    def _settles_tie(self, query: str, best: Passage, runner: Passage) -> Passage | None:
        """Of two topics that tie, the one to answer with, or None to ask which was meant. An overview
        and a topic it lists ("what's the first step to get a job there?": the steps, and the online
        application) give the same answer: the better-scored one, without asking."""
        lists = self.index.lists_of
        if runner.doc in lists.get(best.doc, ()) or best.doc in lists.get(runner.doc, ()):
            return best
        # "do you tell people if they're not moving forward?": when AWS gets back in general (no step of
        # the process), and when after the phone interview (a heading that names its step); a question
        # that names no step asks the general one.
        steps = self.index.steps
        if self._of_unnamed_step(query, best) and runner.doc not in steps:
            return runner
        if self._of_unnamed_step(query, runner) and best.doc not in steps:
            return best
        return self._states_more(query, best, runner)

    def _reshaped(self, query: str, decision: Decision) -> Decision:
        """A search's decision as the question's shape asks: the overview for several things of a kind,
        each of two topics compared, and no wait after one step for a question about another."""
        return self._said_of_another_step(
            query,
            self._purpose_said(
                query,
                self._varying_said(query, self._both_compared(query, self._overview_for_several(query, decision))),
            ),
        )

    def _hearing_back_in_general(self, best: Passage, everything: list[Passage], ctx: Context) -> Passage | None:
        """After the application (the process's first step), when AWS gets back in general (a section
        of no step): the one section that says it of applications, where the best was another step's
        time. None in any other case."""
        if not _HEARING_BACK.search(best.heading) or not ({ctx.doc, ctx.step} & set(self._process()[:1])):
            return None
        return self._hearing_back_of_no_step(everything)

    def _hearing_back_of_no_step(self, passages: list[Passage]) -> Passage | None:
        """The first of these sections that says when AWS gets back and belongs to no step of the process
        ("When you will hear back from Amazon": applications reviewed on a rolling basis), or None."""
        steps = self.index.steps
        return next((p for p in passages if p.doc not in steps and _HEARING_BACK.search(p.heading)), None)

    def _purpose_said(self, query: str, decision: Decision) -> Decision:
        """ "what is the assessment for?" over when you take one (0.61): the close section of the same
        topic headed with what it is for (0.53) answers it."""
        top = decision.passages[0] if decision.kind == "answer" and decision.passages else None
        if top is None or _PURPOSE_HEADING.search(top.heading) or not _ASKS_PURPOSE.search(query):
            return decision
        purpose = next(
            (
                p
                for p in decision.ranked[:5]
                if p.doc == top.doc and p.score >= top.score - PURPOSE_MARGIN and _PURPOSE_HEADING.search(p.heading)
            ),
            None,
        )
        return decision if purpose is None else self._answered_with(purpose, decision)

    def _answered_with(self, passage: Passage, decision: Decision) -> Decision:
        """A search's decision answered with another of its sections instead (its ranking, query, coverage
        and context kept)."""
        chosen = Decision("answer", self._answer(passage, decision.ranked), decision.ranked, decision.query)
        chosen.uncovered, chosen.context = decision.uncovered, decision.context
        return chosen

    def _varying_said(self, query: str, decision: Decision) -> Decision:
        """ "does every job have the same assessments or is it different per role?" over the section on
        what the assessments are for: the close section saying it depends on the role answers it."""
        top = decision.passages[0] if decision.kind == "answer" and decision.passages else None
        if top is None or not answer_type.asks_if_it_varies(query) or answer_type.states_it_varies(self._says(top)):
            return decision
        varying = [
            p
            for p in decision.ranked[:5]
            if p.score >= top.score - VARIES_MARGIN and answer_type.states_it_varies(self._says(p))
        ]
        if not varying:
            return decision
        many = _NUMBER_OF.search(query) is not None
        varying.sort(key=lambda p: not (many and _QUANTITY_HEADINGS["count"].search(p.heading)))
        chosen = Decision("answer", self._answer(varying[0], decision.ranked), decision.ranked, decision.query)
        chosen.uncovered = decision.uncovered
        return chosen

    def _last_step_named(self, query: str) -> str | None:
        """The process step a message names last, read with the glossary ("phone round was 2 days but
        what about the onsite?": the loop), or None when it names none."""
        last = None
        for word in tokenize(self.index.glossary.meaning(query)):
            last = self._step_of_word(word) or last
        return last

    def _step_of_word(self, word: str) -> str | None:
        """The process step a word names ("phone", "loop"), or None."""
        steps = self.index.steps
        return next((doc for doc, words in self._naming_words().items() if doc in steps and stem(word) in words), None)

    def _said_of_another_step(self, query: str, decision: Decision) -> Decision:
        """An answer that says when AWS gets back after one step ("When you hear back after the phone
        interview") to a question about another, named last ("when do i hear back after the onsite?",
        "the phone one is 2 business days, but how long after the final round?") becomes a refusal: the
        page states that time for the phone interview only."""
        top = decision.passages[0] if decision.kind == "answer" and decision.passages else None
        if top is None or top.doc not in self.index.steps or not _HEARING_BACK.search(top.heading):
            return decision
        if _AFTER_APPLYING.search(query) and self._of_unnamed_step(query, top):
            # "when will i hear back after i apply": when AWS gets back about applications (no step of the
            # process: "reviews applications on a rolling basis"), not after the phone interview, which
            # scored 0.78 against 0.74.
            general = self._hearing_back_of_no_step(decision.ranked[:5])
            if general is not None:
                return self._answered_with(general, decision)
        named = self._last_step_named(query)
        after = self._wait_counted_from(query)
        if (named is None or named == top.doc) and (after is None or after == top.doc):
            return decision
        return Decision("fallback", [], decision.ranked, decision.query, decision.uncovered, decision.context)

    def _wait_counted_from(self, query: str) -> str | None:
        """The process step the message's first "after ..." names ("how long after the final loop do you
        hear back? i know its like 2 days after the phone screen": the loop), or None."""
        for m in _AFTER_WHAT.finditer(query):
            for word in tokenize(self.index.glossary.meaning(m.group(1))):
                named = self._step_of_word(word)
                if named is not None:
                    return named
        return None

    def _of_unnamed_step(self, query: str, passage: Passage) -> bool:
        """Whether a section of a process step names its step in its heading ("When you hear back after
        the phone interview") by words the question does not use."""
        if passage.doc not in self.index.steps:
            return False
        names = {stem(w) for w in tokenize(passage.heading)} & self._naming_words().get(passage.doc, set())
        return bool(names) and not names & {stem(w) for w in tokenize(query)}

    def _states_more(self, query: str, best: Passage, runner: Passage) -> Passage | None:
        """Of two topics that tie, the one whose words (heading, text, example questions) state clearly
        more of the question's: "how do I find roles near me?" ties between the talent network and
        finding a job, and only the second says "find", "roles" and "near". None: a genuine tie, ask."""
        words = content_words(query)
        have = addresses(words, self._says(best)), addresses(words, self._says(runner))
        if have[0] >= have[1] + TIE_WORDS:
            return best
        if have[1] >= have[0] + TIE_WORDS:
            return runner
        return None

    def _decide(
        self,
        query: str,
        ranked: list[Passage],
        likely_uncovered: bool,
        uncovered: float | None,
        unknown: tuple[str, ...],
        qvec: np.ndarray | None = None,
    ) -> Decision:
        """`decide` over the ranked sections, after the checks that find a question covered whatever
        NLU's flag, the coverage model and the not-covered questions say (a definition, a quantity a
        close section states)."""
        params, known_questions = self.params, self.index.known
        known = None
        if qvec is not None and known_questions is not None:
            known = known_questions.refusing(qvec, params.known_uncovered_above, params.known_uncovered_margin)
        if known is not None and self._names_a_step_beyond(known, query):
            # "how long until i hear back?" is worded like "how long until I hear back after the loop?",
            # which the page does not answer; but that one names a step this one does not: not the same
            # question (the page gives a time after the phone interview).
            known = None
        if known is not None and _asks_something_else(known, query):
            known = None
        if self._defines(query, ranked) or self._states_quantity_asked(query, ranked):
            likely_uncovered, uncovered, known = False, None, None
        return decide(
            ranked,
            self.params,
            self.index.doc_sections,
            likely_uncovered,
            uncovered,
            partial(self._settles_tie, query),
            unknown,
            known,
        )

    def _defines(self, query: str, ranked: list[Passage]) -> bool:
        """Whether the question asks what a thing is ("what's the loop?", "what is a BR") and the best
        section is headed with that thing's name: covered, whatever NLU's and the coverage model's doubts
        about a question that short."""
        m = _DEFINITION.match(query)
        if m is None or not ranked or ranked[0].score < self.params.answer_threshold:
            return False
        named = {stem(w) for w in tokenize(self.index.glossary.meaning(m.group(1)))}
        heading = {stem(w) for w in tokenize(f"{ranked[0].title} {ranked[0].heading}")}
        return bool(named) and named <= heading

    def _states_quantity_asked(self, query: str, ranked: list[Passage]) -> bool:
        """Whether the question asks for a quantity ("how many tips did the recruiters share?") that a
        section matching it closely states ("a set of 11 tips"): covered, though "how many" questions
        are mostly uncovered ones to NLU and the coverage model."""
        if answer_type.wanted(query) is None or not ranked or ranked[0].score < QUANTITY_STATED_SCORE:
            return False
        return answer_type.answers(query, [_stated(ranked[0])])

    def _says(self, passage: Passage) -> str:
        """The words a section answers to: its heading, its text and the writers' example questions
        (candidates' words for what it says: "who will I meet there?" ~ "who interviews you in the loop?")."""
        section = self.index.by_id.get(passage.id)
        questions = " ".join(section.questions) if section is not None else ""
        # A section headed with what a thing is for, or why, answers for its purpose in any word.
        purpose = " purpose point reason goal why use used" if _PURPOSE_HEADING.search(passage.heading) else ""
        # A section saying what AWS strives for, or what typically happens, says how sure it is: "is that
        # guaranteed?" after "AWS strives to get back to you within two business days".
        sure = (
            " guaranteed guarantee guarantees promise promised definitely always"
            if _SAYS_HOW_SURE.search(passage.text)
            else ""
        )
        return f"{passage.heading} {passage.text} {questions}{purpose}{sure}"

    def chosen(self, passage: Passage, ctx: Context | None) -> Decision:
        """A "did you mean" option the candidate picked: it becomes the topic."""
        return self._with_context(Decision("answer", [passage], [passage]), ctx or Context())

    def _by_links(self, query: str, ctx: Context) -> bool:
        """Whether a "what comes next?" or "and before that?" is answered from the process order alone
        (no search)."""
        kind = resolve(query, ctx).kind
        if kind not in ("next", "previous"):
            return False
        if kind == "next":
            return next_topic(ctx, self.index.next_of, self.index.steps)[1]
        return previous_topic(ctx, self._process(), self.index.next_of)[1]

    def _with_context(self, decision: Decision, ctx: Context, query: str = "") -> Decision:
        """The state to remember after this answer: its topic, what it listed, the process step."""
        if decision.kind != "answer" or not decision.passages:
            # A refusal keeps the topic and remembers it refused: "why not?" or "who can I ask then?"
            # next is about the question refused, not about the topic's last answer.
            decision.context = self._refused_context(ctx, query) if decision.kind == "fallback" else ctx
            return decision
        top = decision.passages[0]
        index = self.index
        query = query or decision.query or ""
        listed = listed_after(top.doc, index.lists_of, ctx, by_place=names_a_place(query))
        steps = index.steps
        step: str | None
        if top.doc in steps:
            # "What comes after the online assessments" tells the step after its own: the candidate is
            # told of the phone interview, and "and after that one?" asks what follows it.
            step = index.next_of[top.doc] if _TELLS_NEXT.search(top.heading) and top.doc in index.next_of else top.doc
        elif listed and all(d in steps for d in listed):  # an overview of the steps
            step = step_named(query, listed) or ctx.step
        else:
            step = ctx.step
        decision.context = Context(doc=top.doc, section=top.id, listed=listed, step=step)
        return decision

    @contextmanager
    def prefetching(self, message: str, conversation: str) -> Iterator[None]:
        """While the dialogue tier handles a conversation's message, its vector may be computed ahead
        of its search (see PrefetchingEmbedder); once the turn is over, a vector not taken is dropped."""
        # "/..." is a button's payload, which names its section and is never embedded. A message that
        # looks like a follow-up is searched together with the question before it, if any, which the
        # gateway does not know; and short messages of that shape are mostly "hi there" or "thanks",
        # never searched at all. They are embedded if and when the search asks (a quarter of the
        # model's work in the bench's mix was otherwise thrown away).
        embedder = self.embedder
        if (
            not isinstance(embedder, PrefetchingEmbedder)
            or not message.strip()
            or message.startswith("/")
            or looks_like_follow_up(message)
        ):
            yield
            return
        # The dialogue tier always sends the conversation's state: the message is read as in one.
        text = self.embedded_text(message)
        embedder.prefetch(text, conversation)
        try:
            yield
        finally:
            embedder.forget(text, conversation)

    def section(self, section_id: str) -> Passage | None:
        sec = self.index.by_id.get(section_id)
        return Passage.of(sec, 1.0, 1.0) if sec else None

    async def ask_async(
        self,
        query: str,
        previous: str | None = None,
        likely_uncovered: bool = False,
        conversation: str = "",
        ctx: Context | None = None,
    ) -> Decision:
        """`ask`, for the event loop; `conversation` finds the vector prefetched for its message."""
        embedder = self.embedder
        if ctx is not None:
            if self._by_links(query, ctx):  # answered from the topic links: no vector needed
                return self.ask(query, previous, likely_uncovered=likely_uncovered, ctx=ctx)
            if isinstance(embedder, PrefetchingEmbedder):
                future = embedder.take(self.embedded_text(query), conversation)
                qvec = future.result() if future.done() else await asyncio.wrap_future(future)
                return self.ask(query, previous, likely_uncovered=likely_uncovered, qvec=qvec, ctx=ctx)
            return await asyncio.to_thread(self.ask, query, previous, likely_uncovered, None, ctx)
        if isinstance(embedder, PrefetchingEmbedder):
            # The vector comes from the embedder's own thread; the ranking that is left (well under a
            # millisecond) runs here, cheaper than a hop to a thread that would only wait.
            future = embedder.take(self.embedded_text(query, previous, in_context=False), conversation)
            qvec = future.result() if future.done() else await asyncio.wrap_future(future)
            return self.ask(query, previous, likely_uncovered, qvec=qvec)
        # Embedding is CPU work; keep it off the event loop so health checks and chat I/O stay responsive.
        return await asyncio.to_thread(self.ask, query, previous, likely_uncovered)


def _asks_something_else(uncovered: str, query: str) -> bool:
    """Whether a question asks for another kind of thing than the uncovered question it is worded like:
    a kind where that one asks a count, how much a thing matters where that one asks how many or what
    they are, or whether to know something where that one asks what it is."""
    if _HOW_MANY.search(uncovered) and _KIND_OF.search(query) and not _HOW_MANY.search(query):
        return True
    if (
        _IMPORTANCE.search(query)
        and not _IMPORTANCE.search(uncovered)
        and (_HOW_MANY.search(uncovered) or _WHAT_ARE_THEY.search(uncovered))
    ):
        return True
    return bool(_WHAT_ARE_THEY.search(uncovered) and _NEED_TO_KNOW.search(query))
