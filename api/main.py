"""The FastAPI application: wiring of routers, middleware and the start-up of heavy parts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import redaction
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.chat.router import router as chat_router
from api.chat.schemas import ErrorOut
from api.config import get_settings
from api.conversations.live import OpenStreams
from api.conversations.router import router as conversations_router
from api.db import migrate
from api.deps import DATABASE_UNAVAILABLE
from api.events import Broker, create_broker
from api.handoff.router import internal_router, staff_router
from api.insights.router import router as insights_router
from api.jobs.router import internal_router as jobs_internal_router
from api.jobs.router import router as jobs_router
from api.jobs.service import JobService
from api.knowledge.embedder import Embedder, PrefetchingEmbedder
from api.knowledge.index import KnowledgeIndex
from api.knowledge.router import router as knowledge_router
from api.knowledge.router import writers_router
from api.knowledge.service import KnowledgeService
from api.limits import BodySizeLimit
from api.metrics import RejectedRequests, worker_stopped
from api.practice.router import router as practice_router
from api.privacy.service import run_retention
from api.rasa_client import RasaClient
from api.ratelimit import RateLimiter
from api.status.adapters import create_adapter
from api.status.router import router as status_router
from api.system.metrics import router as metrics_router
from api.system.router import router as system_router
from api.talent.router import internal_router as talent_internal_router
from api.talent.router import router as talent_router
from api.talent.service import run_digests
from api.users.router import router as users_router
from api.web.headers import SecurityHeaders
from api.web.router import STATIC_DIR, SWAGGER_UI_DIR
from api.web.router import router as web_router

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    redaction.install()  # before anything can log
    # httpx logs each request's URL at INFO, and the status adapter's URLs name the candidate.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings.check_secrets()
    _private_var_dir(settings.var_dir)
    app.state.rasa = RasaClient(
        settings.rasa_url,
        settings.rasa_timeout_seconds,
        settings.service_secret(),
        concurrency=settings.dialogue_concurrency,
        queue_seconds=settings.dialogue_queue_seconds,
    )
    app.state.http = httpx.AsyncClient()
    app.state.status = create_adapter(settings)
    app.state.broker = broker = create_broker(settings.redis_url)
    await broker.start()
    app.state.streams = OpenStreams(settings.event_streams_per_address)
    app.state.limiter = RateLimiter.from_settings(settings)
    await app.state.limiter.start()
    await asyncio.to_thread(migrate)
    app.state.knowledge = knowledge = await asyncio.to_thread(KnowledgeService.start, settings)
    _share_knowledge_versions(knowledge, broker)
    app.state.jobs = jobs = await asyncio.to_thread(JobService.start, settings, _unbatched(knowledge.embedder))
    job_tasks = [asyncio.create_task(jobs.watch())]
    if settings.jobs_feed_url:
        job_tasks.append(asyncio.create_task(jobs.refresh_periodically()))
    job_tasks.append(asyncio.create_task(run_digests(settings, jobs)))
    watcher = asyncio.create_task(knowledge.watch()) if settings.watch_knowledge else None
    retention = asyncio.create_task(run_retention(settings, app.state.rasa)) if settings.retention_days > 0 else None
    try:
        yield
    finally:
        for task in (watcher, retention, *job_tasks):
            if task:
                task.cancel()
        await broker.stop()
        await app.state.rasa.close()
        await app.state.http.aclose()
        await app.state.limiter.aclose()
        worker_stopped()


def _unbatched(embedder: Embedder) -> Embedder:
    """The model itself: the prefetching wrapper's vectors are per chat message, a job search's are not."""
    return embedder.inner if isinstance(embedder, PrefetchingEmbedder) else embedder


def _private_var_dir(var_dir: Path) -> None:
    """var/ holds the databases, the secrets and the logs: no one but this service's user needs to
    look inside (the files in it are private too; this covers what a process creates there later)."""
    try:
        if var_dir.is_dir() and var_dir.stat().st_mode & 0o077:
            var_dir.chmod(0o700)
    except OSError as exc:
        log.warning("could not make %s private (%s)", var_dir, exc)


def _share_knowledge_versions(knowledge: KnowledgeService, broker: Broker) -> None:
    """A reload on any instance (writer's button, file watcher) reaches every instance.

    The notice carries only the version: each instance rebuilds from knowledge/ itself (re-embedding
    nothing when the shared index directory is already current) and ignores a version it has.
    """
    loop = asyncio.get_running_loop()

    def announce(index: KnowledgeIndex) -> None:  # called from the rebuilding thread
        loop.call_soon_threadsafe(broker.notify, "knowledge", {"version": index.version})

    knowledge.on_new_version = announce

    def on_notice(data: dict[str, Any]) -> None:
        if data.get("version") != knowledge.index.version:
            log.info("another instance serves knowledge version %s; reloading", data.get("version"))
            task = loop.create_task(asyncio.to_thread(knowledge.reload))
            _background.add(task)
            task.add_done_callback(_background.discard)

    broker.on_notice("knowledge", on_notice)


_background: set[asyncio.Task[Any]] = set()  # keeps fire-and-forget tasks referenced until done


INVALID_JSON = "The request body is not valid JSON."


def _readable(exc: RequestValidationError) -> str:
    """One sentence a person can act on, instead of pydantic's error list."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        msg = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
        if err.get("type") == "json_invalid":
            return INVALID_JSON
        if err.get("type") == "model_attributes_type" and not loc:  # null, a list, a form, plain text
            return "The request body must be a JSON object."
        if err.get("type") == "string_pattern_mismatch" and loc == "conversation_id":
            msg = "must be 1-64 letters, digits, '-' or '_'"
        parts.append(f"{loc}: {msg}" if loc else msg)
    # A body that a route and its rate-limit dependency both read is validated, and reported, twice.
    return "; ".join(dict.fromkeys(parts)) or "The request is invalid."


# The database did not answer: down, unreachable, locked for longer than CA_DATABASE_TIMEOUT_SECONDS,
# or the connection dropped mid-request. The transaction was rolled back. Other database errors
# (a constraint, a malformed statement) are bugs and stay 500s.
DATABASE_DOWN: tuple[type[Exception], ...] = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
DATABASE_DOWN_DETAIL = "The assistant cannot reach its database right now. Please try again in a minute."


async def _database_down(_: Request, exc: Exception) -> JSONResponse:
    # The driver's own first line ("database is locked", "connection refused"), not the statement.
    reason = getattr(exc, "orig", None) or exc
    first_line = (str(reason).strip().splitlines() or [""])[0][:300]
    log.warning("database unavailable (%s): %s", type(reason).__name__, first_line)
    return JSONResponse({"detail": DATABASE_DOWN_DETAIL}, status_code=503, headers={"Retry-After": "30"})


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title="Candidate Assistant API",
        version="0.1.0",
        description="Chat gateway, knowledge search and pages of the careers-site assistant.",
        lifespan=lifespan,
        # No OpenTelemetry is configured; without this FastAPI asks its providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # FastAPI's pages load their scripts from a CDN that the CSP blocks; /docs is served by
        # api/web/router.py from the app's own copy of Swagger UI, and there is no /redoc.
        docs_url=None,
        redoc_url=None,
    )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _readable(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        # FastAPI answers 400 "There was an error parsing the body" when its JSON parser fails other
        # than on syntax: nesting too deep, bytes that are not UTF-8, a number of thousands of digits.
        # To a client that is the same mistake as any invalid JSON, and gets the same answer.
        if exc.status_code == 400 and isinstance(exc.__cause__, (RecursionError, ValueError)):
            return JSONResponse({"detail": INVALID_JSON}, status_code=422)
        return await http_exception_handler(request, exc)

    for error in DATABASE_DOWN:
        app.add_exception_handler(error, _database_down)

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "Authorization"],
        # The widget on a careers site's own origin reads how long to wait after a 429.
        expose_headers=["Retry-After"],
    )
    app.add_middleware(BodySizeLimit)
    app.add_middleware(SecurityHeaders)
    # Outermost: it sees every 413, 422, 429 and 503, the body-size guard's included.
    app.add_middleware(RejectedRequests)
    # Every router but the health check, the action server's knowledge search and the pages uses the
    # database: each of their operations may answer 503 (`_database_down`).
    db = DATABASE_UNAVAILABLE
    app.include_router(chat_router, responses=db)
    app.include_router(system_router)
    app.include_router(knowledge_router)
    app.include_router(writers_router, responses=db)
    app.include_router(status_router, responses=db)
    app.include_router(users_router, responses=db)
    app.include_router(staff_router, responses=db)
    app.include_router(internal_router, responses=db)
    app.include_router(conversations_router, responses=db)
    app.include_router(insights_router, responses=db)
    app.include_router(metrics_router)
    app.include_router(practice_router)
    app.include_router(jobs_router)
    app.include_router(jobs_internal_router)
    app.include_router(talent_router, responses=db)
    app.include_router(talent_internal_router, responses=db)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/docs/assets", StaticFiles(directory=SWAGGER_UI_DIR), name="docs-assets")
    app.openapi = lambda: _openapi_with_our_422(app)  # type: ignore[method-assign]
    return app


def _openapi_with_our_422(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with every 422 as the API answers it: `{"detail": "<one sentence>"}`
    (`_validation` above), not FastAPI's list of pydantic errors, which no client ever receives."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    ours = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            response = operation.get("responses", {}).get("422")
            if response and "HTTPValidationError" in str(response.get("content", "")):
                response["content"] = ours
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema())
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema


app = create_app()
