"""Static checks of deploy/: nothing here talks to a cluster, a registry or Docker.

* every manifest in deploy/k8s/ against the Kubernetes schema bundled with kubernetes-validate
  (strict: an unknown field is an error), for the newest Kubernetes version the package knows;
* the Secret template holds placeholders only, and secrets reach the pods only from it;
* every CA_* name in deploy/ is a setting the code reads, and the ConfigMap's values pass the API's
  own settings validation;
* the pods run the same processes as scripts/stack.py, and listen on 0.0.0.0 exactly where a Service
  must reach them (the one difference from the loopback default), with nothing else exposed;
* deploy/helm/rasa-values.yaml uses the Rasa chart's keys and reproduces bot/endpoints.yml.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from api.config import PLACEHOLDER_SECRET, Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
VALUES_FILE = DEPLOY / "helm" / "rasa-values.yaml"
DOCKER = DEPLOY / "docker"
KUBERNETES_VERSION = kubernetes_validate.latest_version()
MANIFESTS = sorted(K8S.glob("*.yaml"))
SECRET_NAME = "candidate-assistant-secrets"

# Resident memory measured on the cluster set-up (README "Performance"), in MiB.
MEASURED_MIB = {"rasa": 577, "api": 281, "actions": 46}

# The Rasa chart (https://helm.rasa.com, chart `rasa` 1.17.3): its top-level values and
# applicationSettings keys, and the keys its defaults put in the tracker and lock store maps (Helm
# merges those into ours unless we set them to null).
CHART_TOP_LEVEL = {
    "nameOverride", "fullnameOverride", "registry", "applicationSettings", "replicaCount",
    "networkPolicy", "args", "extraArgs", "command", "extraEnv", "image", "serviceAccount",
    "podAnnotations", "podLabels", "deploymentAnnotations", "deploymentLabels", "podSecurityContext",
    "securityContext", "service", "ingress", "resources", "autoscaling", "nodeSelector", "tolerations",
    "affinity", "strategy", "livenessProbe", "readinessProbe", "initContainers", "extraContainers",
    "volumes", "volumeMounts", "hostAliases", "global", "postgresql", "redis", "rabbitmq", "nginx",
    "rasa-action-server", "duckling",
}  # fmt: skip
CHART_APPLICATION_SETTINGS = {
    "debugMode", "initialModel", "trainInitialModel", "port", "scheme", "token", "cors", "enableAPI",
    "credentials", "telemetry", "endpoints", "rasaX",
}  # fmt: skip
CHART_ENDPOINTS = {"models", "trackerStore", "lockStore", "eventBroker", "action", "additionalEndpoints"}
CHART_STORE_DEFAULT_KEYS = {
    "trackerStore": {"enabled", "type", "dialect", "url", "port", "username", "password", "db", "login_db"},
    "lockStore": {"enabled", "type", "url", "port", "password", "db"},
}
# Environment the chart itself sets in the Rasa container (templates/_containers-env.yaml).
CHART_ENV = {"ACTION_SERVER_URL", "RASA_TELEMETRY_ENABLED", "MPLCONFIGDIR", "TF_CPP_MIN_LOG_LEVEL"}


def _load(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def _resources() -> list[tuple[Path, dict[str, Any]]]:
    return [(path, doc) for path in MANIFESTS for doc in _load(path)]


def _find(kind: str, name: str) -> dict[str, Any]:
    found = [doc for _, doc in _resources() if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name} in deploy/k8s, found {len(found)}"
    return found[0]


def _values() -> dict[str, Any]:
    values = yaml.safe_load(VALUES_FILE.read_text())
    assert isinstance(values, dict), "rasa-values.yaml is not a mapping"
    return values


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, f"{deployment['metadata']['name']}: one container expected"
    return containers[0]


def _chart_deployment(values: dict[str, Any]) -> dict[str, Any]:
    """The parts of the Rasa chart's Deployment that these values fill (charts/rasa/templates/
    deployment.yaml), enough to check them against the Kubernetes schema. Not a rendering of the chart."""
    selector = {"app.kubernetes.io/name": "rasa", "app.kubernetes.io/instance": "candidate-assistant-rasa"}
    container = {
        "name": "rasa-oss",
        "image": f"{values['image']['repository']}:{values['image']['tag']}",
        "imagePullPolicy": values["image"]["pullPolicy"],
        "command": values["command"],
        "args": values["args"],
        "ports": [{"name": "http", "containerPort": values["applicationSettings"]["port"], "protocol": "TCP"}],
        "env": values["extraEnv"],
        "resources": values["resources"],
        "securityContext": values["securityContext"],
        "readinessProbe": values["readinessProbe"],
        "livenessProbe": values["livenessProbe"],
        "volumeMounts": values["volumeMounts"],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": values["fullnameOverride"]},
        "spec": {
            "replicas": values["replicaCount"],
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": {**selector, **values["podLabels"]}},
                "spec": {
                    "securityContext": values["podSecurityContext"],
                    "containers": [container],
                    "volumes": values["volumes"],
                },
            },
        },
    }


def _stack_module() -> Any:
    spec = importlib.util.spec_from_file_location("ca_stack", ROOT / "scripts" / "stack.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _walk(obj: Any, path: tuple[Any, ...] = (), parent: Any = None) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
    yield path, obj, parent
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _walk(value, (*path, key), obj)
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _walk(value, (*path, i), obj)


def _mebibytes(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "K": 1000 / 1024**2, "M": 1000**2 / 1024**2, "G": 1000**3 / 1024**2}
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]i?)?", str(quantity))
    assert match, f"unexpected memory quantity {quantity!r}"
    return float(match.group(1)) * (units[match.group(2)] if match.group(2) else 1 / 1024**2)


def _cores(quantity: str | int) -> float:
    text = str(quantity)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def _schema_error(doc: dict[str, Any]) -> str | None:
    """None, or where and why `doc` breaks the Kubernetes schema (unknown fields included)."""
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return f"{'.'.join(map(str, exc.path))}: {exc.message}"
    return None


# --- Kubernetes schema -------------------------------------------------------------------------


def test_the_expected_resources_are_there() -> None:
    kinds = {(doc["kind"], doc["metadata"]["name"]) for _, doc in _resources()}
    for expected in [
        ("Deployment", "candidate-assistant-api"),
        ("Service", "candidate-assistant-api"),
        ("Deployment", "candidate-assistant-actions"),
        ("Service", "candidate-assistant-actions"),
        ("ConfigMap", "candidate-assistant-config"),
        ("Secret", SECRET_NAME),
        ("Ingress", "candidate-assistant"),
    ]:
        assert expected in kinds, f"deploy/k8s has no {expected[0]} {expected[1]}"


@pytest.mark.parametrize("path", MANIFESTS, ids=[p.name for p in MANIFESTS])
def test_manifest_is_valid_kubernetes(path: Path) -> None:
    docs = _load(path)
    assert docs, f"{path.name} holds no resource"
    for doc in docs:
        where = f"{path.name}: {doc.get('kind')} {doc.get('metadata', {}).get('name')}"
        error = _schema_error(doc)
        assert error is None, f"{where} at {error} (Kubernetes {KUBERNETES_VERSION}, strict)"


def test_the_rasa_pod_from_the_chart_values_is_valid_kubernetes() -> None:
    error = _schema_error(_chart_deployment(_values()))
    assert error is None, f"rasa-values.yaml: the Rasa pod at {error} (Kubernetes {KUBERNETES_VERSION}, strict)"


# --- Secrets -----------------------------------------------------------------------------------


def _secret_refs() -> set[str]:
    docs = [doc for _, doc in _resources()] + [_values()]
    refs = set()
    for _, node, _ in _walk(docs):
        if isinstance(node, dict) and "secretKeyRef" in node:
            assert node["secretKeyRef"]["name"] == SECRET_NAME, f"unknown secret {node['secretKeyRef']['name']}"
            refs.add(node["secretKeyRef"]["key"])
    return refs


def test_the_secret_template_holds_placeholders_only() -> None:
    secrets = [(path, doc) for path, doc in _resources() if doc["kind"] == "Secret"]
    assert [(path.name, doc["metadata"]["name"]) for path, doc in secrets] == [("secret.template.yaml", SECRET_NAME)]
    secret = secrets[0][1]
    assert "data" not in secret, "the template uses stringData (readable placeholders), never data"
    for key, value in secret["stringData"].items():
        assert value == "" or PLACEHOLDER_SECRET in value, (
            f"{key} is not a placeholder: empty or containing '{PLACEHOLDER_SECRET}'"
        )
    assert set(secret["stringData"]) == _secret_refs(), "the template's keys and the keys the pods read differ"


def test_the_unfilled_secret_template_cannot_go_live(monkeypatch: pytest.MonkeyPatch) -> None:
    """The API refuses to start in production with the template's values (README's promise)."""
    secret = _find("Secret", SECRET_NAME)["stringData"]
    _set_only(monkeypatch, {**_find("ConfigMap", "candidate-assistant-config")["data"], **secret})
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.environment == "production"
    with pytest.raises(RuntimeError):
        settings.check_secrets()


def test_secret_values_reach_pods_only_from_the_secret() -> None:
    secret_keys = set(_find("Secret", SECRET_NAME)["stringData"])
    sensitive = re.compile(r"TOKEN|SECRET|PASSWORD|DATABASE_URL|REDIS_URL")
    config = _find("ConfigMap", "candidate-assistant-config")["data"]
    assert not [k for k in config if k in secret_keys or sensitive.search(k)], "a secret in the ConfigMap"
    for _, node, _ in _walk([doc for _, doc in _resources()] + [_values()]):
        is_env = (
            isinstance(node, dict) and isinstance(node.get("name"), str) and ("value" in node or "valueFrom" in node)
        )
        if is_env and (node["name"] in secret_keys or sensitive.search(node["name"])):
            assert "secretKeyRef" in node.get("valueFrom", {}), f"{node['name']} is set literally"


# --- Settings ----------------------------------------------------------------------------------


def _known_variables() -> set[str]:
    known = {f"CA_{name.upper()}" for name in Settings.model_fields}
    sources = [ROOT / "scripts" / "stack.py", ROOT / "scripts" / "cluster.py", ROOT / "bot" / "endpoints.yml"]
    sources += sorted((ROOT / "actions").glob("*.py")) + sorted((ROOT / "rasa_ext").rglob("*.py"))
    for source in sources:
        known |= set(re.findall(r"\bCA_[A-Z0-9_]+\b", source.read_text()))
    return known


def test_every_ca_variable_in_deploy_is_a_real_setting() -> None:
    known = _known_variables()
    unknown = []
    for path in sorted(p for p in DEPLOY.rglob("*") if p.is_file()):
        for name in sorted(set(re.findall(r"\bCA_[A-Z0-9_]+\*?", path.read_text()))):
            # CA_TRACKER_* names a family: some real setting must start so.
            ok = any(k.startswith(name[:-1]) for k in known) if name.endswith("*") else name in known
            if not ok:
                unknown.append(f"{path.relative_to(ROOT)}: {name}")
    assert not unknown, "not read by api/config.py, actions/, rasa_ext/ or scripts/: " + ", ".join(unknown)


def _set_only(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for key in list(os.environ):
        if key.startswith("CA_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, str(value))


def test_the_configmap_passes_the_settings_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _find("ConfigMap", "candidate-assistant-config")["data"]
    assert all(isinstance(v, str) for v in config.values()), "ConfigMap values must be strings"
    _set_only(monkeypatch, config)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    settings.rate_limits()
    assert settings.trusted_proxies, "CA_TRUSTED_PROXIES must name the ingress controller's network"
    assert "*" not in settings.cors_origins

    from actions.settings import ActionSettings

    actions = ActionSettings.from_env()
    assert actions.service_url == config["CA_SERVICE_URL"].rstrip("/")


def test_the_in_cluster_urls_name_the_services() -> None:
    config = _find("ConfigMap", "candidate-assistant-config")["data"]
    values = _values()
    services = {
        doc["metadata"]["name"]: doc["spec"]["ports"][0]["port"] for _, doc in _resources() if doc["kind"] == "Service"
    }
    services[values["fullnameOverride"]] = values["service"]["port"]
    for key in ("CA_RASA_URL", "CA_ACTION_SERVER_URL", "CA_SERVICE_URL"):
        match = re.fullmatch(r"http://([a-z0-9-]+):(\d+)", config[key])
        assert match, f"{key}={config[key]} is not http://<service>:<port>"
        assert services.get(match.group(1)) == int(match.group(2)), f"{key} names no Service on that port"
    action_url = values["rasa-action-server"]["external"]["url"]
    assert action_url == config["CA_ACTION_SERVER_URL"] + "/webhook", (
        "Rasa's action endpoint is not the actions Service"
    )


# --- Processes and listening -------------------------------------------------------------------


def _argv(deployment_or_values: dict[str, Any]) -> list[str]:
    return [str(t) for t in deployment_or_values.get("command", []) + deployment_or_values.get("args", [])]


def _shape(argv: list[str]) -> tuple[list[str], list[str], dict[str, str]]:
    """(module and sub-command, the --flags in order, each flag's value) of `python -m ...`."""
    assert argv[0].endswith("python"), f"not a python command: {argv}"
    first = next((i for i, t in enumerate(argv) if t.startswith("--")), len(argv))
    flags = [t for t in argv if t.startswith("--")]
    values = {
        t: argv[i + 1] for i, t in enumerate(argv[:-1]) if t.startswith("--") and not argv[i + 1].startswith("--")
    }
    return argv[1:first], flags, values


def _pods() -> dict[str, tuple[list[str], dict[str, Any], list[dict[str, Any]]]]:
    """name -> (argv, container, env) for the three server processes."""
    api = _container(_find("Deployment", "candidate-assistant-api"))
    actions = _container(_find("Deployment", "candidate-assistant-actions"))
    values = _values()
    return {
        "api": (_argv(api), api, api.get("env", [])),
        "actions": (_argv(actions), actions, actions.get("env", [])),
        "rasa": (_argv(values), values, values["extraEnv"]),
    }


def test_the_pods_run_what_scripts_stack_runs() -> None:
    stack = _stack_module().Stack()
    commands, stack_env = stack.commands(), stack.env()
    for name, (argv, _, env) in _pods().items():
        head, flags, values = _shape(argv)
        stack_head, stack_flags, stack_values = _shape(["python", *commands[name][1:]])
        assert head == stack_head, f"{name}: runs {head}, scripts/stack.py runs {stack_head}"
        assert flags == stack_flags, f"{name}: flags {flags}, scripts/stack.py passes {stack_flags}"
        for flag in ("--host", "--interface"):
            if flag in stack_values:
                assert stack_values[flag] == "127.0.0.1" and values[flag] == "0.0.0.0", f"{name}: {flag}"
        if name == "actions":
            assert values["--actions"] == stack_values["--actions"]
            assert stack_env["SANIC_HOST"] == "127.0.0.1"
            assert {"name": "SANIC_HOST", "value": "0.0.0.0"} in env


def test_each_server_listens_on_its_declared_port() -> None:
    values = _values()
    for name, (argv, container, _) in _pods().items():
        _, _, flags = _shape(argv)
        if name == "rasa":
            declared = values["applicationSettings"]["port"]
        else:
            (port,) = container["ports"]
            assert port["name"] == "http"
            declared = port["containerPort"]
        assert int(flags["--port"]) == declared, f"{name} listens on {flags['--port']}, declares {declared}"
    for _, doc in _resources():
        if doc["kind"] == "Service":
            assert [p["targetPort"] for p in doc["spec"]["ports"]] == ["http"], doc["metadata"]["name"]


def test_0_0_0_0_only_where_a_service_must_reach_a_process() -> None:
    """Inside a pod, a server on 127.0.0.1 is unreachable from its Service: the three servers bind
    0.0.0.0 (deploy/README.md says why). Nothing else may, and nothing may point at loopback."""
    places = []
    for path, node, parent in _walk([doc for _, doc in _resources()] + [_values()]):
        if not isinstance(node, str):
            continue
        assert not re.search(r"127\.0\.0\.1|localhost", node), f"loopback address at {path}: {node}"
        if re.search(r"(?<![\d.])0\.0\.0\.0(?![\d./])", node):
            if isinstance(parent, list) and path[-1] > 0 and parent[path[-1] - 1] in ("--host", "--interface"):
                places.append(parent[path[-1] - 1])
            elif isinstance(parent, dict) and parent.get("name") == "SANIC_HOST" and path[-1] == "value":
                places.append("SANIC_HOST")
            else:
                pytest.fail(f"0.0.0.0 at {path} is not one of the three server bindings")
    assert sorted(places) == ["--host", "--interface", "SANIC_HOST"]


def test_only_the_api_is_exposed() -> None:
    values = _values()
    for _, doc in _resources():
        spec = doc.get("spec", {})
        if doc["kind"] == "Service":
            assert spec.get("type", "ClusterIP") == "ClusterIP", f"{doc['metadata']['name']} is exposed"
        if doc["kind"] == "Deployment":
            pod = spec["template"]["spec"]
            assert not pod.get("hostNetwork"), doc["metadata"]["name"]
            for container in pod["containers"]:
                assert all("hostPort" not in p for p in container.get("ports", [])), container["name"]
        if doc["kind"] == "Ingress":
            backends = {n["service"]["name"] for _, n, _ in _walk(spec) if isinstance(n, dict) and "service" in n}
            assert backends == {"candidate-assistant-api"}, f"the ingress reaches {backends}"
    assert values["service"]["type"] == "ClusterIP"
    assert values["ingress"]["enabled"] is False
    assert values["nginx"]["enabled"] is False


# --- Pods: replicas, probes, resources, security -------------------------------------------------


def test_two_replicas_of_each_tier() -> None:
    assert _find("Deployment", "candidate-assistant-api")["spec"]["replicas"] == 2
    assert _find("Deployment", "candidate-assistant-actions")["spec"]["replicas"] == 2
    assert _values()["replicaCount"] == 2


def test_probes_use_the_readiness_endpoints() -> None:
    pods = _pods()
    api, actions, values = pods["api"][1], pods["actions"][1], pods["rasa"][1]
    assert api["readinessProbe"]["httpGet"]["path"] == "/api/health"
    assert api["livenessProbe"]["httpGet"]["path"] != "/api/health", "a Rasa outage would restart the API pods"
    assert actions["readinessProbe"]["httpGet"]["path"] == "/health"
    assert actions["livenessProbe"]["httpGet"]["path"] == "/health"
    assert values["readinessProbe"]["httpGet"]["path"] == "/"
    assert values["livenessProbe"]["httpGet"]["path"] == "/"


def test_resources_cover_the_measured_memory() -> None:
    for name, (_, container, _) in _pods().items():
        resources = container["resources"]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources.get(kind, {})), f"{name}: {kind} needs cpu and memory"
        request, limit = _mebibytes(resources["requests"]["memory"]), _mebibytes(resources["limits"]["memory"])
        assert request >= MEASURED_MIB[name], f"{name}: memory request {request} MiB < measured {MEASURED_MIB[name]}"
        assert limit >= 1.5 * MEASURED_MIB[name] and limit >= request, f"{name}: memory limit {limit} MiB"
        assert _cores(resources["limits"]["cpu"]) >= _cores(resources["requests"]["cpu"]), name


