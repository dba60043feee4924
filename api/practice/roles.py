"""The STAR role of each sentence of an answer: a logistic regression on the sentence's MiniLM
embedding and its cues (api/practice/cues.py), decoded in story order.

The weights are fitted on eval/practice/train*.yaml (dataset.TRAINING) by `python -m api.practice train` and kept in
api/practice/roles.npz (a few kilobytes), so the service only loads them. Decoding keeps the roles
in the order a story is told (situation, task, action, result: each sentence's role is the same as
or later than the one before), choosing the most probable such sequence: it removes the single
stray "result" in the middle of the actions that per-sentence guesses make (measured: docs/practice.md).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from api.practice.cues import acts_after_clause, cues, duty_first, names_task, scene_clause
from api.practice.dataset import ROLES

WEIGHTS = Path(__file__).resolve().parent / "roles.npz"
# The cues count this many times the weight of one embedding dimension's unit: the embedding has
# 384 dimensions of small values, the cues 11 of values up to 1 (tuned on eval/practice/dev.yaml).
CUE_SCALE = 1.0


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


WORD_FEATURES = 2**12
# The least probability of a scene for a second or third sentence to be the situation when the decoding in
# story order found none (chosen on cross-validation over train+dev: `python -m api.practice measure`).
LATE_SITUATION_CHANCE = 0.8
# The least probability of a scene for an opening sentence told as "I <did> X that/where/because <trouble>"
# ("I organised a wedding where the caterer cancelled", "I pushed a change that broke the checkout page") to be
# the situation when the decoding found none (the README's scene convention; cross-validation over train+dev).
FIRST_SCENE_CHANCE = 0.3


@lru_cache(maxsize=1)
def word_hasher() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    # Words and word pairs, hashed (no vocabulary to keep): "my job was", "went down", "i would".
    return HashingVectorizer(
        n_features=WORD_FEATURES, ngram_range=(1, 2), alternate_sign=False, norm="l2", lowercase=True
    )


def features(sentences: list[str], vectors: np.ndarray | None, use_words: bool = False) -> np.ndarray:
    """One row per sentence: its embedding (if any), its hashed words (if asked) and its cues with
    its place in the answer."""
    n = len(sentences)
    rows = [cues(s).vector(i / (n - 1) if n > 1 else 0.0, i == 0, i == n - 1) for i, s in enumerate(sentences)]
    blocks = [np.asarray(rows, dtype=np.float32).reshape(n, -1) * CUE_SCALE]
    if use_words:
        blocks.insert(0, word_hasher().transform(sentences).toarray().astype(np.float32))
    if vectors is not None:
        blocks.insert(0, np.asarray(vectors, dtype=np.float32))
    return np.hstack(blocks)


def in_story_order(log_probs: np.ndarray) -> list[int]:
    """The most probable sequence of role indices that never goes back (Viterbi on a chain where a
    role may stay or move to any later one)."""
    n, k = log_probs.shape
    if n == 0:
        return []
    best = log_probs[0].copy()
    back = np.zeros((n, k), dtype=np.int64)
    for t in range(1, n):
        # best_upto[j]: the best score of a prefix ending in any role <= j.
        arg = np.zeros(k, dtype=np.int64)
        running, running_arg = best[0], 0
        upto = np.empty(k)
        for j in range(k):
            if best[j] > running:
                running, running_arg = best[j], j
            upto[j], arg[j] = running, running_arg
        back[t] = arg
        best = upto + log_probs[t]
    path = [int(np.argmax(best))]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t][path[-1]]))
    return path[::-1]


# "When I started, I noticed the calls took nine minutes": noticing tells the scene, not a step taken.
_NOTICING = frozenset({"noticed", "saw", "realised", "realized", "found", "heard", "learned", "learnt", "discovered"})


def opens_with_noticing(sentence: str) -> bool:
    """The main clause after a leading clause is "I noticed / saw / realised ...": a scene, not an action."""
    rest = sentence.partition(",")[2]
    ws = rest.lower().split()
    return len(ws) >= 2 and ws[0] in ("i", "we") and (ws[1] in _NOTICING or (len(ws) > 2 and ws[2] in _NOTICING))


# "I created a shared calendar because people kept double-booking the rooms": why something was done is told
# with the action (labelled `A`), unlike "I organised a wedding where the caterer cancelled" (`S`).
# The first clause word decides ("where ... because ..." is still a scene clause).
_WHY_CLAUSE = re.compile(r"^(?:(?!\b(?:when|where|whose|while|that|who|which)\b).)*?\b(because|as|but|so)\b", re.I)


# "I noticed the fire exit was blocked", "basically i noticed we were throwing away parts": with nothing before
# it, noticing is the first step taken (every such opening in train and dev is labelled `A`); "When I started,
# I noticed ...", "I found myself alone on the ward" and "I saw an elderly man struggling" may still be the scene.
_NOTICES_FIRST = re.compile(
    r"^(?:(?:so|basically|well|and|ok|okay|honestly)[ ,]+)*(?:i|we) (?:\w+ )?"
    r"(?:noticed|realised|realized|found|discovered|spotted)\b"
    r"(?! (?:myself|ourselves)\b)",
    re.I,
)


@dataclass(frozen=True)
class RoleModel:
    coef: np.ndarray  # (roles, features)
    intercept: np.ndarray  # (roles,)
    uses_embeddings: bool
    ordered: bool = True
    uses_words: bool = False
    # Added to each role's log-probability before decoding (S T A R). Almost every training answer
    # opens with a scene, so the fitted model reads a first sentence as one too readily; a negative
    # offset on S asks for more evidence (chosen on the dev part: `python -m api.practice train --compare`).
    offsets: np.ndarray | None = None

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> RoleModel:
        with np.load(path) as data:
            return cls(
                data["coef"],
                data["intercept"],
                bool(data["uses_embeddings"]),
                bool(data["ordered"]),
                bool(data["uses_words"]),
                data.get("offsets"),
            )

    def save(self, path: Path = WEIGHTS) -> None:
        np.savez(
            path,
            coef=self.coef,
            intercept=self.intercept,
            uses_embeddings=self.uses_embeddings,
            ordered=self.ordered,
            uses_words=self.uses_words,
            offsets=self.offsets if self.offsets is not None else np.zeros(len(ROLES), dtype=np.float32),
        )

    def with_offsets(self, **by_role: float) -> RoleModel:
        """The same weights with log-probability offsets for some roles (S=-1.0: fewer situations)."""
        offsets = np.zeros(len(ROLES), dtype=np.float32)
        for role, value in by_role.items():
            offsets[ROLES.index(role)] = value
        return replace(self, offsets=offsets)

    @property
    def version(self) -> str:
        offsets = self.offsets.tobytes() if self.offsets is not None and self.offsets.any() else b""
        return hashlib.sha256(self.coef.tobytes() + self.intercept.tobytes() + offsets).hexdigest()[:12]

    def log_probs(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.coef.T + self.intercept
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def decoding_scores(self, x: np.ndarray) -> np.ndarray:
        """Each sentence's log-probabilities of the roles, with the offsets the decoding uses."""
        lp = self.log_probs(x)
        return lp + self.offsets if self.offsets is not None else lp

    def roles(self, sentences: list[str], encoder: Encoder | None) -> list[str]:
        """One of S T A R for each sentence."""
        return self.roles_and_result_chances(sentences, encoder)[0]

    def roles_and_result_chances(self, sentences: list[str], encoder: Encoder | None) -> tuple[list[str], list[float]]:
        """One of S T A R for each sentence, and each sentence's probability of telling the result
        before the decoding chose one role."""
        if not sentences:
            return [], []
        vectors = encoder.encode(sentences) if self.uses_embeddings and encoder is not None else None
        lp = self.log_probs(features(sentences, vectors, self.uses_words))
        scores = lp + self.offsets if self.offsets is not None else lp
        # The opening sentence is never the scene when its main clause is what the person did ("When a customer
        # emailed that her order was broken, I sent a replacement") or the duty with no more than a time before
        # it ("Last spring my manager asked me to ...", "My job was to ... during a staff shortage"): the README's
        # rules for A and T.
        first = sentences[0]
        never_scene = (
            (acts_after_clause(first) and not opens_with_noticing(first))
            or duty_first(first)
            or bool(_NOTICES_FIRST.match(first.strip()))
        )
        if never_scene:
            scores = scores.copy()
            scores[0, ROLES.index("S")] = -np.inf
        idx = in_story_order(scores) if self.ordered else [int(i) for i in scores.argmax(axis=1)]
        roles = [ROLES[i] for i in idx]
        # A scene told just after the task or a first action ("My manager asked me to cut returns. At the
        # time one order in eight came back."): story order would make it an action. When the decoding
        # found no situation, the second or third sentence is the situation if it is very likely one.
        if "S" not in roles:
            chances = np.exp(lp[:, ROLES.index("S")])
            # An opening action whose clause tells what was going wrong is the scene the story starts from, when
            # the classifier already leans that way; never a sentence that names the duty.
            if (
                roles[0] == "A"
                and not never_scene
                and scene_clause(first)
                and not _WHY_CLAUSE.search(first)
                and not names_task(first)
                and chances[0] >= FIRST_SCENE_CHANCE
            ):
                roles[0] = "S"
            for i in range(1 if roles[0] != "S" else len(roles), min(3, len(roles))):
                if roles[i] in ("T", "A") and chances[i] >= LATE_SITUATION_CHANCE:
                    roles[i] = "S"
                    break
        return roles, [float(p) for p in np.exp(lp[:, ROLES.index("R")])]


def fit(
    sentences: list[list[str]],
    roles: list[list[str]],
    encoder: Encoder | None,
    c: float = 4.0,
    ordered: bool = True,
    use_words: bool = False,
) -> RoleModel:
    """Fits the classifier on labelled answers (each a list of sentences and their S/T/A/R roles)."""
    from sklearn.linear_model import LogisticRegression

    xs: list[np.ndarray] = []
    ys: list[int] = []
    for sents, labels in zip(sentences, roles, strict=True):
        vectors = encoder.encode(sents) if encoder is not None else None
        xs.append(features(sents, vectors, use_words))
        ys.extend(ROLES.index(r) for r in labels)
    clf = LogisticRegression(C=c, max_iter=5000)
    clf.fit(np.vstack(xs), np.asarray(ys))
    if list(clf.classes_) != list(range(len(ROLES))):
        raise ValueError("the training set needs sentences of every role")
    return RoleModel(
        clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32), encoder is not None, ordered, use_words
    )
