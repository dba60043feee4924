"""The index with the real packaged model: build, incremental re-embedding, persistence, ranking."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from api.knowledge.index import build_index
from api.knowledge.search import rank

ROOT = Path(__file__).resolve().parents[3]

DOC = """---
title: {title}
updated: 2026-11-26
---

## {heading}

{body}
"""


class CountingEmbedder:
    """Wraps the real embedder and counts the texts it embeds."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.count = inner, inner.name, inner.dim, 0

    def encode(self, texts):
        self.count += len(texts)
        return self.inner.encode(texts)


def test_vectors_are_unit_length_so_inner_product_is_cosine(embedder):
    v = embedder.encode(["How long is the phone interview?", "bar raiser"])
    assert v.shape == (2, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_only_changed_documents_are_embedded_again(write_doc, tmp_path, embedder):
    write_doc("a.md", DOC.format(title="A", heading="Talent network", body="Join to get notified of roles."))
    write_doc("b.md", DOC.format(title="B", heading="Bar raisers", body="A neutral interviewer."))
    counting = CountingEmbedder(embedder)
    first = build_index(write_doc.dir, tmp_path / "index", counting)
    assert counting.count == 2
    write_doc("b.md", DOC.format(title="B", heading="Bar raisers", body="An objective third party."))
    second = build_index(write_doc.dir, tmp_path / "index", counting)
    assert counting.count == 3
    assert first.version != second.version
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text())
    assert manifest["model"].endswith("all-MiniLM-L6-v2") and manifest["dim"] == 384
    assert set(manifest["documents"]) == {"knowledge/a.md", "knowledge/b.md"}
    assert not list((tmp_path / "index").glob("*.tmp"))


def test_deleted_document_leaves_the_index(write_doc, tmp_path, embedder):
    a = write_doc("a.md", DOC.format(title="A", heading="Talent network", body="Join to get notified of roles."))
    write_doc("b.md", DOC.format(title="B", heading="Bar raisers", body="A neutral interviewer."))
    build_index(write_doc.dir, tmp_path / "index", embedder)
    a.unlink()
    index = build_index(write_doc.dir, tmp_path / "index", embedder)
    assert [s.doc for s in index.sections] == ["knowledge/b.md"]


def test_project_knowledge_ranks_the_right_section_first(tmp_path, embedder):
    index = build_index(ROOT / "knowledge", tmp_path / "index", embedder)
    top = rank(index, embedder, "How long does the work sample simulation take?", 0.02)[0]
    assert top.doc == "knowledge/work-sample-simulation.md"
    assert "20" in top.text and "60" in top.text


def test_onnx_gives_the_reference_vectors(embedder):
    from api.knowledge.embedder import TorchEmbedder

    texts = ["How long is the work style assessment?", "Will there be brain teasers?", "bar raiser"]
    assert np.allclose(embedder.encode(texts), TorchEmbedder().encode(texts), atol=1e-4)


def test_a_broken_file_keeps_serving_its_last_good_version(write_doc, tmp_path, embedder):
    write_doc("a.md", DOC.format(title="A", heading="Talent network", body="Join to get notified of roles."))
    build_index(write_doc.dir, tmp_path / "index", embedder)
    write_doc("a.md", "---\ntitle: A\n---\n\n## Talent network\n\nJoin now.\n")  # 'updated' is missing
    index = build_index(write_doc.dir, tmp_path / "index", embedder)
    assert [s.text for s in index.sections] == ["Join to get notified of roles."]
    assert [str(p) for p in index.problems] == [
        "knowledge/a.md:1: front matter needs 'updated' as a date, e.g. updated: 2026-11-26"
    ]
    write_doc("a.md", DOC.format(title="A", heading="Talent network", body="Fixed text."))
    assert [s.text for s in build_index(write_doc.dir, tmp_path / "index", embedder).sections] == ["Fixed text."]


def test_a_broken_file_that_never_loaded_serves_nothing(write_doc, tmp_path, embedder):
    write_doc("a.md", "## no front matter\n\ntext\n")
    index = build_index(write_doc.dir, tmp_path / "index", embedder)
    assert index.sections == [] and len(index.problems) == 1


def test_sections_that_say_the_same_thing_are_reported(write_doc, tmp_path, embedder):
    body = "The work style assessment typically takes 10-20 minutes to complete."
    write_doc("a.md", DOC.format(title="A", heading="Work style duration", body=body))
    write_doc("b.md", DOC.format(title="B", heading="Work style duration", body=body))
    index = build_index(write_doc.dir, tmp_path / "index", embedder)
    assert len(index.sections) == 2  # both keep serving
    assert [p.message.split(" (")[0] for p in index.problems] == [
        "section 'Work style duration' is almost the same as 'Work style duration' in knowledge/b.md"
    ]
