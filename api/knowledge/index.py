"""The knowledge index: section vectors in faiss (inner product on unit vectors = cosine) plus BM25.

Files live under var/index/: a manifest (model, dimension, content hash per document), the
section records and their vectors. Unchanged documents reuse their stored vectors; every file is
written to a temporary name and renamed into place, so a crash never leaves a half-written index.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import io
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from rank_bm25 import BM25Okapi

from api.knowledge.coverage import (
    CoverageModel,
    covered_examples,
    embedded,
    fitted,
    labelled_questions,
    nlu_examples,
    train,
)
from api.knowledge.documents import Problem, Section, load_documents
from api.knowledge.embedder import Embedder
from api.knowledge.glossary import FILE as GLOSSARY_FILE
from api.knowledge.glossary import Glossary, load_glossary
from api.knowledge.not_covered import FILE as NOT_COVERED_FILE
from api.knowledge.not_covered import KnownQuestions, NotCovered, build_known, load_not_covered
from api.knowledge.spelling import Speller, english_words

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
# The coverage and own-status models, fitted by the build that changed their data (api/knowledge/coverage.py).
COVERAGE_MODEL = "coverage-model.npz"
OWN_STATUS_MODEL = "own-status-model.npz"
VECTORS = "vectors.npy"
SENTENCE_VECTORS = "sentence_vectors.npy"
# Bumped when what is stored changes; an index of another format is rebuilt from scratch.
# 3: writers' example questions are stored among the sentence rows.
FORMAT = 3

_WORD = re.compile(r"[a-z0-9]+")
# Function words carry no topic, and the company's names are in nearly every question but only some
# sections: BM25 on either only adds noise (it ranked "government employees" for any "Amazon" question).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
        "amazon",
        "aws",
        "amazon's",
        "aws's",
    ]
)


def tokenize(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def stem(word: str) -> str:
    """A crude stem, enough to match "teasers" to "teaser" and "interviewing" to "interview"."""
    for suffix in ("ing", "ed", "es", "s"):
        # "focus", "status", "bonus" end in an "s" of their own ("focuses" -> "focus").
        if suffix == "s" and word.endswith("us"):
            continue
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    # ...and a silent "e" goes as the suffixes took it: "structure" ~ "structured", "example" ~ "examples".
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


_COMPANY = re.compile(r"\b(amazon|aws)('s)?\b", re.IGNORECASE)


# Chat fillers say nothing of what is asked, yet weigh in the vector like any word: "ok whatever whats
# the first step anyway" scored 0.28 against the 0.44 of "what's the first step".
_FILLER = re.compile(
    r"\b(?:whatever|anyways?|lol|lmao|haha|tho|btw|pls|plz|hmm+|um+|uh+|rn|atm|tbh|ngl|imo)\b", re.IGNORECASE
)


# "oh wait, how long do they take again?": a candidate recalling what was said; neither "wait" at the
# start nor "again" at the end of a question word's question names anything ("can I take it again?" does).
_RECALLING = re.compile(
    r"^(\W*(?:(?:oh|ok|okay|so|and|but|hmm+|um+)\W+)*)wait\b(?=\W+(?:how|what|whats|what's|when|where|who|which)\b)",
    re.IGNORECASE,
)
_AGAIN = re.compile(
    r"^(\W*(?:(?:oh|ok|okay|so|and|but|hmm+|um+)\W+)*(?:how|what|whats|what's|when|where|who|which)\b.*?)\bagain\W*$",
    re.IGNORECASE,
)


# "what's the deal with bar raisers?", "what's up with the OA": chat idioms for "what about", whose
# "deal" and "up" name nothing; the model and the coverage model read them as an uncovered question
# (0.81 for "what's the deal with bar raisers", 0.46 for "what about bar raisers").
_WHATS_THE_DEAL = re.compile(
    r"\bwhat(?:'s|s|\s+is)\s+(?:the\s+(?:deal|story|scoop|lowdown)|up)\s+with\b", re.IGNORECASE
)


# Chat spellings of question words ("k and then wat", "wats the asessment about"), and "how come" and
# "what's the point of" for "why": the follow-up rules and the model know the words as written out.
_CHAT_WORDS = {
    "wat": "what",
    "wut": "what",
    "wats": "whats",
    "wuts": "whats",
    "dey": "they",
    "dem": "them",
    "hw": "how",
    "ho": "how",  # only before a quantity word: "ho long dey take"
    "hows": "how",  # the same: "and hows long is it roughly"
    # Sound-alike spellings the speller (a few edits from a known word) does not reach: "wat abt the fone
    # intervu".
    "abt": "about",
    "fone": "phone",
    "intervu": "interview",
    "intervus": "interviews",
    "wrk": "work",
    "b4": "before",
    "smth": "something",
    "tmrw": "tomorrow",
}
_CHAT_WORD = re.compile(
    r"\b(wat|wut|wats|wuts|dey|dem|hw|abt|fone|intervus?|wrk|b4|smth|tmrw|ho(?:ws)?(?=\s+(?:long|many|much|soon|often)\b))\b",
    re.IGNORECASE,
)
# "is there anything to help devs prepare for the interview?", "im a backend dev": software developers, in
# the knowledge's words (its prep page is for "software developers", "SDE", "SWE"; "dev" matched nothing).
# Not a "dev job", which is a job, whatever the prep page says.
_DEVS = re.compile(
    r"\b(?:(?:back[- ]?end|front[- ]?end|full[- ]?stack|web|mobile|software|game|app)\s+)?dev(s)?\b(?![- ]?ops\b)(?!\s+(?:jobs?|roles?|positions?|openings?)\b)",
    re.IGNORECASE,
)
_OPENING_K = re.compile(r"^(\W*)kk?\b(?=\W)", re.IGNORECASE)
_MEANS_WHY = re.compile(r"\bhow\s+come\b|\bwhat(?:'?s|\s+is)\s+the\s+point\s+of\b", re.IGNORECASE)
# "y do they have one", "y not": a lone "y" opening a question (before a verb of asking or "not").
_CHAT_WHY = re.compile(
    r"^(\W*(?:(?:ok|so|and|but)\W+)*)y(?=\s+(?:not|do|does|did|is|are|was|were|would|should|can|cant|can't|they|you|u)\b)",
    re.IGNORECASE,
)


# "the personality-ish one": the hedge names nothing; the word before it is what is meant.
_HEDGED = re.compile(r"\b([a-z]{3,})-ish\b", re.IGNORECASE)


# "how long until results?" after the phone interview: waiting for the outcome is hearing back, which
# the page gives a time for ("results" alone reads as the assessments' scores, which it does not state).
_UNTIL_OUTCOME = re.compile(
    r"\b(until|till|til)\s+(?:(?:i\s+get\s+)?(?:the\s+|my\s+)?(?:results?|decision|answer|response|news|verdict)"
    # "how long till they tell me": being told is hearing back.
    r"|(?:they|u|you|someone|somebody|aws|amazon)\s+(?:tell|get\s+back\s+to|contact|call|email)\s+(?:me|us))\b",
    re.IGNORECASE,
)


# "and if none fit me?", "what if nothing fits rn" after how to find a job: no role fitting, which is what
# the talent network is for; "none" and "nothing" name nothing, so the topic's words were all it had.
_NONE_FITS = re.compile(
    r"\b(if|when)\s+(?:none(?:\s+of\s+(?:them|those|these|the\s+\w+))?|nothing)\s+(?:really\s+)?"
    r"(?:fits?|match(?:es)?|suits?|(?:is|are)\s+open)\b",
    re.IGNORECASE,
)
# "i don't see a job that fits me right now": no role fits (the word "job" drew finding a job).
_NONE_SEEN = re.compile(
    r"\bi\s+(?:don'?t|do\s+not|can'?t|cannot)\s+(?:see|find)\s+(?:a|any)\s+(?:jobs?|roles?|positions?|openings?)\s+"
    r"(?:that\s+)?(?:really\s+)?(?:fits?|match(?:es)?|suits?)\b",
    re.IGNORECASE,
)


# "and how long is it roughly": in a question for a quantity, the hedge asks for nothing more. (Alone,
# "like roughly, 2? 3?" asks for an estimate, a question of its own, and keeps it.)
_HOW_QUANTITY = re.compile(r"\bhow\s+(?:long|many|much|soon|often)\b", re.IGNORECASE)
_ROUGHLY = re.compile(r"\s*\b(?:roughly|approximately|approx)\b\.?", re.IGNORECASE)


# "how does aws go through applications": how it reviews them ("reviews applications on a rolling basis").
# (Only of who reviews them: "how do i go through the application process" is the candidate's.)
_GO_THROUGH = re.compile(
    # ("how do you guys go through applications": the candidate asks the company.)
    r"\b(aws|amazon|they|you\s+guys|y'?all|recruiters?|someone|anyone|hiring\s+(?:managers?|teams?))\s+"
    r"(?:actually\s+|really\s+|generally\s+|usually\s+)?"
    r"(?:go(?:es)?|going|look(?:s)?|looking)\s+(?:through|over)\s+(?:the\s+|all\s+(?:the\s+)?|my\s+)?"
    r"(applications?|apps|resumes?|cvs?)\b(?!\s+process)",
    re.IGNORECASE,
)
# "will they email me if i move forward": whether AWS contacts the candidate (the page: "will contact you if
# we're interested"); only of when or whether they reach out, not "email me my results".
_MAIL_ME = re.compile(
    r"\b(?:e-?mail|text|call|message|ping)\s+(me|you|u)(?=\s+(?:if|when|once|back)\b)",
    re.IGNORECASE,
)
# "can i filter them by category": search by it (the careers page's words: "search by location, job
# categories, or keywords").
_FILTER_BY = re.compile(
    # ("filter open positions by category": the kind of job may come first.)
    r"\b(?:filter|sort|narrow)(?:ing)?\s+(?:(?:(?:the|all|open|available|current)\s+)?"
    r"(?:them|those|jobs|roles|openings|positions|listings|postings|it|results)\s+)?"
    r"(?:down\s+)?by\b",
    re.IGNORECASE,
)
# "can i apply to other stuff too": to other jobs (the search found how to start an application).
_OTHER_STUFF = re.compile(
    r"(\bappl(?:y|ying)\s+(?:to|for)\s+(?:other|more|different|diff|some\s+other)\s+)"
    r"(?:stuff|things|ones|openings|postings|listings|spots)\b",
    re.IGNORECASE,
)
# "what kinds of online tests does amazon make you take": which there are ("make you take" read as when
# you take them: "When you take an AWS online assessment" 0.81 over the types' 0.74).
_MAKE_YOU_TAKE = re.compile(
    r"^(\W*(?:what|which)\b[^?.!]{0,40}?)\s+(?:do|does|will|would)\s+(?:amazon|aws|they|u|you)\s+(?:guys\s+)?"
    r"(?:make|have|get)\s+"
    r"(?:you|u|me|people|ppl|candidates|applicants|us)\s+(?:to\s+)?(?:take|do|complete)\b",
    re.IGNORECASE,
)
# "do you contact everyone who applies or just the ones you want", "... or only if they like me": whether AWS
# contacts only those it is interested in, in the page's word (the search found how to apply, and the
# brain teasers, closer).
_ONLY_THOSE_WANTED = re.compile(
    r"\b(only|just)\s+(?:(?:if|when)\s+(?:they|you|u|amazon|aws)\s+(?:like|want|pick|choose)\s+(?:me|you|u|them|someone)"
    r"|(?:the\s+ones|the\s+people|people|ppl|those|the\s+ppl)\s+(?:you|u|they|amazon|aws)\s+(?:want|like|pick|choose))\b",
    re.IGNORECASE,
)
# "should i use stories from like 10 yrs ago", "a project from years back": how recent an example should be,
# in the page's word ("use recent situations"); "yrs" and "ago" name nothing, and the follow-up was refused.
_YEARS_AGO = re.compile(
    r"\bfrom\s+(?:my\s+(?:first|old|last|previous)\s+job\s+)?(?:like\s+|about\s+|around\s+|over\s+|more\s+than\s+)?(?:\d+|a\s+few|a\s+couple(?:\s+of)?|many|several"
    r"|two|three|four|five|six|seven|eight|nine|ten)\s*\+?\s*(?:yrs?|years?)\s+(?:ago|back)\b",
    re.IGNORECASE,
)
# "should the examples be old or new": how recent they should be, which the phone interview's advice says
# ("old" and "new" are no words of it, so the section just given read as not saying it).
_OLD_OR_NEW = re.compile(
    r"\b(?:old(?:er)?|new(?:er)?)\s+(?:ones?\s+)?(?:or|vs\.?|versus)\s+(?:new(?:er)?|old(?:er)?|recent|current)\b",
    re.IGNORECASE,
)
# "how do i impress them" after the bar raiser, "how do i make myself look good": how to prepare, the page's
# advice for the interviews ("impress" and "look good" are no words of it; both were refused).
_HOW_I = r"(\bhow\s+(?:do|can|should|would|could)\s+(?:i|u|you|one)|\bhow\s+to)\s+"
_IMPRESS = re.compile(_HOW_I + r"(?:impress|wow)\b", re.IGNORECASE)
_LOOK_GOOD = re.compile(
    _HOW_I + r"(?:make\s+(?:myself|me)\s+look\s+good|(?:make|leave)\s+a\s+good\s+impression)(\s+on\b)?", re.IGNORECASE
)
# "its been 3 weeks no reply is that normal", "no response yet": not having heard back, the page's words
# for it (the follow-up was refused: "reply" is no word of the topic). Not an email address, nor a reply
# the candidate gives ("no reply to that"); "no news = bad news?" asks what silence means, which it is not.
_NO_REPLY = re.compile(
    r"\b(?:no|zero|not\s+a(?:\s+single)?)\s+(?:reply|replies|response|responses|word|emails?)"
    r"(?:\s+(?:yet|back))?\b(?!\s+(?:address|to|on|about)\b)",
    re.IGNORECASE,
)
# "do all positions have the same amount of tests?": a count of things, asked in the words of a quantity
# (of a plural only: "amount of time" is a length, "amount of work" no count).
_AMOUNT_OF = re.compile(r"\bamount\s+of\s+(?=[a-z]+s\b)", re.IGNORECASE)
# "what kind of tests do u make ppl take before interviews", "how many tests": the assessments, in words the
# knowledge does not use ("drug test", "coding test" and a "test" of anything else are not meant).
_TESTS_MEANT = re.compile(
    r"(?:(?<=kinds\sof\s)|(?<=types\sof\s)|(?<=kind\sof\s)|(?<=type\sof\s)|(?<=sorts\sof\s)|(?<=sort\sof\s)"
    r"|(?<=many\s)|(?<=number\sof\s))tests\b"
    r"|\btests\b(?=\s+(?:before|prior\s+to|ahead\s+of)\b|\s+or\s+(?:is\s+it\s+)?(?:only|just)\s+interviews?\b)",
    re.IGNORECASE,
)


# "are the interviews remote right now?", "is the onsite still remote": of an interview, remote is what the
# knowledge calls virtual; of a job ("remote roles", "do aws employees work remote") it is not.
_INTERVIEW_NAMED = re.compile(r"\b(?:interviews?|loops?|onsites?|on-sites?|final\s+rounds?|in[\s-]person)\b", re.I)
_JOB_NAMED = re.compile(r"\b(?:work(?:ing)?|jobs?|roles?|positions?|employees?|team|office\s+days)\b", re.I)
_REMOTE = re.compile(r"\bremote(?:ly)?\b", re.IGNORECASE)


# "who else is in the loop besides them": "else" says it; the people left out are the ones just described.
_BESIDES_THEM = re.compile(
    r"(\belse\b.*?)\s+(?:besides|apart\s+from|other\s+than)\s+(?:them|him|her|that\s+one|those)\b", re.I
)


# "i work for the federal government rn", "i currently work for the state dept": the candidate is a
# government employee, the knowledge's words (the search found the recruiters' tips for "talking to aws
# recruiters" beside "federal government"). Not "i work in the sales department".
_NOW = r"\s+(?:currently\s+|now\s+|still\s+)?"
_FOR_A_GOVERNMENT = (
    r"\s+(?:for|at|in)\s+(?:the\s+|a\s+)?"
    r"(?:(?:(?:federal|state|local|county|city|us|u\.s\.?|national)\s+)?(?:government|govt|gov)\b"
    r"|(?:federal|state|government)\s+(?:dep(?:artmen)?t|agency)\b)"
)
_GOVERNMENT_JOB = re.compile(r"\bi" + _NOW + "work" + _FOR_A_GOVERNMENT, re.IGNORECASE)
# "my sister works for the state gov, is she allowed to apply": the same of someone the candidate names
# (the coverage model read the relative as the subject: P(uncovered) 0.83).
_RELATIVE_IN_GOVERNMENT = re.compile(
    r"\b(?:my\s+(?:sister|brother|mom|mum|mother|dad|father|wife|husband|partner|friend|son|daughter|cousin|"
    r"spouse|roommate|uncle|aunt)|he|she)" + _NOW + "works" + _FOR_A_GOVERNMENT,
    re.IGNORECASE,
)
# "state employee here", "gov employee here", "federal worker": a government employee.
_GOVERNMENT_WORKER = re.compile(
    r"\b(?:state|federal|gov|govt|government|county|municipal|public[\s-]sector)\s+(?:employee|worker)(s?)\b",
    re.IGNORECASE,
)


# "how long does that part take", "is this stage online": the part is the topic the pronoun points at,
# and "part" or "stage" is no word of its sections (the follow-up was refused). Not "that part of the
# application" or "the part about failing", which say which part.
_THAT_PART = re.compile(
    r"\b(that|this)\s+(?:part|stage|phase|bit|round)\b(?!\s+(?:of|about|on|with|where|when|in)\b)", re.IGNORECASE
)
# "the first one, whats it like": what it is about. "like" is a word of the work style example ("most like
# you"), which then ranked first. (Only with a pronoun, at the end: "what is the loop like?" ranks well.)
_WHAT_IT_IS_LIKE = re.compile(
    r"\b(what(?:'s|s|\s+is|\s+are|\s+r)\s+(?:it|that|this|they|those)(?:\s+ones?)?)\s+like\W*$", re.IGNORECASE
)
# "how should i structure that story", "how should i frame it" after how AWS views failure: the shape of
# the candidate's answer, as "how should i structure my answers" asks (the STAR method); the pronoun
# alone was refused as a question the topic does not address. Not a file ("what format should it be, pdf?").
_STRUCTURE_IT = re.compile(
    r"\b(structure|frame)\s+(?:(?:that|the|this|those|these)\s+(?:story|stories|example|examples|answer|answers"
    r"|one|ones)|it|that|this|them|those)\b",
    re.IGNORECASE,
)
# "using what format" after the loop's questions: the same question.
_USING_WHAT_FORMAT = re.compile(r"^\W*(?:(?:and|ok(?:ay)?|so)\W+)*(?:using|in)\s+what\s+format\W*$", re.IGNORECASE)
# "should i mention when i messed something up?", "times i screwed up": a failure, the knowledge's word
# (the search found nothing close to "messed"). Not "messed up the assessment" or "messed it up", a
# step gone wrong (a retake, which the page does not cover).
_MESSED_UP = re.compile(
    r"\b(?:messed|screwed)\s+(?:something\s+|things\s+|stuff\s+)?up\b"
    r"(?!\s+(?:on\s+|in\s+)?(?:the|my|this|that|an?)\s+(?:[\w-]+\s+){0,2}"
    r"(?:assessments?|tests?|simulation|oa|quiz|interviews?|application|call|screen|form)\b)",
    re.IGNORECASE,
)


def plain_chat(query: str) -> str:
    query = _NONE_FITS.sub(r"\1 no role fits", _UNTIL_OUTCOME.sub(r"\1 i hear back", query))
    query = _NONE_SEEN.sub("no role fits", query)
    query = _HEDGED.sub(r"\1", _CHAT_WORD.sub(lambda m: _CHAT_WORDS[m.group(1).lower()], query))
    if _HOW_QUANTITY.search(query):
        query = _ROUGHLY.sub("", query).strip()
    query = _TESTS_MEANT.sub("assessments", _MAKE_YOU_TAKE.sub(r"\1 are there", _AMOUNT_OF.sub("number of ", query)))
    query = _OTHER_STUFF.sub(r"\1jobs", _BESIDES_THEM.sub(r"\1", _YEARS_AGO.sub("that are not recent", query)))
    query = _ONLY_THOSE_WANTED.sub(
        r"\1 if interested",
        _MESSED_UP.sub(
            "failed",
            _THAT_PART.sub(r"\1", _WHAT_IT_IS_LIKE.sub(r"\1 about", _STRUCTURE_IT.sub(r"\1 my answers", query))),
        ),
    )
    query = _NO_REPLY.sub("not heard back", _OLD_OR_NEW.sub("recent", query))
    query = _USING_WHAT_FORMAT.sub("what format should my answers be in", query)
    query = _IMPRESS.sub(
        r"\1 prepare for", _LOOK_GOOD.sub(lambda m: f"{m.group(1)} prepare well{' for' if m.group(2) else ''}", query)
    )
    query = _GOVERNMENT_WORKER.sub(
        r"government employee\1",
        _GOVERNMENT_JOB.sub("i am a government employee", _RELATIVE_IN_GOVERNMENT.sub("a government employee", query)),
    )
    query = _FILTER_BY.sub("search by", _GO_THROUGH.sub(r"\1 review \2", _MAIL_ME.sub(r"contact \1", query)))
    if _INTERVIEW_NAMED.search(query) and not _JOB_NAMED.search(query):
        query = _REMOTE.sub("virtual", query)
    query = _CHAT_WHY.sub(r"\1why", _DEVS.sub(r"software developer\1", query))
    return _MEANS_WHY.sub("why", _OPENING_K.sub(r"\1ok", query))


# "back to the loop, i missed the part about failing": the candidate asks about that part again; "missed"
# names nothing (and is no word of the knowledge, so it read as an uncovered subject).
_MISSED_PART = re.compile(
    r"\bi\s+(?:missed|didn'?t\s+(?:catch|get|see))\s+the\s+(?:part|bit)\s+(?:about|on|with)\b", re.IGNORECASE
)


def plain_idioms(query: str) -> str:
    return _MISSED_PART.sub("what about", _WHATS_THE_DEAL.sub("what about", query))


def without_recall(query: str) -> str:
    """The question without the words of recalling it ("oh wait", "... again") or of chat idioms."""
    return _AGAIN.sub(r"\1", _RECALLING.sub(r"\1", plain_idioms(query)))


# "ok np. can i apply to another role while i wait": the acknowledgement opening a chat message answers
# the last reply and asks nothing, yet it moves the vector: P(uncovered) 0.39 without "np." and 0.79
# with it, and the question was refused.
_ACK_WORDS = (
    r"(?:ok(?:ay)?|kk?|np|no problem|no worries|cool|great|thanks|thank you|thx|ty|got it|i see|alright|"
    r"all right|fine|gotcha|nice|sure|perfect|awesome|interesting|huh|oh|ah|wow|yeah|yep|right|haha|lol|"
    r"fair(?: enough)?|makes sense|ugh+|hm+|meh|sigh|um+|uh+)"
)
_ACKNOWLEDGING = re.compile(
    rf"^(?:\W*{_ACK_WORDS}(?:\s*[.,!:;-]+|\s+(?={_ACK_WORDS}\b)))+\s*",
    re.IGNORECASE,
)


def without_acknowledgement(query: str) -> str:
    """The message without an opening acknowledgement of the last reply ("haha ok fair, thx. how long does
    it take btw" asks "how long does it take btw"): the follow-up rules read what is asked."""
    return _ACKNOWLEDGING.sub("", query) or query


# "can you tell me what a bar raiser is": the words of asking name nothing, yet the coverage model read
# them as an uncovered question's (0.78 for it, at a cosine of 0.95 with the bar raiser's section; the
# labelled uncovered questions ask "can you tell me the salary", "tell me why I wasn't selected"): the
# question is what follows them. Only before a question word, "if" or "about" ("tell me more" stays), and
# not before "if I..." ("pls just tell me if i got the job" asks for the candidate's own result).
_ASKING = re.compile(
    r"^(\W*(?:(?:ok|okay|so|and|but|hi|hey|hello|also|then)\W+)*)"
    r"(?:(?:(?:can|could|would|will)\s+(?:you|u|ya)\s+)?(?:(?:please|pls|plz|at\s+least|just|maybe)\s+)*"
    r"(?:tell|let)\s+me(?:\s+know)?"
    r"|i(?:\s+(?:want|wanna|would\s+like|need)|'?d\s+like|\s+d\s+like)\s+to\s+know"
    r"|do\s+(?:you|u)\s+know)"
    r"\s+(?=(?:what|whats|what's|how|when|where|who|whom|which|why|about)\b|(?:if|whether)\s+(?!(?:i|im|i'm|my)\b))",
    re.IGNORECASE,
)


def strip_company(query: str) -> str:
    """Every section is about AWS, so the company's name tells nothing about which one is meant, yet
    the model weighs it heavily ("Does Amazon care about..." matched a section that repeats "Amazon");
    chat fillers, an opening acknowledgement and the words of asking ("can you tell me") go too."""
    asked = _ASKING.sub(r"\1", _ACKNOWLEDGING.sub("", query))
    return " ".join(_FILLER.sub(" ", _COMPANY.sub(" ", asked)).split()) or query


@dataclass
class KnowledgeIndex:
    sections: list[Section]
    vectors: np.ndarray
    version: str
    built_at: str
    documents: int
    problems: list[Problem]
    # One row per sentence of every section, and per example question, and the index (into
    # `sections`) of the section it is in; which rows are example questions.
    sentence_vectors: np.ndarray | None = None
    sentence_owner: np.ndarray | None = None
    sentence_is_example: np.ndarray | None = None
    # Candidates' words for the knowledge's terms (knowledge/glossary.yml), searched with their meaning.
    glossary: Glossary = dataclasses.field(default_factory=Glossary)
    # P(uncovered) of a question from its vector (api/knowledge/coverage.py); None without its data.
    coverage: CoverageModel | None = None
    # The writers' list of questions the knowledge does not answer (knowledge/not-covered.md), and the
    # labelled questions a new one is compared with (api/knowledge/not_covered.py).
    not_covered: NotCovered = dataclasses.field(default_factory=NotCovered)
    known: KnownQuestions | None = None
    # P(a request to look up the candidate's own application) from the same vector and words: the
    # dialogue tier's `check_my_status` examples against its `ask_hiring` and `out_of_scope` ones and
    # the example questions (None without the NLU data).
    own_status: CoverageModel | None = None
    # Every word (stemmed) the knowledge, the glossary and the dialogue tier's covered examples use: a
    # question's word outside it is one nothing here speaks of (empty without the NLU data: unused).
    vocabulary: frozenset[str] = frozenset()
    # Topic links from front matter, by document path (see api/knowledge/context.py): the step that
    # follows each process step, and the topics a document names in order.
    next_of: dict[str, str] = dataclasses.field(default_factory=dict)
    lists_of: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    # A topic's audience words by document path (front matter `audience:`), see search.rank.
    audience_of: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    # The documents whose audience, named in a question, makes them rank higher (`audience_first`).
    audience_first: frozenset[str] = frozenset()
    # The documents whose sections are in the order a candidate goes through them (`in_order`).
    in_order: frozenset[str] = frozenset()
    # Misspelt words corrected to the knowledge's own before a question is searched (spelling.py).
    speller: Speller = dataclasses.field(default_factory=Speller)
    # Each labelled question's search text (see _learn_labelled_questions), kept for the next build
    # with the same glossary: working them out again was a third of a rebuild after a writer's edit.
    query_texts: dict[str, str] = dataclasses.field(default_factory=dict, repr=False)

    @property
    def steps(self) -> set[str]:
        """The documents of the ordered process: each one with a next step, and each next step."""
        return set(self.next_of) | set(self.next_of.values())

    def __post_init__(self) -> None:
        self.faiss = faiss.IndexFlatIP(self.vectors.shape[1])
        if len(self.sections):
            self.faiss.add(self.vectors)
        if self.sentence_vectors is None or self.sentence_owner is None:
            self.sentence_vectors = np.zeros((0, self.vectors.shape[1]), np.float32)
            self.sentence_owner = np.zeros(0, dtype=np.int64)
        if self.sentence_is_example is None or len(self.sentence_is_example) != len(self.sentence_owner):
            self.sentence_is_example = np.zeros(len(self.sentence_owner), dtype=bool)
        self.sentence_faiss = faiss.IndexFlatIP(self.vectors.shape[1])
        if len(self.sentence_vectors):
            self.sentence_faiss.add(self.sentence_vectors)
        corpus = [tokenize(s.embed_text) for s in self.sections] or [[""]]
        # Matched against what a question sets aside ("besides the work style one"), see search.rank.
        self.title_words = [set(tokenize(s.title)) for s in self.sections]
        self.bm25 = BM25Okapi(corpus)
        self.by_id = {s.id: s for s in self.sections}
        # One pattern per audience: any of its words, as a word or a word's start ("student" ~ "students").
        patterns = {
            doc: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)
            for doc, words in self.audience_of.items()
            if words
        }
        # Each audience's pattern with the rows of its document's sections: searched once per question.
        self.audiences = [
            (
                pattern,
                np.array([i for i, s in enumerate(self.sections) if s.doc == doc], dtype=np.int64),
                doc in self.audience_first,
            )
            for doc, pattern in patterns.items()
        ]
        self.doc_sections: dict[str, list[Section]] = {}
        for sec in self.sections:
            self.doc_sections.setdefault(sec.doc, []).append(sec)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _atomic_save(path: Path, array: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.save(buffer, array)
    _atomic_write(path, buffer.getvalue())


def _load_previous(index_dir: Path, embedder: Embedder) -> dict[str, dict]:
    """The last build per document {path: {hash, sections (ids), records, vectors, sentence vectors and
    owners}}, when the model and the format match."""
    try:
        manifest = json.loads((index_dir / MANIFEST).read_text())
        vectors = np.load(index_dir / VECTORS)
        sentence_vectors = np.load(index_dir / SENTENCE_VECTORS)
        records = [Section(**r) for r in json.loads((index_dir / "sections.json").read_text())]
    except (OSError, ValueError, TypeError):
        return {}
    if (
        manifest.get("format") != FORMAT
        or manifest.get("model") != embedder.name
        or manifest.get("dim") != embedder.dim
        or len(records) != len(vectors)
    ):
        return {}
    out = {}
    for path, rec in manifest.get("documents", {}).items():
        rows = rec.get("rows", [])
        sentence_rows = rec.get("sentence_rows", [])
        sentence_of = rec.get("sentence_of", [])
        example_rows = rec.get("example_rows", [])
        if (
            rows
            and max(rows) < len(vectors)
            and len(sentence_rows) == len(sentence_of)
            and (not sentence_rows or max(sentence_rows) < len(sentence_vectors))
        ):
            out[path] = {
                "hash": rec["hash"],
                "sections": rec["sections"],
                "records": [records[i] for i in rows],
                "vectors": vectors[rows],
                "sentence_vectors": sentence_vectors[sentence_rows],
                "sentence_of": sentence_of,
                "example_rows": example_rows,
            }
    return out


def _embed_document(sections: list[Section], embedder: Embedder) -> tuple[np.ndarray, np.ndarray, list[int], list[int]]:
    """Section vectors, sentence vectors (the sentences, then the example questions), for each the
    position of its section, and which of those rows are example questions."""
    sentence_texts: list[str] = []
    sentence_of: list[int] = []
    for i, sec in enumerate(sections):
        texts = sec.sentence_texts
        sentence_texts.extend(texts)
        sentence_of.extend([i] * len(texts))
    example_rows = []
    for i, sec in enumerate(sections):
        for question in sec.questions:
            # Embedded as a question, the way a candidate's question is (company name left out).
            example_rows.append(len(sentence_texts))
            sentence_texts.append(strip_company(question))
            sentence_of.append(i)
    vecs = embedder.encode([s.embed_text for s in sections] + sentence_texts)
    return vecs[: len(sections)], vecs[len(sections) :], sentence_of, example_rows


# Sections this close (cosine) say the same thing: the assistant cannot tell which one to answer with.
TOO_SIMILAR = 0.95


def near_duplicates(sections: list[Section], vectors: np.ndarray) -> list[Problem]:
    """Reported, not unloaded: both sections keep serving until a writer merges or rewrites them."""
    if len(sections) < 2:
        return []
    sims = vectors @ vectors.T
    out = []
    for i, j in zip(*np.where(np.triu(sims, k=1) >= TOO_SIMILAR), strict=True):
        a, b = sections[int(i)], sections[int(j)]
        out.append(
            Problem(
                a.doc,
                a.line,
                f"section '{a.heading}' is almost the same as '{b.heading}' in {b.doc} (similarity {sims[i, j]:.2f}); merge or reword them",
            )
        )
    return out


# An example question this much closer to another section's text than to its own is in the wrong place,
# when it reads like that section at all (below MISPLACED_FLOOR it is close to nothing, and a
# verdict between two low similarities is noise).
MISPLACED_MARGIN = 0.05
MISPLACED_FLOOR = 0.5


def misplaced_questions(
    sections: list[Section],
    vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    owner: np.ndarray,
    is_example: np.ndarray,
) -> list[Problem]:
    """Example questions that the text of another section matches better than their own: reported
    (the question keeps pulling its own section), so the writer moves it or makes the text say it."""
    rows = np.flatnonzero(is_example)
    if not len(rows) or len(sections) < 2:
        return []
    text_rows = np.flatnonzero(~is_example)
    qv = sentence_vectors[rows]
    # Each section's closeness to the question: its own vector or its closest sentence.
    best = qv @ vectors.T
    if len(text_rows):
        sims = qv @ sentence_vectors[text_rows].T
        for j, sec in enumerate(owner[text_rows]):
            best[:, sec] = np.maximum(best[:, sec], sims[:, j])
    out = []
    for n, row in enumerate(rows):
        own = int(owner[row])
        other = int(np.argmax(np.where(np.arange(len(sections)) == own, -2.0, best[n])))
        if best[n, other] >= MISPLACED_FLOOR and best[n, other] > best[n, own] + MISPLACED_MARGIN:
            sec, rival = sections[own], sections[other]
            question = sec.questions[int(np.sum((owner[:row] == own) & is_example[:row]))]
            out.append(
                Problem(
                    sec.doc,
                    sec.line,
                    f"example question {question!r} of '{sec.heading}' reads closer to '{rival.heading}' in "
                    f"{rival.doc} ({best[n, other]:.2f} against {best[n, own]:.2f}); move it, or say it in this section",
                )
            )
    return out


def build_index(
    knowledge_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    nlu_path: Path | None = None,
    labelled: tuple[Path, ...] = (),
    previous: KnowledgeIndex | None = None,
) -> KnowledgeIndex:
    """Load the documents, embed what changed since the last build, persist and return the index.

    Several API processes may share one index directory (the cluster set-up on one machine): an
    exclusive file lock makes them build one after the other; the later ones find the manifest
    current and embed nothing. The version is a hash of the content, so all agree on it.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    refit: Callable[[], None] | None = None
    with open(index_dir / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            index = _build_locked(knowledge_dir, index_dir, embedder)
            out_of_scope = nlu_examples(nlu_path, "out_of_scope") if nlu_path is not None else []
            index.speller = _speller(index, out_of_scope)
            if nlu_path is not None or index.not_covered.questions:  # else nothing is labelled uncovered
                refit = _learn_labelled_questions(
                    index, nlu_path, out_of_scope, index_dir, embedder, labelled, previous
                )
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if refit is not None:
        # Only once the rest is built: the refit (and, in a server that loaded kept models, sklearn's
        # import) competes for the GIL, and the writers' new text should not wait for it.
        threading.Thread(target=_logged(refit), name="coverage-refit", daemon=True).start()
    return index


def _logged(work: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            work()
        except Exception:  # the models of the index before keep serving
            log.exception("refitting the coverage and own-status models failed")

    return run


def _learn_labelled_questions(
    index: KnowledgeIndex,
    nlu_path: Path | None,
    out_of_scope: list[str],
    index_dir: Path,
    embedder: Embedder,
    labelled: tuple[Path, ...] = (),
    previous: KnowledgeIndex | None = None,
) -> Callable[[], None] | None:
    """The coverage and own-status models and the vocabulary (with the NLU data), and the known questions: every
    labelled question embedded once (as a question is searched) and cached by text. `out_of_scope`:
    NLU's out_of_scope examples, read once by the caller for the speller too. `labelled`: evaluation sets
    the team tunes on, whose candidates' questions the coverage model learns from as well. Returns the refit
    of the models to run once the index is built, when it serves the models of the index before meanwhile."""
    refit: Callable[[], None] | None = None
    questions = [q for sec in index.sections for q in sec.questions]
    asked = nlu_examples(nlu_path, "ask_hiring") if nlu_path is not None else []
    look_ups = nlu_examples(nlu_path, "check_my_status") if nlu_path is not None else []
    seen_covered, seen_uncovered, seen_look_ups = labelled_questions(list(labelled))

    same_glossary = previous is not None and previous.glossary.terms == index.glossary.terms
    index.query_texts = memo = previous.query_texts if same_glossary and previous is not None else {}

    def query_text(q: str) -> str:
        text = memo.get(q)
        if text is None:
            text = memo[q] = index.glossary.expand(strip_company(q))
        return text

    texts = list(
        dict.fromkeys(
            query_text(q)
            for q in asked
            + questions
            + out_of_scope
            + look_ups
            + list(index.not_covered.questions)
            + seen_covered
            + seen_uncovered
            + seen_look_ups
        )
    )
    table = dict(zip(texts, embedded(texts, embedder.encode, index_dir, embedder.name), strict=True))

    def vectors_of(some: list[str]) -> np.ndarray:
        return np.vstack([table[t] for t in some])

    if nlu_path is not None:
        coverage_data = (
            [query_text(q) for q in asked + questions + seen_covered],
            [query_text(q) for q in out_of_scope + seen_uncovered],
        )
        # The dev sets' look-ups too: leaving each set out in turn, at the level of 0.85, 460 of its 498
        # own-status requests against 432, and 3 of 2,526 other messages against 6 (docs/quality.md).
        own_status_data = (
            [query_text(q) for q in asked + questions + out_of_scope + seen_covered + seen_uncovered],
            [query_text(q) for q in look_ups + seen_look_ups],
        )
        index.vocabulary = _vocabulary(index, covered_examples(nlu_path))

        kept = index_dir / COVERAGE_MODEL, index_dir / OWN_STATUS_MODEL

        def fit() -> None:
            index.coverage = train(*coverage_data, vectors_of, store=kept[0])
            index.own_status = train(*own_status_data, vectors_of, store=kept[1])

        coverage = fitted(*coverage_data, vectors_of, store=kept[0])
        own_status = fitted(*own_status_data, vectors_of, store=kept[1])
        # The same data as a build before (in this process, or `make index`'s kept models).
        if coverage is not None and own_status is not None:
            index.coverage, index.own_status = coverage, own_status
        elif previous is None or previous.coverage is None:
            fit()
        else:
            # A rebuild after an edit of the example questions (or a deleted document): the new sections
            # are served at once with the models of the index before, and the models refitted on the new
            # questions (two seconds) replace them when ready; the writers see their text within seconds.
            index.coverage, index.own_status = previous.coverage, previous.own_status
            refit = fit
    index.known, found = build_known(
        asked + questions, out_of_scope, index.not_covered, set(questions), vectors_of, query_text
    )
    index.problems.extend(found)
    return refit


def _knowledge_texts(index: KnowledgeIndex) -> list[str]:
    """Every section's words (title, heading, text, example questions) and the glossary's."""
    texts = [f"{s.title} {s.heading} {s.text} {' '.join(s.questions)}" for s in index.sections]
    return texts + [f"{term} {meaning}" for term, meaning in index.glossary.terms.items()]


def _speller(index: KnowledgeIndex, out_of_scope: list[str]) -> Speller:
    """Corrections to the knowledge's words; common English words and the words of questions known to
    be uncovered ("reschedule") are never corrected (a candidate's examples of covered questions
    are not trusted for that: they include typos on purpose, "assesment")."""
    uncovered = [*index.not_covered.questions, *out_of_scope]
    return Speller.of(_knowledge_texts(index), [*uncovered, *english_words()])


def _vocabulary(index: KnowledgeIndex, examples: list[str]) -> frozenset[str]:
    texts = _knowledge_texts(index)
    return frozenset(stem(w) for text in texts + examples for w in tokenize(text))


def _build_locked(knowledge_dir: Path, index_dir: Path, embedder: Embedder) -> KnowledgeIndex:
    docs, problems = load_documents(knowledge_dir)
    glossary, glossary_problems = load_glossary(knowledge_dir)
    not_covered, not_covered_problems = load_not_covered(knowledge_dir)
    problems = problems + glossary_problems + not_covered_problems
    previous = _load_previous(index_dir, embedder)

    sections: list[Section] = []
    blocks: list[np.ndarray] = []
    sentence_blocks: list[np.ndarray] = []
    owners: list[int] = []
    examples: list[int] = []
    manifest_docs: dict[str, dict] = {}
    embedded = 0

    def add(
        path: str, content_hash: str, records: list[Section], vecs, sentence_vecs, sentence_of, example_rows
    ) -> None:
        start, sentence_start = len(sections), len(owners)
        sections.extend(records)
        blocks.append(vecs)
        sentence_blocks.append(sentence_vecs)
        owners.extend(start + i for i in sentence_of)
        examples.extend(sentence_start + r for r in example_rows)
        manifest_docs[path] = {
            "hash": content_hash,
            "sections": [s.id for s in records],
            "rows": list(range(start, len(sections))),
            "sentence_rows": list(range(sentence_start, len(owners))),
            "sentence_of": list(sentence_of),
            "example_rows": list(example_rows),
        }

    for doc in docs:
        prev = previous.get(doc.path)
        if prev and prev["hash"] == doc.content_hash and prev["sections"] == [s.id for s in doc.sections]:
            vecs, sentence_vecs = prev["vectors"], prev["sentence_vectors"]
            sentence_of, example_rows = prev["sentence_of"], prev["example_rows"]
        else:
            vecs, sentence_vecs, sentence_of, example_rows = _embed_document(doc.sections, embedder)
            embedded += 1
        add(doc.path, doc.content_hash, doc.sections, vecs, sentence_vecs, sentence_of, example_rows)
    # A file with problems is not loaded, but its last good version keeps serving until it is fixed
    # (a deleted file is gone for good).
    broken = {p.path for p in problems}
    kept = 0
    for path in sorted(broken - set(manifest_docs)):
        prev = previous.get(path)
        if prev is None or not (knowledge_dir / Path(path).relative_to("knowledge")).exists():
            continue
        add(
            path,
            prev["hash"],
            prev["records"],
            prev["vectors"],
            prev["sentence_vectors"],
            prev["sentence_of"],
            prev["example_rows"],
        )
        kept += 1
    vectors = np.vstack(blocks).astype(np.float32) if blocks else np.zeros((0, embedder.dim), np.float32)
    sentence_vectors = (
        np.vstack(sentence_blocks).astype(np.float32) if sentence_blocks else np.zeros((0, embedder.dim), np.float32)
    )
    sentence_owner = np.asarray(owners, dtype=np.int64)
    is_example = np.zeros(len(owners), dtype=bool)
    is_example[examples] = True
    problems = (
        problems
        + near_duplicates(sections, vectors)
        + misplaced_questions(sections, vectors, sentence_vectors, sentence_owner, is_example)
    )
    hashes = {p: d["hash"] for p, d in manifest_docs.items()}
    if glossary.terms:  # a new word for a term changes what questions find: a new version
        hashes[f"knowledge/{GLOSSARY_FILE}"] = hashlib.sha256(
            json.dumps(glossary.terms, sort_keys=True).encode()
        ).hexdigest()
    if not_covered.questions:  # so does a question listed as not covered
        hashes[f"knowledge/{NOT_COVERED_FILE}"] = hashlib.sha256(json.dumps(not_covered.questions).encode()).hexdigest()
    version = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:12]
    built_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    manifest = {
        "format": FORMAT,
        "model": embedder.name,
        "dim": embedder.dim,
        "version": version,
        "built_at": built_at,
        "documents": manifest_docs,
    }
    _atomic_save(index_dir / VECTORS, vectors)
    _atomic_save(index_dir / SENTENCE_VECTORS, sentence_vectors)
    _atomic_write(index_dir / "sections.json", json.dumps([dataclasses.asdict(s) for s in sections]).encode())
    _atomic_write(index_dir / MANIFEST, json.dumps(manifest, indent=1).encode())
    log.info(
        "knowledge index %s: %d documents, %d sections, %d re-embedded, %d problems",
        version,
        len(docs),
        len(sections),
        embedded,
        len(problems),
    )
    path_of = {d.id: d.path for d in docs}
    next_of = {d.path: path_of[d.next] for d in docs if d.next in path_of}
    lists_of = {d.path: [path_of[x] for x in d.lists if x in path_of] for d in docs if d.lists}
    audience_of = {d.path: d.audience for d in docs if d.audience}
    audience_first = frozenset(d.path for d in docs if d.audience_first)
    return KnowledgeIndex(
        sections,
        vectors,
        version,
        built_at,
        len(docs) + kept,
        problems,
        sentence_vectors,
        sentence_owner,
        is_example,
        glossary,
        next_of=next_of,
        lists_of=lists_of,
        audience_of=audience_of,
        audience_first=audience_first,
        in_order=frozenset(d.path for d in docs if d.in_order),
        not_covered=not_covered,
    )
