"""Is a question one the knowledge covers at all? A small model on the question's meaning.

Uncovered questions about hiring ("can I reschedule my phone screen?", "can the bar raiser veto
me?") score as high against real sections as genuine paraphrases do, so no similarity threshold
tells them apart (notes/retrieval.md; measured again with example questions and the glossary: each
raised refusals' scores with the answers'). What does tell them apart is what they ask about, which
the question's sentence vector carries: a logistic regression on the vectors the search computes
anyway (no extra embedding), beside the question's word and character n-grams, learns it from
labelled questions:

- covered: the dialogue tier's `ask_hiring` examples (bot/data/nlu.yml) and the writers' example
  questions of every section (knowledge/);
- uncovered: the dialogue tier's `out_of_scope` examples (the same file).

It gives P(uncovered); the answer decision (search.decide) refuses above a calibrated level. The
training vectors are kept under var/index/ by text, so a rebuild embeds only new questions.

Why the n-grams too: the vector carries what a question is about, the words carry how it asks
("can I move...", "do they pay for..."). Together they separated the dev sets' covered and uncovered
questions better than either alone (ROC AUC 0.90 with the vector, 0.91 with the n-grams, 0.94 with
both; at the level that keeps 97 % of the answers, 53 % of the uncovered questions refused against
72 %: docs/quality.md).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import math
import os
import re
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from api.knowledge.logistic import fit_balanced

log = logging.getLogger(__name__)

CACHE = "coverage_vectors.npz"
# libyaml's parser when PyYAML was built with it: the labelled sets are thousands of items, which the
# pure-Python parser took 7 s to read, on every rebuild of the index.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ITEM = re.compile(r"^\s*-\s+(.*\S)\s*$")


def nlu_examples(path: Path, intent: str) -> list[str]:
    """The examples of one intent in a Rasa NLU file (entity annotations dropped)."""
    return _examples(path, lambda name: name == intent, intent)


# Intents whose examples are messages the assistant serves (everything but the uncovered, foreign and
# not-a-question ones): their words are words candidates use for covered things ("pinged", "wanna").
NOT_COVERED = frozenset({"out_of_scope", "non_english", "not_a_question"})


def covered_examples(path: Path) -> list[str]:
    """The examples of every intent the assistant serves, from the dialogue tier's NLU data."""
    return _examples(path, lambda name: name not in NOT_COVERED, "covered intents")


def set_paths(patterns: str, root: Path) -> list[Path]:
    """The files the space-separated glob patterns name, relative to `root` (absolute ones as they are)."""
    found: list[Path] = []
    for pattern in patterns.split():
        base = Path(pattern)
        matches = sorted(base.parent.glob(base.name)) if base.is_absolute() else sorted(root.glob(pattern))
        found.extend(m for m in matches if m not in found)
    return found


def labelled_questions(paths: list[Path]) -> tuple[list[str], list[str], list[str]]:
    """Candidates' messages from evaluation sets the team tunes on (eval/dev-*.yaml and the dev
    conversations: the kind each expects), as (covered, uncovered, look-ups): single messages and
    conversations' first turns of kind answer, out_of_scope or status_request, in English. A follow-up
    leans on its conversation, so it is no example of a question on its own."""
    covered: list[str] = []
    uncovered: list[str] = []
    look_ups: list[str] = []
    for path in paths:
        one = _labelled_in(path)
        covered.extend(one[0])
        uncovered.extend(one[1])
        look_ups.extend(one[2])
    return covered, uncovered, look_ups


# Each set's questions by its path, size and time of change: a rebuild after a knowledge edit (the
# writers expect the new text answered within seconds) does not read the sets again.
_READ: dict[Path, tuple[tuple[int, int], tuple[list[str], list[str], list[str]]]] = {}


