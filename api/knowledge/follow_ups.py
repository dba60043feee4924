"""Does the topic answer this follow-up? A small model on the follow-up and the section it would get.

In a conversation, a follow-up is searched within its topic (api/knowledge/service.py), and the rules
there refuse one whose words the topic does not state. What they miss is the follow-up whose words
the topic does state while it asks something the topic does not say: "can u list them" after the
recruiters' 11 tips (the page names the number, not the tips), "is there a right answer?" after the
work style assessment's example, "how many people are on that call" after the phone interview. The
coverage model (coverage.py) learns from questions on their own, and a follow-up leans on its topic.

This model reads the pair: a logistic regression on the follow-up's vector (what it asks), the
element-wise product of that vector and the answering section's (which of the section's meanings the
question shares), the coverage model's log-odds and the cosine of the two. It is fitted on the dev
conversation sets' follow-ups that the knowledge service answers (labelled: the turn expects an
answer, or a refusal), by `python -m api.knowledge follow-ups`, which chooses the level to refuse above
by leaving each dev file out in turn and writes api/knowledge/follow_ups.npz (a few kilobytes): the
service only loads it. Everything it needs, the search has computed already: no extra embedding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from api.knowledge.coverage import logistic
from api.knowledge.logistic import fit_balanced

WEIGHTS = Path(__file__).resolve().parent / "follow_ups.npz"
# The product's entries are a 384th of a cosine each: scaled up so one regularisation suits both blocks.
PAIR_SCALE = 5.0
# The regularisation, chosen by leaving each dev conversation file out in turn (docs/quality.md).
C = 8.0


def log_odds(p: float) -> float:
    p = min(max(p, 1e-6), 1.0 - 1e-6)
    return math.log(p / (1.0 - p))


def features(qvecs: np.ndarray, svecs: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """One row per follow-up: its vector, its product with the section's, the coverage model's log-odds
    of P(uncovered) (`covered`: those probabilities) and the cosine of the two vectors."""
    q = np.asarray(qvecs, dtype=np.float64)
    s = np.asarray(svecs, dtype=np.float64)
    odds = np.array([log_odds(float(p)) for p in np.asarray(covered).reshape(-1)])
    cos = np.einsum("ij,ij->i", q, s)
    return np.hstack([q, q * s * PAIR_SCALE, odds[:, None], cos[:, None]])


@dataclass(frozen=True)
class FollowUpModel:
    weights: np.ndarray  # over features(): 2 * dim + 2
    bias: float
    threshold: float  # refuse above this P(uncovered)

    def uncovered(self, qvec: np.ndarray, svec: np.ndarray, p_uncovered: float) -> float:
        """P(the topic does not answer it) for one follow-up's unit vector, its section's and the
        coverage model's P(uncovered) of the follow-up."""
        q = np.asarray(qvec, dtype=np.float64).reshape(-1)
        s = np.asarray(svec, dtype=np.float64).reshape(-1)
        dim = q.shape[0]
        w = self.weights
        z = (
            float(q @ w[:dim])
            + float((q * s) @ w[dim : 2 * dim]) * PAIR_SCALE
            + log_odds(p_uncovered) * float(w[2 * dim])
            + float(q @ s) * float(w[2 * dim + 1])
            + self.bias
        )
        return logistic(z)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """P(uncovered) of each row of features()."""
        return 1.0 / (1.0 + np.exp(-np.clip(x @ self.weights + self.bias, -50.0, 50.0)))

    def save(self, path: Path) -> None:
        with path.open("wb") as out:
            np.savez(out, weights=self.weights, bias=np.array(self.bias), threshold=np.array(self.threshold))

    @classmethod
    def load(cls, path: Path) -> FollowUpModel:
        with np.load(path) as stored:
            return cls(
                np.asarray(stored["weights"], dtype=np.float64),
                float(stored["bias"]),
                float(stored["threshold"]),
            )


