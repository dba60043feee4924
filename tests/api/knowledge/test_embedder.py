"""The prefetching embedder: a vector started early is the one asked for later, computed once."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from api.knowledge.embedder import MAX_TOKENS, PrefetchingEmbedder, _batches


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


def test_a_lone_message_is_embedded_at_once_while_the_dialogue_tier_handles_it():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("how long is the loop")
    settle(emb)
    assert inner.calls == [["how long is the loop"]]  # before anyone asked
    assert emb.take("how long is the loop").done()


def test_messages_in_flight_together_wait_and_are_embedded_in_one_batch_when_one_is_asked_for():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("first")  # alone in flight: embedded at once
    settle(emb)
    for text in ("a", "bb", "ccc"):  # "first" is still in flight: these wait
        emb.prefetch(text)
    settle(emb)
    assert inner.calls == [["first"]]
    assert np.array_equal(emb.encode(["bb"]), np.array([[2, 1, 0, 0]], dtype=np.float32))
    assert inner.calls == [["first"], ["bb", "a", "ccc"]]  # the asked text first, then the oldest
    for text in ("first", "a", "ccc"):
        assert np.array_equal(emb.encode([text]), np.array([[len(text), 1, 0, 0]], dtype=np.float32))
    assert emb.hits == 4 and len(inner.calls) == 2


def test_a_forgotten_text_is_never_embedded_and_a_forgotten_vector_is_dropped():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("first")
    settle(emb)
    emb.prefetch("hello there, thanks")  # waits, as "first" is in flight
    emb.forget("hello there, thanks")  # its turn is over and nobody asked
    emb.forget("first")
    emb.encode(["what is a bar raiser"])
    assert inner.calls == [["first"], ["what is a bar raiser"]]
    assert not emb._pending and emb.hits == 0


def test_forgetting_another_turns_text_does_not_cancel_a_vector_already_asked_for():
    gate = threading.Event()
    inner = CountingEmbedder(gate)
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("first")  # occupies the thread until the gate opens
    emb.prefetch("same question")  # waits
    future = emb.take("same question")  # asked for; its batch is queued behind "first"
    emb.forget("same question")  # the turn ends (or another conversation's turn with the same text)
    assert not future.done()
    gate.set()
    assert np.array_equal(future.result(5), np.array([[13, 1, 0, 0]], dtype=np.float32))


def test_a_text_not_prefetched_is_embedded_in_a_batch_with_the_waiting_ones():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("first")
    settle(emb)
    emb.prefetch("a")  # waits
    asked = emb.encode(["follow-up with context"])
    assert inner.calls == [["first"], ["follow-up with context", "a"]]
    assert np.array_equal(asked, np.array([[len("follow-up with context"), 1, 0, 0]], dtype=np.float32))
    assert emb.hits == 0


def test_an_asked_text_beyond_the_first_batch_is_still_embedded_at_once():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("first")
    settle(emb)
    texts = [f"message {i}" for i in range(PrefetchingEmbedder.MAX_BATCH - 1)]
    for text in texts:
        emb.prefetch(text)  # one short of a full batch: nothing runs
    settle(emb)
    future = emb.take(texts[-1])
    assert np.array_equal(future.result(5), np.array([[len(texts[-1]), 1, 0, 0]], dtype=np.float32))
    assert inner.calls[1][0] == texts[-1]


def test_beyond_the_kept_number_a_message_is_embedded_only_when_asked():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    for i in range(PrefetchingEmbedder.KEEP + 10):
        emb.prefetch(f"message {i}")
    assert len(emb._pending) == PrefetchingEmbedder.KEEP
    emb.encode([f"message {PrefetchingEmbedder.KEEP + 9}"])
    assert emb.hits == 0
    emb.encode(["message 0"])
    assert emb.hits == 1


def test_vectors_are_kept_per_conversation():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("what is a bar raiser", "c1")
    emb.prefetch("what is a bar raiser", "c2")  # the same question in another conversation
    settle(emb)
    emb.forget("what is a bar raiser", "c1")  # c1's turn ended without a search
    assert emb.take("what is a bar raiser", "c2").result(5)[0, 0] == len("what is a bar raiser")
    assert emb.hits == 1
    assert sum(len(call) for call in inner.calls) == 2  # embedded for each conversation


def test_a_failing_model_fails_every_text_of_the_batch_for_its_asker():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("first")
    settle(emb)
    emb.prefetch("a")
    emb.prefetch("bb")
    inner.encode = lambda texts: (_ for _ in ()).throw(RuntimeError("model failed"))  # type: ignore[method-assign]
    for text in ("a", "bb"):
        with pytest.raises(RuntimeError, match="model failed"):
            emb.encode([text])


def test_batches_pass_straight_to_the_model():
    inner = CountingEmbedder()
    emb = PrefetchingEmbedder(inner)
    emb.prefetch("a")
    emb.encode(["a", "bb"])
    assert inner.calls[-1] == ["a", "bb"]


def test_texts_are_batched_by_length_within_the_token_budget():
    texts = ["a" * n for n in (900, 10, 40, 2000, 12, 11, 300)]
    batches = _batches(texts, budget=256, most=3)
    assert sorted(i for b in batches for i in b) == list(range(len(texts)))  # each text once
    for batch in batches:
        tokens = max(min(len(texts[i]) // 4 + 3, MAX_TOKENS) for i in batch)
        assert len(batch) <= 3 and (len(batch) == 1 or len(batch) * tokens <= 256)
    assert batches[0] == [1, 5, 4]  # the shortest together, the longest alone
    assert [3] in batches and [0] in batches


def test_the_model_gives_the_same_vectors_in_length_batches_as_one_text_at_a_time(embedder):
    texts = ["hi", "how long is the phone interview?", "word " * 400, "what is a bar raiser", "ok"] * 3
    together = embedder.encode(texts)
    alone = np.vstack([embedder.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)
