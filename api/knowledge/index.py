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
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from rank_bm25 import BM25Okapi

from api.knowledge.documents import Problem, Section, load_documents
from api.knowledge.embedder import Embedder

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
VECTORS = "vectors.npy"

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


@dataclass
class KnowledgeIndex:
    sections: list[Section]
    vectors: np.ndarray
    version: str
    built_at: str
    documents: int
    problems: list[Problem]

    def __post_init__(self) -> None:
        self.faiss = faiss.IndexFlatIP(self.vectors.shape[1])
        if len(self.sections):
            self.faiss.add(self.vectors)
        corpus = [tokenize(s.embed_text) for s in self.sections] or [[""]]
        self.bm25 = BM25Okapi(corpus)
        self.by_id = {s.id: s for s in self.sections}
        self.doc_sections: dict[str, list[Section]] = {}
        for sec in self.sections:
            self.doc_sections.setdefault(sec.doc, []).append(sec)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _load_previous(index_dir: Path, embedder: Embedder) -> dict[str, dict]:
    """The last build per document {path: {hash, sections (ids), records, vectors}}, when the model matches."""
    try:
        manifest = json.loads((index_dir / MANIFEST).read_text())
        vectors = np.load(index_dir / VECTORS)
        records = [Section(**r) for r in json.loads((index_dir / "sections.json").read_text())]
    except (OSError, ValueError, TypeError):
        return {}
    if manifest.get("model") != embedder.name or manifest.get("dim") != embedder.dim or len(records) != len(vectors):
        return {}
    out = {}
    for path, rec in manifest.get("documents", {}).items():
        rows = rec.get("rows", [])
        if rows and max(rows) < len(vectors):
            out[path] = {
                "hash": rec["hash"],
                "sections": rec["sections"],
                "records": [records[i] for i in rows],
                "vectors": vectors[rows],
            }
    return out


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


def build_index(knowledge_dir: Path, index_dir: Path, embedder: Embedder) -> KnowledgeIndex:
    """Load the documents, embed what changed since the last build, persist and return the index.

    Several API processes may share one index directory (the cluster set-up on one machine): an
    exclusive file lock makes them build one after the other; the later ones find the manifest
    current and embed nothing. The version is a hash of the content, so all agree on it.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _build_locked(knowledge_dir, index_dir, embedder)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_locked(knowledge_dir: Path, index_dir: Path, embedder: Embedder) -> KnowledgeIndex:
    docs, problems = load_documents(knowledge_dir)
    previous = _load_previous(index_dir, embedder)

    sections: list[Section] = []
    blocks: list[np.ndarray] = []
    manifest_docs: dict[str, dict] = {}
    embedded = 0
    for doc in docs:
        prev = previous.get(doc.path)
        if prev and prev["hash"] == doc.content_hash and prev["sections"] == [s.id for s in doc.sections]:
            vecs = prev["vectors"]
        else:
            vecs = embedder.encode([s.embed_text for s in doc.sections])
            embedded += 1
        start = len(sections)
        sections.extend(doc.sections)
        blocks.append(vecs)
        manifest_docs[doc.path] = {
            "hash": doc.content_hash,
            "sections": [s.id for s in doc.sections],
            "rows": list(range(start, len(sections))),
        }
    # A file with problems is not loaded, but its last good version keeps serving until it is fixed
    # (a deleted file is gone for good).
    broken = {p.path for p in problems}
    kept = 0
    for path in sorted(broken - set(manifest_docs)):
        prev = previous.get(path)
        if prev is None or not (knowledge_dir / Path(path).relative_to("knowledge")).exists():
            continue
        start = len(sections)
        sections.extend(prev["records"])
        blocks.append(prev["vectors"])
        manifest_docs[path] = {
            "hash": prev["hash"],
            "sections": prev["sections"],
            "rows": list(range(start, len(sections))),
        }
        kept += 1
    vectors = np.vstack(blocks).astype(np.float32) if blocks else np.zeros((0, embedder.dim), np.float32)
    problems = problems + near_duplicates(sections, vectors)
    version = hashlib.sha256(
        json.dumps({p: d["hash"] for p, d in manifest_docs.items()}, sort_keys=True).encode()
    ).hexdigest()[:12]
    built_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    manifest = {
        "model": embedder.name,
        "dim": embedder.dim,
        "version": version,
        "built_at": built_at,
        "documents": manifest_docs,
    }
    with open(index_dir / (VECTORS + ".tmp"), "wb") as fh:
        np.save(fh, vectors)
    os.replace(index_dir / (VECTORS + ".tmp"), index_dir / VECTORS)
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
    return KnowledgeIndex(sections, vectors, version, built_at, len(docs) + kept, problems)