def _pod_specs() -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    out = {}
    for _, doc in _resources():
        if doc["kind"] == "Deployment":
            pod = doc["spec"]["template"]["spec"]
            out[doc["metadata"]["name"]] = (pod, pod["containers"] + pod.get("initContainers", []))
    chart = _chart_deployment(_values())["spec"]["template"]["spec"]
    out["rasa (chart values)"] = (chart, chart["containers"])
    return out


def test_pods_run_unprivileged() -> None:
    for name, (pod, containers) in _pod_specs().items():
        pod_context = pod.get("securityContext", {})
        assert pod_context.get("runAsNonRoot") is True and pod_context.get("runAsUser", 0) != 0, name
        assert pod_context.get("seccompProfile", {}).get("type") == "RuntimeDefault", name
        for container in containers:
            context = container.get("securityContext", {})
            where = f"{name}/{container['name']}"
            assert context.get("allowPrivilegeEscalation") is False, where
            assert context.get("readOnlyRootFilesystem") is True, where
            assert context.get("capabilities", {}).get("drop") == ["ALL"], where
            assert not context.get("capabilities", {}).get("add"), where
            assert not context.get("privileged"), where
            mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
            if container["name"] != "prepare":
                assert "/tmp" in mounts, f"{where}: a read-only root needs a writable /tmp"


