"""deploy/monitoring/: the Grafana dashboard is valid and asks only for metrics the API exports; the
ServiceMonitor and the scrape configuration reach the API's /metrics."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from api import metrics

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
# PromQL words that look like metric names but are functions, keywords or label names.
PROMQL_WORDS = {"sum", "by", "rate", "increase", "histogram_quantile", "max", "le", "kind", "hours", "reason", "rating"}


def exported_series() -> set[str]:
    """Every series name GET /metrics serves (with _total, _bucket, _count, _sum, _info)."""
    text = metrics.render(metrics.State(waiting=0, sections=1, version="v")).decode()
    return {s.name for family in text_string_to_metric_families(text) for s in family.samples}


def dashboard() -> dict:
    return json.loads((MONITORING / "grafana-dashboard.json").read_text(encoding="utf-8"))


def test_the_dashboard_is_a_grafana_dashboard_with_queries_in_every_panel():
    d = dashboard()
    assert d["title"] and d["uid"] and isinstance(d["schemaVersion"], int)
    assert d["panels"] and len({p["id"] for p in d["panels"]}) == len(d["panels"])
    for p in d["panels"]:
        assert p["type"] in {"timeseries", "stat", "table"} and p["title"]
        assert set(p["gridPos"]) == {"x", "y", "w", "h"} and p["gridPos"]["x"] + p["gridPos"]["w"] <= 24
        assert p["targets"] and all(t["expr"] and t["refId"] for t in p["targets"])
        assert p["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    assert [v["name"] for v in d["templating"]["list"]] == ["datasource"]


def test_the_dashboard_uses_only_metrics_that_exist():
    series = exported_series()
    used = set()
    for p in dashboard()["panels"]:
        for t in p["targets"]:
            expr = re.sub(r'\{[^}]*\}|"[^"]*"|\$\w+|\[[^\]]*\]', " ", t["expr"])
            used |= {w for w in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr) if w not in PROMQL_WORDS}
    assert used and used <= series, f"not exported: {sorted(used - series)}"
    # And every metric the issue asks for is on the dashboard.
    for name in (
        "assistant_chat_messages_total",
        "assistant_replies_total",
        "assistant_chat_seconds_bucket",
        "assistant_dialogue_seconds_bucket",
        "assistant_search_seconds_bucket",
        "assistant_handoffs_total",
        "assistant_queue_waiting",
        "assistant_feedback_total",
        "assistant_knowledge_sections",
        "assistant_knowledge_index_info",
        "assistant_rejected_requests_total",
    ):
        assert name in used, name


def test_the_service_monitor_selects_the_api_service_and_its_port():
    monitor = yaml.safe_load((MONITORING / "servicemonitor.yaml").read_text(encoding="utf-8"))
    services = [
        d
        for d in yaml.safe_load_all((ROOT / "deploy" / "k8s" / "api.yaml").read_text(encoding="utf-8"))
        if d and d["kind"] == "Service"
    ]
    (service,) = services
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1" and monitor["kind"] == "ServiceMonitor"
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    ports = {p["name"] for p in service["spec"]["ports"]}
    assert all(e["port"] in ports and e["path"] == "/metrics" for e in monitor["spec"]["endpoints"])


def test_the_scrape_configuration_reads_metrics_of_every_instance():
    config = yaml.safe_load((MONITORING / "prometheus-scrape.yaml").read_text(encoding="utf-8"))
    jobs = {j["job_name"]: j for j in config["scrape_configs"]}
    assert all(j["metrics_path"] == "/metrics" for j in jobs.values())
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from cluster import Cluster

    targets = jobs["candidate-assistant-cluster"]["static_configs"][0]["targets"]
    assert targets == [f"127.0.0.1:{port}" for port in Cluster().api_ports]
