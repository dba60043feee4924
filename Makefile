# Candidate Assistant: two tiers, two virtualenvs (see README).
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

# Python 3.10 for the dialogue tier (Rasa 3.6 supports <= 3.10). Override: make run PYTHON310=/path/to/python3.10
PYTHON310 ?= $(shell PYENV_VERSION=3.10.13 pyenv which python 2>/dev/null || command -v python3.10)
PYTHON311 ?= $(shell command -v python3.11 || command -v python3)

RASA_VENV := .venv-rasa
API_VENV := .venv-api
RASA_PY := $(RASA_VENV)/bin/python
API_PY := $(API_VENV)/bin/python
MODEL := var/models/candidate-assistant.tar.gz
# The model depends on Rasa's data and on the classes config.yml names (they are trained too).
BOT_DATA := config.yml bot/domain.yml $(wildcard bot/data/*.yml) $(wildcard rasa_ext/components/*.py) rasa_ext/policies.py
EVAL ?= ../shared/eval/dev.yaml
# The repository's own package both environments install (requirements/*.txt name it by path).
REDACTION := libs/redaction/pyproject.toml $(wildcard libs/redaction/redaction/*.py)
# Test layers (docs/testing.md): the fast loop leaves out every test that needs more than the environments.
FAST_TESTS := -m "not (e2e or browser or db or redis or model or system)"

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false
# libs/redaction is installed too; on the path, an edit there needs no reinstall to be seen.
export PYTHONPATH := $(CURDIR):$(CURDIR)/libs/redaction
# Browser profiles and temporary files stay inside the project.
export TMPDIR := $(CURDIR)/var/tmp

.PHONY: help deps browser seed jobs token run run-cluster test test-fast test-unit test-bot test-e2e eval eval-typos eval-practice bench lint audit config-doc kb-check index model calibrate follow-ups clean

help: ## Show the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(RASA_VENV)/.installed: requirements/rasa.txt $(REDACTION)
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found; install it (pyenv install 3.10.13) or pass PYTHON310=/path/to/python3.10"; exit 1; }
	@mkdir -p var/tmp
	test -x $(RASA_PY) || $(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_PY) -m pip install -q --upgrade "pip>=24" wheel
	$(RASA_PY) -m pip install -q -r requirements/rasa.txt
	touch $@

$(API_VENV)/.installed: requirements/api.txt $(REDACTION)
	@mkdir -p var/tmp
	test -x $(API_PY) || $(PYTHON311) -m venv $(API_VENV)
	# torch first and alone: this pin is the local CPU build; anything else pulls a multi-GB CUDA build.
	$(API_PY) -m pip install -q torch==2.13.0
	$(API_PY) -m pip install -q -r requirements/api.txt
	touch $@

deps: $(RASA_VENV)/.installed $(API_VENV)/.installed ## Create both virtualenvs if missing

# Browser tests use Debian's Chromium (Playwright never downloads a browser here); the store and
# cluster tests run real PostgreSQL, Redis and nginx. All come from Debian's packages when missing.
# (Debian's policy here keeps the packages' own services from starting; the project starts its own.)
SYSTEM_PACKAGES := chromium postgresql redis-server nginx-light
browser:
	@mkdir -p var/tmp
	@command -v chromium > /dev/null && command -v redis-server > /dev/null && command -v nginx > /dev/null \
		&& ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || { \
		apt-get update -qq && apt-get install -y -qq $(SYSTEM_PACKAGES) > /dev/null; }

$(MODEL): $(BOT_DATA) $(RASA_VENV)/.installed
	@mkdir -p var/models var/tmp
	$(RASA_VENV)/bin/rasa train --config config.yml --domain bot/domain.yml --data bot/data \
		--out var/models --fixed-model-name candidate-assistant --quiet

model: $(MODEL) ## Train the Rasa model when its data changed

index: $(API_VENV)/.installed ## Build (or update) the knowledge index under var/
	$(API_PY) -m api.knowledge build

seed: $(API_VENV)/.installed ## Load the demo candidates into an empty status store
	$(API_PY) -m api.status seed

jobs: $(API_VENV)/.installed ## Import the demo job feed (fictional jobs) unless a job feed was imported
	$(API_PY) -m api.jobs seed

token: $(API_VENV)/.installed ## Mint a candidate token: make token CANDIDATE=demo-ana
	@$(API_PY) -m api.tokens issue --candidate $(or $(CANDIDATE),demo-ana)

run: deps model index seed jobs ## Start everything; chat at http://127.0.0.1:8000 (Ctrl-C stops)
	$(API_PY) scripts/stack.py

run-cluster: deps model index browser ## PostgreSQL, Redis, 2x Rasa/actions/API behind nginx on :8000 (Ctrl-C stops)
	$(API_PY) scripts/cluster.py

test: deps model browser ## Unit tests, Rasa validation and conversation tests, full-stack and browser tests
	$(MAKE) test-unit test-bot test-e2e

test-fast: deps ## Hermetic unit tests of both tiers: no model, servers or system packages (under a minute)
	$(API_PY) -m pytest -q $(FAST_TESTS) tests/api tests/scripts tests/deploy tests/libs
	$(RASA_PY) -m pytest -q $(FAST_TESTS) tests/actions tests/rasa_ext tests/libs

test-unit: deps model browser
	$(API_PY) -m pytest -q tests/api tests/scripts tests/deploy tests/libs
	$(RASA_PY) -m pytest -q tests/actions tests/rasa_ext tests/libs

# `rasa test` loads the model as `rasa run` does: the same rasa_ext components, policy and patches.
test-bot: deps model
	$(RASA_VENV)/bin/rasa data validate --config config.yml --domain bot/domain.yml --data bot/data --fail-on-warnings 2>&1 | tail -n 3
	$(RASA_VENV)/bin/rasa test core --model $(MODEL) --stories bot/tests \
		--out var/results --fail-on-prediction-errors --no-plot

test-e2e: deps model browser
	$(API_PY) -m pytest -q tests/e2e

eval: ## Run the dev set (or EVAL="file ...", single questions or conversations) through the running stack's public API
	$(API_PY) scripts/eval.py $(EVAL)

bench: deps model index browser ## Latency, throughput, load mix and memory: default set-up vs cluster; rebuild times
	$(API_PY) scripts/bench.py
	$(API_PY) scripts/bench_knowledge.py

calibrate: $(API_VENV)/.installed ## Re-calibrate the retrieval thresholds on the dev set
	$(API_PY) scripts/calibrate.py $(EVAL) --extra eval/holdout.yaml

follow-ups: $(API_VENV)/.installed ## Re-fit the follow-up model on the dev conversations (api/knowledge/follow_ups.npz)
	$(API_PY) -m api.knowledge follow-ups

config-doc: $(API_VENV)/.installed ## Regenerate docs/operations.md's configuration table from .env.example
	$(API_PY) scripts/config_doc.py

kb-check: $(API_VENV)/.installed ## Check knowledge/ (format, and every sentence against the source) and practice/ as file:line: message
	$(API_PY) -m api.knowledge check
	$(API_PY) -m api.practice check

eval-typos: $(API_VENV)/.installed index ## What one typo in the longest word costs the dev sets' questions, with and without the spelling correction
	$(API_PY) scripts/eval_typos.py

eval-practice: $(API_VENV)/.installed ## Interview practice feedback on the labelled answers (eval/practice/): dev and every held-out part
	$(API_PY) -m api.practice eval

lint: $(API_VENV)/.installed ## ruff, ruff format --check and mypy on the service tier; the dependency audit
	$(API_VENV)/bin/ruff check api scripts tests actions rasa_ext
	$(API_VENV)/bin/ruff format --check api scripts tests actions rasa_ext
	$(API_VENV)/bin/mypy api
	@$(MAKE) --no-print-directory audit

# pip-audit needs a vulnerability service (PyPI's JSON API). Without one it can check nothing, and
# `make audit` fails saying the audit did not happen; AUDIT_OFFLINE_OK=1 (make lint AUDIT_OFFLINE_OK=1)
# lets it pass on a machine without network access, still printing that warning. A vulnerability
# found always fails, unless requirements/audit-ignore.txt accepts it with a reason.
AUDIT_OFFLINE_OK ?=
audit: ## pip-audit both tiers' pinned requirements (accepted ones: requirements/audit-ignore.txt)
	AUDIT_OFFLINE_OK=$(AUDIT_OFFLINE_OK) $(API_PY) scripts/audit.py requirements/api.txt requirements/rasa.txt

clean: ## Remove trained models, indexes and logs (keeps the virtualenvs)
	rm -rf var
