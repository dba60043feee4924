# The dialogue tier: one image for Rasa (python -m rasa run ...) and the action server
# (python -m actions ...); the Rasa chart and deploy/k8s/actions.yaml set the command of each.
# Python 3.10 and requirements/rasa.txt, as `make deps` builds .venv-rasa; the model is trained
# at build time exactly as `make model` does, so the image serves what its bot/ data describe.
# rasa_ext/ holds the classes config.yml, endpoints.yml and credentials.yml name.
#
# Build from the repository root (not built on the project's machine: it has no Docker daemon):
#   docker build -f deploy/docker/dialogue.Dockerfile -t registry.example.com/candidate-assistant/dialogue:0.1.0 .

FROM python:3.10-slim-bookworm AS build
# A compiler in case a pinned package has no wheel for this platform; it stays in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv && python -m pip install "pip>=24" wheel
# rasa.txt names the repository's own libs/redaction by its path from the root.
COPY requirements/rasa.txt /tmp/src/requirements/rasa.txt
COPY libs/ /tmp/src/libs/
RUN cd /tmp/src && python -m pip install -r requirements/rasa.txt && rm -rf /tmp/src

WORKDIR /app
COPY config.yml ./
COPY bot/ bot/
COPY rasa_ext/ rasa_ext/
COPY actions/ actions/
# config.yml names rasa_ext.* classes, so training (and serving) needs /app on the path.
# Rasa's training cache (.rasa/) is dropped; bytecode is compiled now because /app is read-only
# when running.
RUN PYTHONPATH=/app rasa train --config config.yml --domain bot/domain.yml --data bot/data \
        --out models --fixed-model-name candidate-assistant --quiet \
    && rm -rf .rasa \
    && python -m compileall -q rasa_ext actions

FROM python:3.10-slim-bookworm
# A named user (some libraries look the user up) with no home: HOME is the writable /tmp.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /tmp app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TMPDIR=/tmp \
    MPLCONFIGDIR=/tmp/.matplotlib \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 5005 5055
# Rasa's own `rasa run` with the image's endpoints and credentials (those read every CA_TRACKER_*
# and CA_LOCK_STORE* variable, see bot/endpoints.yml). The Rasa chart overrides this command.
CMD ["python", "-m", "rasa_ext", "run", "--model", "models/candidate-assistant.tar.gz", \
     "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml", \
     "--interface", "0.0.0.0", "--port", "5005"]
