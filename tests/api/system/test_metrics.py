"""GET /metrics: who may read it, and that what it reports moves with what the app does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.conversations import service as conversations
from api.conversations import stats

ROOT = Path(__file__).resolve().parents[3]
SERVICE = {"X-Service-Token": "test-token"}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.parametrize("peer", ["203.0.113.7", "10.1.2.3", "testclient"])
def test_a_peer_that_is_not_allowed_gets_404(app_with, peer):
    r = app_with(peer=peer, CA_METRICS_ALLOW='["10.0.0.0/24"]').get("/metrics")
    assert r.status_code == 404 and "assistant" not in r.text


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1", "10.0.0.9"])
def test_loopback_and_the_allowed_networks_read_the_metrics(app_with, peer):
    r = app_with(peer=peer, CA_METRICS_ALLOW='["10.0.0.0/24"]').get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert "assistant_chat_messages_total" in r.text


def test_a_request_forwarded_by_a_proxy_that_is_not_trusted_is_refused_even_from_loopback(app_with):
    # An ingress or a local reverse proxy forwards anyone's request from its own address.
    c = app_with(peer="127.0.0.1")
    assert c.get("/metrics", headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 404
    assert c.get("/metrics", headers={"Forwarded": "for=198.51.100.9"}).status_code == 404


def test_behind_a_trusted_proxy_the_forwarded_client_decides(app_with):
    c = app_with(peer="127.0.0.1", CA_TRUSTED_PROXIES='["127.0.0.1"]', CA_METRICS_ALLOW='["10.0.0.0/24"]')
    assert c.get("/metrics", headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 404
    assert c.get("/metrics", headers={"X-Forwarded-For": "10.0.0.4"}).status_code == 200
    assert c.get("/metrics").status_code == 200  # Prometheus on the same host, not through the proxy


def test_the_counters_and_the_state_move_with_what_the_app_does(app_with):
    c = app_with(peer="127.0.0.1")
    before = c.get("/metrics").text
    _, _, ids, _ = conversations.bot_replies("m-1", [{"kind": "answer", "text": "Yes."}], "v1", "a question")
    assert c.post("/api/conversations/m-1/feedback", json={"message_id": ids[0], "helpful": False}).status_code == 204
    assert c.post("/api/chat", json={"conversation_id": "m-1", "message": " "}).status_code == 422
    assert c.post("/api/chat", content=b"x" * 70_000, headers={"content-type": "application/json"}).status_code == 413
    assert c.post("/api/internal/handoff", json={"conversation_id": "m-2"}, headers=SERVICE).status_code == 200
    after = c.get("/metrics").text
    moved = {
        key: value(after, *key[:1], **dict(key[1])) - value(before, *key[:1], **dict(key[1]))
        for key in samples(after)
        if key[0].endswith("_total")
    }
    assert moved[("assistant_feedback_total", (("rating", "down"),))] == 1
    assert moved[("assistant_feedback_total", (("rating", "up"),))] == 0
    assert moved[("assistant_rejected_requests_total", (("reason", "422"),))] == 1
    assert moved[("assistant_rejected_requests_total", (("reason", "413"),))] == 1
    assert moved[("assistant_handoffs_total", (("hours", "on_duty"),))] == 1
    assert value(after, "assistant_queue_waiting") == stats.waiting_now() >= 1
    assert value(after, "assistant_knowledge_sections") > 0
    info = [k for k in samples(after) if k[0] == "assistant_knowledge_index_info"]
    assert len(info) == 1 and dict(info[0][1])["version"]


def test_workers_sharing_a_directory_report_their_sum(tmp_path):
    """Multiprocess mode (PROMETHEUS_MULTIPROC_DIR): what each worker counted, in one scrape."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    count = "from api import metrics; metrics.CHAT_MESSAGES.inc({n}); metrics.reply_counted('answer')"
    for n in (2, 3):
        subprocess.run([sys.executable, "-c", count.format(n=n)], env=env, check=True, timeout=60)
    scrape = "import sys; from api import metrics; sys.stdout.write(metrics.render(metrics.State(0, 1, 'v')).decode())"
    out = subprocess.run(
        [sys.executable, "-c", scrape], env=env, check=True, timeout=60, capture_output=True, text=True
    )
    assert value(out.stdout, "assistant_chat_messages_total") == 5
    assert value(out.stdout, "assistant_replies_total", kind="answer") == 2
    assert value(out.stdout, "assistant_knowledge_sections") == 1