def _labelled_in(path: Path) -> tuple[list[str], list[str], list[str]]:
    try:
        stat = path.stat()
    except OSError:
        stat = None
    stamp = (stat.st_mtime_ns, stat.st_size) if stat is not None else (0, -1)
    kept = _READ.get(path)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    covered: list[str] = []
    uncovered: list[str] = []
    look_ups: list[str] = []
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or []
    except (OSError, yaml.YAMLError) as exc:
        log.warning("cannot read %s (%s): the coverage model goes without it", path, type(exc).__name__)
        data = []
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict):
            continue
        turns = item.get("turns")
        first = turns[0] if isinstance(turns, list) and turns else item
        ask, kind = first.get("ask") if isinstance(first, dict) else None, first.get("kind")
        if not isinstance(ask, str) or not ask.strip() or first.get("lang"):
            continue
        if kind == "answer":
            covered.append(ask)
        elif kind == "out_of_scope":
            uncovered.append(ask)
        elif kind == "status_request":
            look_ups.append(ask)
    _READ[path] = (stamp, (covered, uncovered, look_ups))
    return covered, uncovered, look_ups


def _examples(path: Path, keep: Callable[[str], bool], what: str) -> list[str]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    except (OSError, yaml.YAMLError) as exc:
        log.warning("cannot read %s (%s): the coverage model has no examples of %s", path, type(exc).__name__, what)
        return []
    out: list[str] = []
    for block in data.get("nlu", []) or []:
        if isinstance(block, dict) and isinstance(block.get("intent"), str) and keep(block["intent"]):
            for line in str(block.get("examples", "")).splitlines():
                match = _ITEM.match(line)
                if match:
                    out.append(re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", r"\1\2", match.group(1)))
    return out


_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")


def word_grams(text: str) -> list[str]:
    """The words (two characters or more) and word pairs of a text, lower-cased: what sklearn's
    CountVectorizer(ngram_range=(1, 2)) analyses (tests/api/knowledge/test_coverage.py holds them equal).
    Written here so that serving a fitted model needs no sklearn: importing it cost the API 70 MB."""
    tokens = _TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def char_grams(text: str) -> list[str]:
    """The character 2- to 4-grams inside each word padded with a space: sklearn's analyzer="char_wb"
    (a word shorter than n gives itself once)."""
    out: list[str] = []
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(2, 5):
            if len(padded) <= n:
                out.append(padded)
                break
            out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


@dataclass(frozen=True)
class Ngrams:
    """Binary word (1-2) and character (2-4, within words) n-grams, each block scaled to unit length: the
    matrix sklearn's CountVectorizer(binary=True) and normalize() give (columns in the same sorted order;
    tests/api/knowledge/test_coverage.py holds them equal), built without importing sklearn (logistic.py)."""

    words: dict[str, int]  # term -> column
    chars: dict[str, int]

    @classmethod
    def fit(cls, texts: list[str]) -> Ngrams:
        return cls.fitted(texts)[0]

    @classmethod
    def fitted(cls, texts: list[str]) -> tuple[Ngrams, Any]:
        """The n-grams fitted on the texts, and the texts' training matrix (each text analysed once). A
        character n-gram of one text only is left out (min_df=2): it tells nothing of a new question."""
        words, word_rows = _counted(texts, word_grams, 1)
        chars, char_rows = _counted(texts, char_grams, 2)
        return cls(words, chars), _blocks(word_rows, char_rows)

    def features(self, texts: list[str]) -> Any:
        """The training matrix (sparse), one row per text."""
        return _blocks(_rows(texts, word_grams, self.words), _rows(texts, char_grams, self.chars))

    def weighted(self, coef: np.ndarray) -> NgramWeights:
        """The fitted weights of these n-grams (`coef`: words', then characters') for scoring one question."""
        words, chars = self.words, self.chars
        return NgramWeights(
            {term: float(coef[i]) for term, i in words.items()},
            {term: float(coef[len(words) + i]) for term, i in chars.items()},
        )


def _counted(texts: list[str], analyse: Callable[[str], list[str]], min_df: int) -> tuple[dict[str, int], Any]:
    """The vocabulary of the terms in at least `min_df` texts (in sorted order, as sklearn's), and the
    texts' binary matrix over it. Each text's terms become column numbers as it is read, so no text's
    terms are kept as strings (the fit's memory peak is the first start's: docs/performance.md)."""
    from scipy.sparse import csr_matrix

    seen: dict[str, int] = {}
    columns = array("i")
    indptr = array("q", [0])
    for text in texts:
        columns.extend({seen.setdefault(term, len(seen)) for term in analyse(text)})
        indptr.append(len(columns))
    found = np.frombuffer(columns, dtype=np.int32) if columns else np.zeros(0, dtype=np.int32)
    frequency = np.bincount(found, minlength=len(seen))
    terms = sorted(term for term, i in seen.items() if frequency[i] >= min_df)
    vocabulary = {term: j for j, term in enumerate(terms)}
    renumbered = np.full(len(seen), -1, dtype=np.int32)
    renumbered[[seen[term] for term in terms]] = np.arange(len(terms), dtype=np.int32)
    del seen
    kept_columns = renumbered[found]
    kept = kept_columns >= 0
    per_text: np.ndarray = np.diff(np.frombuffer(indptr, dtype=np.int64))
    rows = np.repeat(np.arange(len(texts)), per_text)
    counts = np.bincount(rows[kept], minlength=len(texts))
    matrix = csr_matrix(
        (np.ones(int(kept.sum())), kept_columns[kept], np.concatenate(([0], np.cumsum(counts)))),
        shape=(len(texts), len(terms)),
    )
    matrix.sort_indices()
    return vocabulary, matrix


def _rows(texts: list[str], analyse: Callable[[str], list[str]], vocabulary: dict[str, int]) -> Any:
    """The texts' binary matrix over a fitted vocabulary (terms not in it are left out)."""
    from scipy.sparse import csr_matrix

    columns: list[int] = []
    indptr = [0]
    for text in texts:
        columns.extend(sorted({vocabulary[t] for t in analyse(text) if t in vocabulary}))
        indptr.append(len(columns))
    return csr_matrix(
        (np.ones(len(columns)), np.array(columns, dtype=np.int32), np.array(indptr, dtype=np.int64)),
        shape=(len(texts), len(vocabulary)),
    )


def _blocks(words: Any, chars: Any) -> Any:
    """The word and character counts side by side, each block scaled to unit length per row."""
    from scipy.sparse import hstack

    return hstack([_unit_rows(words), _unit_rows(chars)]).tocsr()


def _unit_rows(matrix: Any) -> Any:
    """Each row divided by its length (a row without terms stays empty): sklearn's normalize(norm="l2")."""
    per_entry = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), per_entry)
    lengths = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
    lengths[lengths == 0] = 1.0
    out = matrix.copy()
    out.data = out.data / lengths[rows]
    return out


