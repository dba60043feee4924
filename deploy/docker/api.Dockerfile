# The service tier (api/): FastAPI under uvicorn. Python 3.11 and requirements/api.txt, as `make deps`
# builds .venv-api: torch first and alone, from PyTorch's CPU wheel index (torch==2.13.0 resolves to
# the 2.13.0+cpu build .venv-api has; from PyPI it would pull a multi-GB CUDA build).
# At build time the packaged MiniLM model is exported to ONNX and the index of the image's
# knowledge/ is built into /app/seed; the pod's init container copies both into its writable
# volume (deploy/k8s/api.yaml), so a pod starts without torch work and re-embeds only changed files.
#
# Build from the repository root (not built on the project's machine: it has no Docker daemon):
#   docker build -f deploy/docker/api.Dockerfile -t registry.example.com/candidate-assistant/api:0.1.0 .

FROM python:3.11-slim-bookworm AS build
# A compiler in case a pinned package has no wheel for this platform; it stays in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv && python -m pip install "pip>=24" wheel
RUN python -m pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
# api.txt is the whole service-tier lock, test and lint tools included (pytest, playwright's Python
# package without browsers, ruff, mypy, ...): the same set the project runs and tests. It names the
# repository's own libs/redaction by its path from the root, so both are copied as they lie.
COPY requirements/api.txt /tmp/src/requirements/api.txt
COPY libs/ /tmp/src/libs/
RUN cd /tmp/src && python -m pip install -r requirements/api.txt && rm -rf /tmp/src

WORKDIR /app
COPY api/ api/
COPY knowledge/ knowledge/
# Interview practice questions (docs/practice.md); the classifier's weights come with api/practice/.
COPY practice/ practice/
RUN CA_VAR_DIR=/app/seed CA_KNOWLEDGE_DIR=/app/knowledge python -m api.knowledge build \
    && python -m compileall -q api

FROM python:3.11-slim-bookworm
# A named user (some libraries look the user up) with no home: HOME is the writable /tmp.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /tmp app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TMPDIR=/tmp \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8000
# As scripts/stack.py, listening on 0.0.0.0 (a container is reached on its own address).
# Without CA_VAR_DIR and CA_KNOWLEDGE_DIR set it would use /app/var and /app/knowledge;
# deploy/k8s/api.yaml points them at the pod's volumes.
CMD ["python", "-m", "uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8000", \
     "--no-access-log", "--timeout-keep-alive", "75", "--no-proxy-headers"]
