"""Feedback on one practice answer: its STAR parts with the sentences that tell them, what is missing,
"I" against "we" in the actions, whether the result is measured, its length and speaking time, the
principles it may speak to (with the words that suggest them), and what kind of answer it is.

Nothing here scores the candidate: every figure is something they can see in their own words.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from api.practice.bank import Bank
from api.practice.cues import Cues, cues, is_closer, is_opener, split_sentences, words
from api.practice.dataset import ROLE_NAMES
from api.practice.roles import Encoder, RoleModel

# A two-minute answer is about 250-350 words: spoken at about 150 words a minute.
WORDS_PER_MINUTE = 150
SHORT_ANSWER_WORDS = 150
LONG_ANSWER_WORDS = 400
# Fewer words or sentences than this is not yet a story (the page asks for specific examples).
MIN_STORY_WORDS = 20
MIN_STORY_SENTENCES = 2
MAX_PRINCIPLES = 3
# A task or action sentence at least this likely to be the result counts for a measured result
# (chosen on cross-validation over train+dev: `python -m api.practice measure`).
RESULT_CHANCE = 0.2
# When the decoding found no result, a last sentence at least this likely to tell it is the result all the
# same ("I won the account back and I was promoted" reads like one more action): most stories end with one
# (chosen on cross-validation over train+dev: `python -m api.practice measure`).
LAST_RESULT_CHANCE = 0.3
PARTS = ("situation", "task", "action", "result")

SUGGESTIONS = {
    "situation": "Start with one or two sentences that set the scene: where you were, when, and what was going on.",
    "task": 'Say what you were responsible for or asked to achieve, for example "My job was to ...".',
    "action": 'Describe the steps you took yourself, one by one, with "I": what you did and why.',
    "result": "End with what happened in the end because of what you did, and what you learned.",
    "quantified": "Make the result measurable if you can: a number, a percentage, time or money saved.",
    "we": 'Most of your actions say "we": say what you did yourself, with "I", so the interviewer can see your part.',
    "short": "At about {words} words this takes about {seconds} seconds to say; a two-minute answer is about 250-350 words, so there is room for more detail.",
    "long": "At about {words} words this takes about {seconds} seconds to say; a two-minute answer is about 250-350 words, so consider trimming the scene-setting.",
}
NOT_A_STORY = {
    "hypothetical": "This answer says what you would do rather than what you did. Interviewers ask for a specific example: tell one real time it happened, in the past tense.",
    "self_description": "This answer describes you rather than telling what happened. Interviewers ask for a specific example: pick one real time that shows it, and tell it as a story.",
    "too_short": "This is too short to be a story yet. Tell one specific example: the situation, your task, what you did and how it turned out.",
}


@dataclass
class Review:
    parts: dict[str, list[str]]
    missing: list[str]
    first_person: dict[str, int]
    quantified_result: bool
    words: int
    speaking_seconds: int
    kind: str
    principles: list[dict[str, object]]
    suggestions: list[str]
    roles: list[str] = field(default_factory=list)  # per sentence (S T A R, or O: an opener, not a story)

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out.pop("roles")
        return out


def answer_kind(sentence_cues: list[Cues], n_words: int) -> str:
    """story, or why it is not one: a story is told in the past tense about what happened."""
    n = len(sentence_cues)
    # Told: in the past tense, and not what the teller would do ("a colour that I knew would damage her
    # hair" is told; "I would call the customer" is not).
    told = sum(c.past > 0 and not c.modal_subject for c in sentence_cues)
    modal = sum(c.modal for c in sentence_cues)
    described = sum(c.self_description for c in sentence_cues)
    if n_words < MIN_STORY_WORDS or n < MIN_STORY_SENTENCES:
        # Two short sentences that only describe oneself (or only say what one would do) are named
        # for what they are: that tells the candidate more than "too short".
        if n >= MIN_STORY_SENTENCES and all(c.modal or c.self_description for c in sentence_cues):
            return "hypothetical" if modal >= described else "self_description"
        return "too_short"
    if told >= max(2, (n + 1) // 2):
        return "story"
    if told >= 2 and told >= modal and told >= described:
        return "story"
    return "hypothetical" if modal >= described and modal > 0 else "self_description"


def principles_in(text: str, bank: Bank, limit: int = MAX_PRINCIPLES) -> list[dict[str, object]]:
    """Principles whose words occur in the answer, most words first: a suggestion with its evidence."""
    lowered = " ".join(words(text))
    found = []
    for p in bank.principles:
        evidence = [w for w in p.words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", lowered)]
        if evidence:
            found.append((len(evidence), p.name, evidence))
    found.sort(key=lambda x: -x[0])
    return [{"name": name, "evidence": evidence} for _, name, evidence in found[:limit]]


def review(answer: str, model: RoleModel, encoder: Encoder | None, bank: Bank) -> Review:
    sentences = split_sentences(answer)
    sentence_cues = [cues(s) for s in sentences]
    n_words = len(words(answer))
    seconds = round(n_words * 60 / WORDS_PER_MINUTE)
    # "Sure!" or "Hi, thanks for the question." before the story: no STAR part, and not a sentence
    # that counts for or against the answer being a story.
    opening = 0
    while opening < len(sentences) - 1 and is_opener(sentences[opening]):
        opening += 1
    # "Thanks!" or "Hope that helps." after the story: no STAR part either.
    end = len(sentences)
    while end > opening + 1 and is_closer(sentences[end - 1]):
        end -= 1
    kind = answer_kind(sentence_cues[opening:end], n_words)
    parts: dict[str, list[str]] = {p: [] for p in PARTS}
    if kind != "story":
        i = sum(c.i for c in sentence_cues)
        we = sum(c.we for c in sentence_cues)
        return Review(
            parts,
            list(PARTS),
            {"i": i, "we": we},
            False,
            n_words,
            seconds,
            kind,
            [],
            [NOT_A_STORY[kind]],
            ["O"] * len(sentences),
        )
    told, result_chances = model.roles_and_result_chances(sentences[opening:end], encoder)
    if "R" not in told and len(told) >= 2 and told[-1] in ("T", "A") and result_chances[-1] >= LAST_RESULT_CHANCE:
        told[-1] = "R"
    closing = len(sentences) - end
    roles = ["O"] * opening + told + ["O"] * closing
    result_chances = [0.0] * opening + result_chances + [0.0] * closing
    for sentence, role in zip(sentences, roles, strict=True):
        if role != "O":
            parts[ROLE_NAMES[role]].append(sentence)
    missing = [p for p in PARTS if not parts[p]]
    # "I" against "we" where it matters, in what the candidate did; the whole answer if no action was found.
    acting = [c for c, r in zip(sentence_cues, roles, strict=True) if r == "A"] or sentence_cues
    i = sum(c.i for c in acting)
    we = sum(c.we for c in acting)
    # The result measured: an amount in a result sentence, or in a task or action sentence the model
    # finds fairly likely to tell the result all the same ("On the night twelve tables were
    # double-booked" read as the task): the amount is the outcome whichever role won the decoding.
    quantified = any(
        c.quantity and (r == "R" or (r in ("T", "A") and p >= RESULT_CHANCE))
        for c, r, p in zip(sentence_cues, roles, result_chances, strict=True)
    )
    suggestions = [SUGGESTIONS[p] for p in missing]
    if we > i:
        suggestions.append(SUGGESTIONS["we"])
    if parts["result"] and not quantified:
        suggestions.append(SUGGESTIONS["quantified"])
    if n_words < SHORT_ANSWER_WORDS:
        suggestions.append(SUGGESTIONS["short"].format(words=n_words, seconds=seconds))
    elif n_words > LONG_ANSWER_WORDS:
        suggestions.append(SUGGESTIONS["long"].format(words=n_words, seconds=seconds))
    return Review(
        parts,
        missing,
        {"i": i, "we": we},
        quantified,
        n_words,
        seconds,
        kind,
        principles_in(answer, bank),
        suggestions,
        roles,
    )