def fit(x: np.ndarray, y: np.ndarray, threshold: float, c: float = C) -> FollowUpModel:
    """The model fitted on feature rows `x` (features()) and labels `y` (1: the turn expects a refusal)."""
    # Balanced: a refusal is one follow-up in thirteen; unweighted, the model would hardly ever refuse.
    weights, bias = fit_balanced(x, y, c)
    return FollowUpModel(weights, bias, threshold)


def held_out_probabilities(x: np.ndarray, y: np.ndarray, groups: list[str], c: float = C) -> np.ndarray:
    """Each row's P(uncovered) from a model fitted without its group (its dev file)."""
    out = np.zeros(len(y))
    names = sorted(set(groups))
    marks = np.array(groups)
    for name in names:
        test = marks == name
        out[test] = fit(x[~test], y[~test], 0.5, c).probabilities(x[test])
    return out


def best_threshold(p: np.ndarray, y: np.ndarray, right: np.ndarray, levels: list[float]) -> tuple[float, int, int]:
    """The level that refuses the most follow-ups expecting a refusal less the answers it would take
    away that were right (`right`), with the two counts; ties go to the higher (more careful) level."""
    best = (levels[-1], 0, 0)
    best_net = -1
    for level in sorted(levels, reverse=True):
        above = p > level
        caught, lost = int((above & (y == 1)).sum()), int((above & right).sum())
        if caught - lost > best_net:
            best, best_net = (level, caught, lost), caught - lost
    return best


@dataclass
class Case:
    """One answered follow-up of a labelled conversation: the model's inputs and what the turn expects."""

    where: str  # file name: the group left out together
    turn: str  # conversation id#turn
    qvec: np.ndarray
    svec: np.ndarray
    p_uncovered: float
    refuse: bool  # the turn expects a refusal
    right: bool  # the answer given has what the turn expects


def collect(service: Any, paths: list[Path]) -> list[Case]:  # a KnowledgeService (importing it here is a cycle)
    """Replays each labelled conversation through the knowledge service as the chat does (the context
    and the last answered question carried from turn to turn; small talk and look-ups, which the dialogue
    tier serves, skipped) and keeps the follow-ups answered that the model would judge.

    The service's own fitted model is set aside meanwhile: with it, the follow-ups it already refuses
    (most of them rightly) would be missing from the cases, and each refit would learn from fewer
    refusals than the one before."""
    model, service.follow_ups = service.follow_ups, None
    try:
        return _collect(service, paths)
    finally:
        service.follow_ups = model


def _collect(service: Any, paths: list[Path]) -> list[Case]:
    import yaml

    from api.knowledge.context import Context
    from api.knowledge.search import search_text

    cases: list[Case] = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for item in data:
            turns = item.get("turns") if isinstance(item, dict) else None
            if not isinstance(turns, list):
                continue
            ctx, previous = Context(), None
            for n, turn in enumerate(turns, 1):
                kind = turn.get("kind")
                if kind not in ("answer", "out_of_scope") or turn.get("lang"):
                    continue
                asked = turn["ask"]
                # As the chat asks it: a follow-up's vector computed ahead (one answered from the process
                # order alone ignores it).
                qvec = service.embedder.encode([search_text(service.index, asked)]) if ctx.doc is not None else None
                decision = service.ask(asked, previous, qvec=qvec, ctx=ctx)
                inputs = service.follow_up_inputs(asked, decision, ctx, qvec)
                if decision.context is not None:
                    ctx = decision.context
                if decision.kind == "answer":
                    previous = decision.query
                if inputs is None:
                    continue
                text = " ".join(p.text for p in decision.passages).lower()
                groups = turn.get("must_mention") or []
                right = kind == "answer" and all(any(w.lower() in text for w in g) for g in groups)
                qvec_, svec, p_uncovered = inputs
                cases.append(
                    Case(path.name, f"{item.get('id')}#{n}", qvec_, svec, p_uncovered, kind == "out_of_scope", right)
                )
    return cases