def _beside(dense: np.ndarray, sparse: Any) -> Any:
    """The rows of `dense` followed by those of the CSR matrix `sparse`, as one CSR matrix, built in
    place: scipy's hstack goes through COO copies and made a first start's memory peak 58 MB higher."""
    from scipy.sparse import csr_matrix

    rows, dim = dense.shape
    lengths = np.diff(sparse.indptr)
    indptr = sparse.indptr.astype(np.int64) + dim * np.arange(rows + 1, dtype=np.int64)
    data = np.empty(indptr[-1], dtype=np.float64)
    indices = np.empty(indptr[-1], dtype=np.int32)
    # Each row's dense values first (positions indptr[r] .. +dim), its sparse ones after them.
    starts = indptr[:-1]
    dense_at = (starts[:, None] + np.arange(dim)).ravel()
    data[dense_at] = dense.ravel()
    indices[dense_at] = np.tile(np.arange(dim, dtype=np.int32), rows)
    del dense_at
    sparse_at = np.repeat(starts + dim - sparse.indptr[:-1], lengths) + np.arange(sparse.nnz)
    data[sparse_at] = sparse.data
    indices[sparse_at] = sparse.indices + dim
    return csr_matrix((data, indices, indptr), shape=(rows, dim + sparse.shape[1]))


@dataclass(frozen=True)
class NgramWeights:
    """The n-gram part of the model as plain dictionaries: one question's term costs a few microseconds,
    where sklearn's sparse transform cost 0.5 ms a message (the bench's API CPU went up 1.4 ms with it).
    The same sum as the training matrix: binary features, each block divided by its length."""

    words: dict[str, float]
    chars: dict[str, float]

    def score(self, text: str) -> float:
        return _block(word_grams(text), self.words) + _block(char_grams(text), self.chars)