def test_pod_disruption_budgets_select_the_pods() -> None:
    values = _values()
    labels = {
        "api": _find("Deployment", "candidate-assistant-api")["spec"]["template"]["metadata"]["labels"],
        "actions": _find("Deployment", "candidate-assistant-actions")["spec"]["template"]["metadata"]["labels"],
        "rasa": values["podLabels"],
    }
    for name, pod_labels in labels.items():
        budget = _find("PodDisruptionBudget", f"candidate-assistant-{name}")
        selector = budget["spec"]["selector"]["matchLabels"]
        assert selector.items() <= pod_labels.items(), f"the {name} budget selects no {name} pod"


# --- The Rasa chart's values ---------------------------------------------------------------------


def test_rasa_values_use_the_charts_keys() -> None:
    values = _values()
    assert set(values) <= CHART_TOP_LEVEL, f"not keys of the rasa chart: {sorted(set(values) - CHART_TOP_LEVEL)}"
    required = {"image", "replicaCount", "command", "args", "applicationSettings", "extraEnv", "rasa-action-server"}
    assert required <= set(values), f"missing: {sorted(required - set(values))}"
    settings = values["applicationSettings"]
    assert set(settings) <= CHART_APPLICATION_SETTINGS, sorted(set(settings) - CHART_APPLICATION_SETTINGS)
    assert set(settings["endpoints"]) <= CHART_ENDPOINTS, sorted(set(settings["endpoints"]) - CHART_ENDPOINTS)
    # Types the chart's values.schema.json requires of what we set.
    assert isinstance(values["replicaCount"], int) and isinstance(settings["port"], int)
    assert isinstance(values["image"]["tag"], str)
    for probe in ("readinessProbe", "livenessProbe"):
        assert isinstance(values[probe]["httpGet"]["port"], str)
    for store in ("trackerStore", "lockStore"):
        for key, value in settings["endpoints"][store].items():
            assert value is None or isinstance(value, str if key != "enabled" else bool), f"{store}.{key}"
    for sub in ("postgresql", "redis", "rabbitmq", "duckling", "rasa-action-server"):
        assert values[sub]["install"] is False, f"{sub} must be the operator's own, not a sub-chart"
    assert settings["initialModel"] == "" and settings["trainInitialModel"] is False, "the model is in the image"


