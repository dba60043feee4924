"""Hybrid ranking (cosine + a small BM25 term) and the answer / clarify / fallback decision."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from api.knowledge.context import Context
from api.knowledge.documents import Section
from api.knowledge.embedder import Embedder
from api.knowledge.index import KnowledgeIndex, strip_company, tokenize, without_recall


@dataclass(frozen=True)
class Passage:
    id: str
    doc: str
    title: str
    heading: str
    text: str
    url: str | None
    score: float
    cosine: float
    # The writer's example question that set the section's score, if one did (for the preview).
    matched_example: str | None = None

    @classmethod
    def of(cls, section: Section, score: float, cosine: float, matched_example: str | None = None) -> Passage:
        return cls(
            section.id,
            section.doc,
            section.title,
            section.heading,
            section.text,
            section.url,
            score,
            cosine,
            matched_example,
        )


@dataclass(frozen=True)
class Params:
    bm25_weight: float
    answer_threshold: float
    combine_margin: float
    clarify_margin: float
    clarify_ceiling: float
    whole_doc_chars: int = 0
    uncovered_override: float = 1.0
    sentence_weight: float = 0.0
    example_weight: float = 1.0
    # Refuse when the coverage model's P(uncovered) reaches this (1.0: never), and when NLU also
    # judged the question uncovered, this.
    refuse_above: float = 1.0
    refuse_above_when_flagged: float = 1.0
    # Two topics tie (a "did you mean") but the coverage model finds the question more likely uncovered
    # than this: refused instead of offering two guesses (1.0: never).
    clarify_refuse_above: float = 1.0
    # NLU's "out of scope" is set aside when the coverage model's P(uncovered) is below this (0: never).
    flag_overruled_below: float = 0.0
    # Refuse from this P(uncovered) when the question has a word nothing in the knowledge uses (1.0: as
    # any other question).
    refuse_above_with_unknown_word: float = 1.0
    # Refuse a question worded like a question the knowledge does not answer: its closest labelled
    # question is a not-covered one at this cosine at least (above 1.0: never), closer than every
    # covered one by the margin (api/knowledge/not_covered.py).
    known_uncovered_above: float = 2.0
    known_uncovered_margin: float = 0.0
    # The same for a follow-up answered from the conversation's topic ("do they have the final say?"
    # after the bar raiser's answer): its own words are all there is to compare (above 1.0: never).
    known_uncovered_follow_up_above: float = 2.0
    # ...and read with its topic's title ("AWS Talent Network: can i unsubscribe later").
    known_uncovered_in_topic_above: float = 2.0
    # A question whose best match scores below weak_match_below is refused from this P(uncovered)
    # (1.0: as any other question): a weak match and a doubtful coverage together.
    weak_match_below: float = 0.0
    refuse_above_when_weak: float = 1.0


@dataclass
class Decision:
    # "status": a request to look up the candidate's own application, for the dialogue tier's look-up.
    kind: Literal["answer", "clarify", "fallback", "status"]
    passages: list[Passage] = field(default_factory=list)  # what to answer with, or the options
    ranked: list[Passage] = field(default_factory=list)  # top candidates, for previews and logs
    query: str = ""
    uncovered: float | None = None  # the coverage model's P(uncovered), for previews
    context: Context | None = None  # the conversation's state after this turn (when it sent one)
    unknown: tuple[str, ...] = ()  # words nothing in the knowledge uses, when they led to the refusal
    known: str | None = None  # the not-covered question it is worded like, when that led to the refusal
    own_status: float | None = None  # P(a look-up of the candidate's own application), when computed
    # The follow-up model's P(the answering section does not answer it), when computed (follow_ups.py).
    follow_up: float | None = None
    # The answer just given explained again, as the candidate asked ("what do you mean by X?", "say it
    # simpler"), or the section a rule chose by what it names (whom to consult): no guess for the
    # follow-up model to judge.
    explained: bool = False
    # That answer is the section just given, given again as asked: the page has no other wording of it.
    repeated: bool = False
    # Of a message asking several questions, those the knowledge does not answer (api/knowledge/several.py).
    unanswered: tuple[str, ...] = ()


def search_text(index: KnowledgeIndex, query: str) -> str:
    """What is embedded and matched for a question: spelt right, without the company's name, and with
    the meaning of the candidates' own terms the glossary knows ("the OA (online assessment)"), and
    without the words of recalling it ("what were the types again")."""
    return index.glossary.expand(strip_company(without_recall(index.speller.correct(query))))


# "Besides the work style one, what's the other assessment?": the phrase after the cue names what the
# candidate does NOT want, yet it is the strongest match for the whole question.
_EXCLUDING = re.compile(
    r"\b(?:besides|apart from|aside from|other than|except for|except)\s+((?:[\w'-]+\s*){1,5}?)\s*(?:[,;?.!]|$)",
    re.IGNORECASE,
)
_FILLER = frozenset({"one", "ones", "thing", "things", "part", "bit", "stuff", "already", "other", "just"})
EXCLUDED_PENALTY = 0.5
# A topic written for an audience ("software developers", "students") is pushed down for a question
# that names none of its audience's words: "how should I prep for the interviews?" is everyone's
# question, and the developers' extra guide answered it above the general advice (0.70 against 0.61; 0.71 against 0.57 after "ok then").
AUDIENCE_PENALTY = 0.15
# ...and a topic whose front matter says `audience_first: true` goes up for a question naming its
# audience: "I work for the state govt, anything I need to do before talking to recruiters?" found the
# recruiters' tips first (0.62 against 0.55). Replaying the dev sets with a bonus for every audience,
# 0.05 / 0.1 moved 3 / 5 questions to the government employees' and students' topics, and 2 wrongly
# to the developers' guide, whose audience is what candidates apply for (hence the writers' switch).
AUDIENCE_FIRST_BONUS = 0.1
# "applying to both SDE and data engineer, does it look bad?", "applied to SDE and also a support role":
# the role named is one of several applied for, so the question is about applying to several, not for
# the audience of what is applied to (the developers' guide answered five dev questions worded so, by
# up to 0.12 above the penalty for naming no audience: such a question goes down as an excluded one).
_SEVERAL_ROLES = re.compile(
    r"\b(?:appl(?:y|ied|ying)|interview(?:ing|ed)?)\s+(?:to|for)\s+(?:both\b"
    r"|(?:an?\s+)?[\w/-]+(?:\s+[\w/-]+){0,3}?\s+and\s+(?:also\s+)?(?:to\s+|for\s+)?(?:an?\s+)?"
    # (not "applied to sde and got an OA": a clause after "and" is not a second role)
    r"(?!(?:i|im|i'm|got|get|then|now|was|it|they|have|had|did|do|am|heard|still|need|want|will|would|should"
    r"|can|is|are|what|how|when|why|my|me|never|haven't|havent|just)\b)[\w/-]+)",
    re.IGNORECASE,
)


def excluded_words(query: str) -> set[str]:
    """Content words of the thing a question sets aside ("besides X", "other than X", "apart from X")."""
    match = _EXCLUDING.search(query)
    if not match:
        return set()
    return set(tokenize(match.group(1))) - _FILLER


def rank(
    index: KnowledgeIndex,
    embedder: Embedder,
    query: str,
    bm25_weight: float,
    k: int = 5,
    sentence_weight: float = 0.0,
    qvec: np.ndarray | None = None,
    example_weight: float = 1.0,
) -> list[Passage]:
    """The k best sections. A section's similarity is its own cosine, raised towards the cosine of its
    closest sentence when that is higher: max(cos, (1 - w) * cos + w * best sentence). `qvec` is the
    query's vector when the caller already has it (`embedder.encode([search_text(index, query)])`)."""
    if not index.sections:
        return []
    text = search_text(index, query)
    if qvec is None:
        qvec = embedder.encode([text])
    n = len(index.sections)
    sims, ids = index.faiss.search(qvec, n)
    cos = np.empty(n, dtype=float)
    cos[ids[0]] = sims[0]
    owner = index.sentence_owner
    by_example: np.ndarray | None = None  # sections whose score an example question set
    order_sims: np.ndarray | None = None
    if sentence_weight and owner is not None and len(owner):
        ssims, sids = index.sentence_faiss.search(qvec, len(owner))
        order_sims = np.empty(len(owner))
        order_sims[sids[0]] = ssims[0]
        examples = index.sentence_is_example
        text_rows = ~examples if examples is not None else np.ones(len(owner), dtype=bool)
        best = np.full(n, -1.0)
        np.maximum.at(best, owner[text_rows], order_sims[text_rows])
        lifted = np.maximum(cos, (1 - sentence_weight) * cos + sentence_weight * best)
        if example_weight and examples is not None and examples.any():
            # A writer's example question asked in other words: matched question to question, its
            # closeness scaled down (a question near an example is not always a paraphrase of it).
            asked = np.full(n, -1.0)
            np.maximum.at(asked, owner[examples], order_sims[examples])
            from_example = (1 - sentence_weight) * cos + sentence_weight * example_weight * asked
            by_example = from_example > lifted
            lifted = np.maximum(lifted, from_example)
        cos = lifted
    bm = np.asarray(index.bm25.get_scores(tokenize(text)), dtype=float) if bm25_weight else np.zeros_like(cos)
    scores = cos + bm25_weight * bm
    several_roles = _SEVERAL_ROLES.search(query) is not None
    for pattern, rows, first in index.audiences:
        # The candidate's own words or the glossary's meaning of them ("city (location) employee").
        if several_roles and not first:
            # One of the roles applied for names the audience; the question is about applying to
            # several, which a topic for one audience never answers (it ranked 0.12 above them).
            scores[rows] -= EXCLUDED_PENALTY
        elif not (pattern.search(query) or pattern.search(text)):
            scores[rows] -= AUDIENCE_PENALTY
        elif first:
            scores[rows] += AUDIENCE_FIRST_BONUS
    excluded = excluded_words(query)
    if excluded:
        # Topics whose title names the excluded thing go down the list (never out of it).
        hit = np.array([excluded <= words for words in index.title_words])
        if hit.any() and not hit.all():
            scores = scores - EXCLUDED_PENALTY * hit
    order = np.argsort(-scores)[:k]
    return [
        Passage.of(
            index.sections[i],
            float(scores[i]),
            float(cos[i]),
            _example_of(index, int(i), order_sims) if by_example is not None and by_example[i] else None,
        )
        for i in order
    ]