def _block(grams: list[str], weights: dict[str, float]) -> float:
    present = {g for g in grams if g in weights}
    return sum(weights[g] for g in present) / math.sqrt(len(present)) if present else 0.0


def logistic(z: float) -> float:
    """1 / (1 + e^-z), with z clipped: math.exp overflows past ~709."""
    return 1.0 / (1.0 + math.exp(-min(max(z, -50.0), 50.0)))


@dataclass(frozen=True)
class CoverageModel:
    weights: np.ndarray  # over the vector's dimensions
    bias: float
    examples: int = 0
    ngrams: NgramWeights | None = None

    def uncovered(self, qvec: np.ndarray, text: str | None = None) -> float:
        """P(uncovered) for one unit query vector (shape (1, dim) or (dim,)) and the text it embeds
        (needed when the model has n-grams; without it they count as absent)."""
        z = float(np.asarray(qvec, dtype=np.float64).reshape(-1) @ self.weights + self.bias)
        if self.ngrams is not None and text is not None:
            z += self.ngrams.score(text)
        return logistic(z)

    def save(self, path: Path, key: str) -> None:
        """Kept beside the index with the digest of the data it was fitted on (atomically: API processes
        of a cluster share the directory)."""
        grams = self.ngrams or NgramWeights({}, {})
        buffer = io.BytesIO()
        np.savez(
            buffer,
            key=np.array(key),
            weights=self.weights,
            bias=np.array(self.bias),
            examples=np.array(self.examples),
            has_ngrams=np.array(self.ngrams is not None),
            words=np.array(list(grams.words), dtype=str),
            word_weights=np.array(list(grams.words.values()), dtype=np.float64),
            chars=np.array(list(grams.chars), dtype=str),
            char_weights=np.array(list(grams.chars.values()), dtype=np.float64),
        )
        _write_atomically(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Path, key: str) -> CoverageModel | None:
        """The model kept at `path` if it was fitted on the data of `key` (None: none, another, unreadable)."""
        try:
            with np.load(path, allow_pickle=False) as kept:
                if str(kept["key"]) != key:
                    return None
                ngrams = None
                if bool(kept["has_ngrams"]):
                    ngrams = NgramWeights(
                        dict(zip(kept["words"].tolist(), kept["word_weights"].tolist(), strict=True)),
                        dict(zip(kept["chars"].tolist(), kept["char_weights"].tolist(), strict=True)),
                    )
                return cls(kept["weights"].astype(np.float64), float(kept["bias"]), int(kept["examples"]), ngrams)
        except (OSError, ValueError, KeyError):
            return None


def train(
    covered: list[str],
    uncovered: list[str],
    encode: Callable[[list[str]], np.ndarray],
    cache_dir: Path | None = None,
    model_name: str = "",
    ngrams: bool = True,
    store: Path | None = None,
) -> CoverageModel | None:
    """Fits P(uncovered | question vector and n-grams); None without examples of both kinds. `store`: a
    file the model is kept in (and taken from when fitted on the same data before): `make index` fits
    it, and a server starting on that index loads it without sklearn or a fit (the fit and the import
    raised the API's peak memory by 135 MB, and took two seconds of its start)."""
    covered, uncovered = list(dict.fromkeys(covered)), list(dict.fromkeys(uncovered))
    if not covered or not uncovered:
        return None
    texts = covered + uncovered
    vectors = embedded(texts, encode, cache_dir, model_name)
    labels = np.array([0] * len(covered) + [1] * len(uncovered))
    # The same data fits the same model: a rebuild after an edit of a section's text (not of its example
    # questions) takes the model already fitted, in milliseconds instead of a second and a half.
    key = _key(texts, len(covered), vectors, ngrams)
    known = _known(key, store)
    if known is not None:
        return known
    features: Any = vectors
    grams = None
    if ngrams:
        grams, matrix = Ngrams.fitted(texts)
        features = _beside(vectors, matrix)
        del matrix
    # Balanced: fewer uncovered examples must not make refusing rare by itself.
    coef, intercept = fit_balanced(features, labels, c=4.0)
    dim = vectors.shape[1]
    model = CoverageModel(coef[:dim], intercept, len(texts), grams.weighted(coef[dim:]) if grams is not None else None)
    if store is not None:
        _keep(model, store, key)
    _remember(key, model)
    return model