def test_rasa_starts_as_rasas_own_cli() -> None:
    """Rasa's own `rasa run`: what extends it is named in config.yml, endpoints.yml and credentials.yml."""
    values = _values()
    assert values["command"] == ["python", "-m", "rasa_ext"]  # Rasa's own CLI without jax (rasa_ext/__main__.py)
    assert values["args"][0] == "run"


def test_rasa_values_reproduce_bot_endpoints() -> None:
    settings = _values()["applicationSettings"]
    ours = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text())
    for store, section in (("trackerStore", "tracker_store"), ("lockStore", "lock_store")):
        values = settings["endpoints"][store]
        assert values.get("enabled") is True, f"{store} is not enabled"
        missing_nulls = CHART_STORE_DEFAULT_KEYS[store] - set(values)
        assert not missing_nulls, f"{store}: the chart's defaults for {sorted(missing_nulls)} would be merged in"
        effective = {k: v for k, v in values.items() if k != "enabled" and v is not None}
        assert effective == ours[section], f"{store} differs from bot/endpoints.yml {section}"
    channels = settings["credentials"]["additionalChannelCredentials"]
    assert set(channels) == set(yaml.safe_load((ROOT / "bot" / "credentials.yml").read_text()))


def test_rasa_environment_is_complete_for_several_pods() -> None:
    values = _values()
    env = {e["name"]: e for e in values["extraEnv"]}
    endpoints = yaml.safe_dump(values["applicationSettings"]["endpoints"])
    for name in set(re.findall(r"\$\{([A-Z0-9_]+)\}", endpoints)):
        assert name in env or name in CHART_ENV, f"${{{name}}} is used in endpoints but not set"
    assert env["CA_TRACKER_CACHE_SIZE"]["value"] == "0", "several Rasa pods must not cache trackers"
    assert env["CA_LOCK_STORE"]["value"] == "redis", "several Rasa pods need the Redis lock store"
    assert env["CA_TRACKER_DIALECT"]["value"] == "postgresql"
    assert "CA_SERVICE_TOKEN" in env, "Rasa's privacy routes need the service token"


