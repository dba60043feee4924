"""The prefetching embedder: a vector started early is the one asked for later, computed once."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from api.knowledge.embedder import PrefetchingEmbedder


class CountingEmbedder:
    """A stand-in model: a text's vector is derived from its length; every call is counted."""

    name = "counting"
    dim = 4

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.calls: list[list[str]] = []
        self.gate = gate

    def encode(self, texts: list[str]) -> np.ndarray:
        if self.gate is not None:
            self.gate.wait(5)
        self.calls.append(list(texts))
        return np.array([[len(t), 1, 0, 0] for t in texts], dtype=np.float32)


def settle(emb: PrefetchingEmbedder) -> None:
    """Wait until every prefetch queued so far has run (the pool has one thread and runs in order)."""
    emb._pool.submit(lambda: None).result()


def test_a_prefetched_text_is_embedded_once_and_gives_the_same_vector():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("how long is the phone interview")
    settle(emb)
    vec = emb.encode(["how long is the phone interview"])
    assert np.array_equal(vec, inner.encode(["how long is the phone interview"]))
    assert inner.calls.count(["how long is the phone interview"]) == 2  # the prefetch and the check above
    assert emb.hits == 1


def test_a_text_not_prefetched_is_embedded_when_asked():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("hello")
    assert np.array_equal(emb.encode(["what is a bar raiser"]), inner.encode(["what is a bar raiser"]))
    assert emb.hits == 0


def test_a_text_asked_for_while_its_prefetch_waits_is_embedded_once_in_its_batch():
    gate = threading.Event()
    inner = CountingEmbedder(gate)
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("first")  # occupies the one prefetch thread until the gate opens
    emb.prefetch("second")  # queued behind it
    threading.Timer(0.2, gate.set).start()
    assert np.array_equal(emb.encode(["second"]), np.array([[6, 1, 0, 0]], dtype=np.float32))
    assert emb.hits == 1
    assert inner.calls == [["first"], ["second"]]


def test_texts_not_prefetched_join_the_waiting_batch_instead_of_running_alone():
    gate = threading.Event()
    inner = CountingEmbedder(gate)
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("first")  # occupies the prefetch thread until the gate opens
    emb.prefetch("a")
    asked: list[np.ndarray] = []
    asker = threading.Thread(target=lambda: asked.append(emb.encode(["follow-up with context"])))
    asker.start()
    deadline = time.monotonic() + 5
    while len(emb._queued) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.set()
    asker.join(5)
    assert inner.calls == [["first"], ["a", "follow-up with context"]]
    assert np.array_equal(asked[0], np.array([[len("follow-up with context"), 1, 0, 0]], dtype=np.float32))
    assert emb.hits == 0


def test_the_vector_of_a_prefetched_text_is_ready_once_computed():
    gate = threading.Event()
    emb = PrefetchingEmbedder(CountingEmbedder(gate))
    emb.prefetch("how long is the loop")
    assert not emb.ready("how long is the loop") and not emb.ready("never prefetched")
    gate.set()
    settle(emb)
    assert emb.ready("how long is the loop")


def test_only_the_newest_prefetches_are_kept():
    emb = PrefetchingEmbedder(CountingEmbedder())
    for i in range(PrefetchingEmbedder.KEEP + 10):
        emb.prefetch(f"message {i}")
    settle(emb)
    emb.encode(["message 0"])
    assert emb.hits == 0
    emb.encode([f"message {PrefetchingEmbedder.KEEP + 9}"])
    assert emb.hits == 1


def test_prefetches_waiting_together_are_embedded_in_one_batch_with_the_same_vectors():
    gate = threading.Event()
    inner = CountingEmbedder(gate)
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("first")  # occupies the prefetch thread until the gate opens
    for text in ("a", "bb", "ccc"):
        emb.prefetch(text)
    gate.set()
    settle(emb)
    assert inner.calls == [["first"], ["a", "bb", "ccc"]]
    for text in ("a", "bb", "ccc"):
        assert np.array_equal(emb.encode([text]), np.array([[len(text), 1, 0, 0]], dtype=np.float32))
    assert emb.hits == 3


def test_a_failing_model_fails_every_text_of_the_batch_for_its_asker():
    gate = threading.Event()
    inner = CountingEmbedder(gate)
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("first")
    emb.prefetch("a")
    emb.prefetch("bb")
    inner.encode = lambda texts: (_ for _ in ()).throw(RuntimeError("model failed"))  # type: ignore[method-assign]
    gate.set()
    settle(emb)
    for text in ("a", "bb"):
        with pytest.raises(RuntimeError, match="model failed"):
            emb.encode([text])


def test_batches_pass_straight_to_the_model():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("a")
    emb.encode(["a", "bb"])
    assert inner.calls[-1] == ["a", "bb"]