def _known(key: str, store: Path | None) -> CoverageModel | None:
    """The model fitted on the data of `key`, from memory or from `store` (and kept there if it was only in
    memory: another index directory, or a build of other data in between)."""
    with _FITTED_LOCK:
        model = _FITTED.get(key)
        if model is not None:
            _FITTED.move_to_end(key)
    if model is not None:
        if store is not None and _kept_key(store) != key:
            _keep(model, store, key)
        return model
    model = CoverageModel.load(store, key) if store is not None and store.exists() else None
    if model is not None:
        _remember(key, model)
    return model


def _kept_key(store: Path) -> str | None:
    try:
        with np.load(store, allow_pickle=False) as kept:  # an .npz reads only the arrays asked for
            return str(kept["key"])
    except (OSError, ValueError, KeyError):
        return None


def _keep(model: CoverageModel, store: Path, key: str) -> None:
    try:
        model.save(store, key)
    except OSError as exc:  # a read-only index directory: served from memory, fitted again next start
        log.warning("coverage model not kept at %s: %s", store, exc)


def _remember(key: str, model: CoverageModel) -> None:
    with _FITTED_LOCK:
        _FITTED[key] = model
        _FITTED.move_to_end(key)
        while len(_FITTED) > _FITTED_KEEP:
            _FITTED.popitem(last=False)


def fitted(
    covered: list[str],
    uncovered: list[str],
    encode: Callable[[list[str]], np.ndarray],
    ngrams: bool = True,
    store: Path | None = None,
) -> CoverageModel | None:
    """The model `train` would return for this data if it is fitted already, in memory or in `store`
    (None: it would fit one)."""
    covered, uncovered = list(dict.fromkeys(covered)), list(dict.fromkeys(uncovered))
    if not covered or not uncovered:
        return None
    texts = covered + uncovered
    return _known(_key(texts, len(covered), np.asarray(encode(texts), dtype=np.float64), ngrams), store)


def _key(texts: list[str], covered: int, vectors: np.ndarray, ngrams: bool) -> str:
    digest = hashlib.sha256(f"{ngrams}\0{covered}\0".encode())
    for text in texts:
        digest.update(text.encode())
        digest.update(b"\0")
    digest.update(np.ascontiguousarray(vectors, dtype=np.float64).tobytes())
    return digest.hexdigest()


# The last models fitted, by a digest of their data (the coverage and the own-status model of an index,
# and of the one before it while a rebuild runs).
_FITTED: OrderedDict[str, CoverageModel] = OrderedDict()
_FITTED_KEEP = 4
_FITTED_LOCK = threading.Lock()


def embedded(
    texts: list[str], encode: Callable[[list[str]], np.ndarray], cache_dir: Path | None, model_name: str
) -> np.ndarray:
    """The texts' vectors, kept in `cache_dir` by text: only new texts are embedded. The file keeps
    this call's texts only: one call per build (api/knowledge/index.py embeds every labelled question
    there at once, for the coverage model and the known questions alike)."""
    if cache_dir is None:  # vectors looked up already (the index's table): no copies by key
        return np.asarray(encode(texts), dtype=np.float64)
    keys = [hashlib.sha256(f"{model_name}\0{t}".encode()).hexdigest()[:24] for t in texts]
    kept: dict[str, np.ndarray] = {}
    path = cache_dir / CACHE
    if path.exists():
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
        buffer = io.BytesIO()
        np.savez(buffer, keys=np.array(keys), vectors=np.vstack([kept[k] for k in keys]))
        _write_atomically(path, buffer.getvalue())
    return np.vstack([kept[k] for k in keys]).astype(np.float64)


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers (other API processes on the same index) see the old file or the new one, never half of one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
