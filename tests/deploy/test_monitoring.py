"""deploy/monitoring/: the Grafana dashboard is valid and asks only for metrics the API exports; the
ServiceMonitor, the pods' scrape annotations and the scrape configuration reach the API's /metrics, and
the install steps apply them."""

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


def _api_manifests() -> tuple[dict, dict]:
    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "k8s" / "api.yaml").read_text(encoding="utf-8")) if d]
    (deployment,) = [d for d in docs if d["kind"] == "Deployment"]
    (service,) = [d for d in docs if d["kind"] == "Service"]
    return deployment, service


def test_the_api_pods_tell_an_annotation_driven_prometheus_where_their_metrics_are():
    deployment, _ = _api_manifests()
    pod = deployment["spec"]["template"]
    (container,) = [c for c in pod["spec"]["containers"] if c["name"] == "api"]
    port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
    assert pod["metadata"]["annotations"] == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(port),
        "prometheus.io/path": "/metrics",
    }


def test_the_pods_answer_prometheus_from_the_pod_network(monkeypatch):
    """A scrape from a pod address gets the metrics, not the 404 everyone else gets."""
    import ipaddress

    from api.config import Settings

    config = next(
        d
        for d in yaml.safe_load_all((ROOT / "deploy" / "k8s" / "configmap.yaml").read_text(encoding="utf-8"))
        if d and d["kind"] == "ConfigMap" and d["metadata"]["name"] == "candidate-assistant-config"
    )["data"]
    monkeypatch.setenv("CA_METRICS_ALLOW", config["CA_METRICS_ALLOW"])
    networks = [ipaddress.ip_network(n) for n in Settings(_env_file=None).metrics_allow]  # type: ignore[call-arg]
    assert networks and all(n.is_private and not n.is_loopback for n in networks)


def test_the_install_steps_apply_the_service_monitor_and_load_the_dashboard():
    """deploy/README.md's install block: what an operator runs, in the namespace of the API."""
    readme = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    install = readme.split("## 4. Install", 1)[1].split("```", 2)[1]
    commands = [line.strip() for line in install.splitlines() if line.strip().startswith("kubectl")]
    assert "kubectl -n candidate-assistant apply -f monitoring/servicemonitor.yaml" in commands
    dashboard = [c for c in commands if "grafana-dashboard.json" in c]
    assert dashboard == [
        "kubectl -n candidate-assistant create configmap candidate-assistant-grafana-dashboard"
        " --from-file=monitoring/grafana-dashboard.json"
    ]
    assert (
        "kubectl -n candidate-assistant label configmap candidate-assistant-grafana-dashboard grafana_dashboard=1"
        in commands
    )
    # Every file the block names exists (it runs from deploy/).
    named = re.findall(r"(?:-f|--from-file=)\s*([\w./-]+\.(?:yaml|json))", install)
    assert "monitoring/servicemonitor.yaml" in named
    assert all((ROOT / "deploy" / path).is_file() for path in named), named
    # The monitor looks in its own namespace: the one the API Service is applied to.
    monitor = yaml.safe_load((MONITORING / "servicemonitor.yaml").read_text(encoding="utf-8"))
    assert "namespace" not in monitor["metadata"] and "namespaceSelector" not in monitor["spec"]