def _example_of(index: KnowledgeIndex, section: int, sims: np.ndarray | None) -> str | None:
    """The section's example question closest to the query (its rows are in the order listed)."""
    if sims is None or index.sentence_owner is None or index.sentence_is_example is None:
        return None
    rows = np.flatnonzero((index.sentence_owner == section) & index.sentence_is_example)
    questions = index.sections[section].questions
    if not len(rows) or len(rows) != len(questions):
        return None
    return questions[int(np.argmax(sims[rows]))]


def decide(
    ranked: list[Passage],
    p: Params,
    doc_sections: dict[str, list[Section]] | None = None,
    likely_uncovered: bool = False,
    uncovered: float | None = None,
    tie_break: Callable[[Passage, Passage], Passage | None] | None = None,
    unknown: tuple[str, ...] = (),
    known: str | None = None,
) -> Decision:
    """Answer with the best section (with its close neighbours from the same document, or the whole
    document when it is short), ask which one was meant when two documents tie, or fall back when
    nothing is close enough. A question NLU judged uncovered needs a much closer match: uncovered
    in-domain questions score as high as real paraphrases (notes/retrieval.md), so only a strong
    match (meaning and key words) overrides NLU. `tie_break` may settle a near tie between two
    documents by naming the one that clearly answers the question (None: ask). `known`: the
    not-covered question this one is worded like (api/knowledge/not_covered.py): refused."""
    if not ranked or ranked[0].score < p.answer_threshold:
        return Decision("fallback", [], ranked, uncovered=uncovered)
    if known is not None:
        return Decision("fallback", [], ranked, uncovered=uncovered, known=known)
    if likely_uncovered and uncovered is not None and uncovered < p.flag_overruled_below:
        # NLU reads only the words; the coverage model reads them and the meaning, and has learnt the
        # writers' example questions too: when it is sure the page covers the question ("what method
        # should I use to structure my interview stories?"), NLU's flag is set aside.
        likely_uncovered = False
    if likely_uncovered and ranked[0].score < p.uncovered_override:
        return Decision("fallback", [], ranked, uncovered=uncovered)
    refuse_at = p.refuse_above_when_flagged if likely_uncovered else p.refuse_above
    if unknown:  # a word nothing here speaks of ("can I do my interviews in spanish?")
        refuse_at = min(refuse_at, p.refuse_above_with_unknown_word)
    if ranked[0].score < p.weak_match_below:  # "do new hires get a mac or windows laptop?" near nothing
        refuse_at = min(refuse_at, p.refuse_above_when_weak)
    if uncovered is not None and uncovered >= refuse_at:
        return Decision("fallback", [], ranked, uncovered=uncovered, unknown=unknown)
    best = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    if (
        runner is not None
        and runner.doc != best.doc
        and best.score - runner.score <= p.clarify_margin
        and best.score < p.clarify_ceiling
    ):
        if uncovered is not None and uncovered >= p.clarify_refuse_above:
            # A tie between two unrelated topics on a question that looks uncovered ("once I get an
            # offer, how long do I have to accept?" between hearing back and applying): neither would
            # answer it, so the honest reply is the refusal and the offer of a person.
            return Decision("fallback", [], ranked, uncovered=uncovered)
        settled = tie_break(best, runner) if tie_break is not None else None
        if settled is None:
            return Decision("clarify", [best, runner], ranked, uncovered=uncovered)
        if settled is runner:
            best = runner
            ranked = [runner] + [x for x in ranked if x is not runner]
    siblings = (doc_sections or {}).get(best.doc, [])
    if siblings and sum(len(s.text) for s in siblings) <= p.whole_doc_chars:
        # A short topic file reads as one answer; its sections in document order.
        scored = {x.id: x for x in ranked}
        chosen = [scored.get(s.id) or Passage.of(s, 0.0, 0.0) for s in siblings]
        chosen.sort(key=lambda x: x.id != best.id)
        return Decision("answer", chosen, ranked, uncovered=uncovered)
    chosen = [best] + [x for x in ranked[1:3] if x.doc == best.doc and best.score - x.score <= p.combine_margin]
    return Decision("answer", chosen, ranked, uncovered=uncovered)


_FOLLOW_UP = re.compile(
    r"^(and|also|what about|how about|so|then|ok|okay)\b|\b(it|that|this|those|these|they|them|one|there)\b",
    re.IGNORECASE,
)


def looks_like_follow_up(query: str) -> bool:
    """Short questions that lean on what was said before ("how long does that take?")."""
    words = query.split()
    return len(words) <= 8 and bool(_FOLLOW_UP.search(query))