def test_rasa_and_the_action_server_share_one_image() -> None:
    values = _values()
    actions = _container(_find("Deployment", "candidate-assistant-actions"))
    assert actions["image"] == f"{values['image']['repository']}:{values['image']['tag']}"


# --- Dockerfiles (not built here: static checks only) --------------------------------------------


def _dockerfile(name: str) -> str:
    return (DOCKER / name).read_text()


def test_dockerfiles_copy_what_exists_on_the_pinned_pythons() -> None:
    for name, python in (("dialogue.Dockerfile", "3.10"), ("api.Dockerfile", "3.11")):
        text = _dockerfile(name)
        assert set(re.findall(r"^FROM python:(\d+\.\d+)", text, re.M)) == {python}, name
        for source in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
            assert (ROOT / source).exists(), f"{name}: COPY {source} does not exist"
    dialogue = _dockerfile("dialogue.Dockerfile")
    for needed in ("bot/", "rasa_ext/", "actions/", "config.yml", "requirements/rasa.txt"):
        assert re.search(rf"^COPY {re.escape(needed)}", dialogue, re.M), f"dialogue image lacks {needed}"
    assert "rasa train" in dialogue and "candidate-assistant" in dialogue
    for name in ("dialogue.Dockerfile", "api.Dockerfile"):
        # The requirements name ./libs/redaction: pip must run where that path resolves.
        assert re.search(r"^COPY libs/ (\S+)/libs/", _dockerfile(name), re.M), f"{name} lacks libs/"
    torch_pin = re.search(r"torch==[\d.]+", (ROOT / "Makefile").read_text())
    assert torch_pin and torch_pin.group(0) in _dockerfile("api.Dockerfile"), "the API image's torch pin"
