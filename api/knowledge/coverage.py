"""Is a question one the knowledge covers at all? A small model on the question's meaning.

Uncovered questions about hiring ("can I reschedule my phone screen?", "can the bar raiser veto
me?") score as high against real sections as genuine paraphrases do, so no similarity threshold
tells them apart (notes/retrieval.md; measured again with example questions and the glossary: each
raised refusals' scores with the answers'). What does tell them apart is what they ask about, which
the question's sentence vector carries: a logistic regression on the vectors the search computes
anyway (no extra embedding) learns it from labelled questions:

- covered: the dialogue tier's `ask_hiring` examples (bot/data/nlu.yml) and the writers' example
  questions of every section (knowledge/);
- uncovered: the dialogue tier's `out_of_scope` examples (the same file).

It gives P(uncovered); the answer decision (search.decide) refuses above a calibrated level. The
training vectors are kept under var/index/ by text, so a rebuild embeds only new questions.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from api.knowledge.embedder import Embedder

log = logging.getLogger(__name__)

CACHE = "coverage_vectors.npz"
_ITEM = re.compile(r"^\s*-\s+(.*\S)\s*$")


def nlu_examples(path: Path, intent: str) -> list[str]:
    """The examples of one intent in a Rasa NLU file (entity annotations dropped)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        log.warning("cannot read %s (%s): the coverage model has no examples of %s", path, type(exc).__name__, intent)
        return []
    out: list[str] = []
    for block in data.get("nlu", []) or []:
        if isinstance(block, dict) and block.get("intent") == intent:
            for line in str(block.get("examples", "")).splitlines():
                match = _ITEM.match(line)
                if match:
                    out.append(re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", r"\1\2", match.group(1)))
    return out


@dataclass(frozen=True)
class CoverageModel:
    weights: np.ndarray
    bias: float
    examples: int = 0

    def uncovered(self, qvec: np.ndarray) -> float:
        """P(uncovered) for one unit query vector (shape (1, dim) or (dim,))."""
        z = float(np.asarray(qvec, dtype=np.float64).reshape(-1) @ self.weights + self.bias)
        return 1.0 / (1.0 + np.exp(-z))


def train(
    covered: list[str],
    uncovered: list[str],
    encode: Callable[[list[str]], np.ndarray],
    cache_dir: Path | None = None,
    model_name: str = "",
) -> CoverageModel | None:
    """Fits P(uncovered | question vector); None without examples of both kinds."""
    covered, uncovered = list(dict.fromkeys(covered)), list(dict.fromkeys(uncovered))
    if not covered or not uncovered:
        return None
    from sklearn.linear_model import LogisticRegression  # only when an index is built

    texts = covered + uncovered
    vectors = _vectors(texts, encode, cache_dir, model_name)
    labels = np.array([0] * len(covered) + [1] * len(uncovered))
    # Balanced: fewer uncovered examples must not make refusing rare by itself.
    clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=7)
    clf.fit(vectors, labels)
    return CoverageModel(clf.coef_[0].astype(np.float64), float(clf.intercept_[0]), len(texts))


def _vectors(
    texts: list[str], encode: Callable[[list[str]], np.ndarray], cache_dir: Path | None, model_name: str
) -> np.ndarray:
    keys = [hashlib.sha256(f"{model_name}\0{t}".encode()).hexdigest()[:24] for t in texts]
    kept: dict[str, np.ndarray] = {}
    path = cache_dir / CACHE if cache_dir else None
    if path and path.exists():
        try:
            with np.load(path) as stored:
                kept = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
        except (OSError, ValueError, KeyError):
            kept = {}
    missing = [i for i, k in enumerate(keys) if k not in kept]
    if missing:
        new = encode([texts[i] for i in missing])
        for i, vec in zip(missing, new, strict=True):
            kept[keys[i]] = vec
        if path:
            buffer = io.BytesIO()
            np.savez(buffer, keys=np.array(keys), vectors=np.vstack([kept[k] for k in keys]))
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(buffer.getvalue())
            os.replace(tmp, path)
    return np.vstack([kept[k] for k in keys]).astype(np.float64)


def build_coverage(
    nlu_path: Path, example_questions: list[str], embedder: Embedder, query_text: Callable[[str], str], cache_dir: Path
) -> CoverageModel | None:
    """The model from the NLU data and the writers' example questions, each embedded as a question is."""
    covered = [query_text(q) for q in nlu_examples(nlu_path, "ask_hiring") + example_questions]
    uncovered = [query_text(q) for q in nlu_examples(nlu_path, "out_of_scope")]
    return train(covered, uncovered, embedder.encode, cache_dir, embedder.name)
