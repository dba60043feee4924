"""Runs the action server (rasa_sdk) with its log records scrubbed of emails, tokens and phone numbers,
answering only Rasa.

Usage: python -m actions --actions actions --port 5055 (the arguments of `python -m rasa_sdk`).

The actions trust the tracker Rasa sends (the verified identity in the message metadata), so a
request to `/webhook` (or `/actions`) must carry the service secret that Rasa presents
(`Authorization: Bearer <CA_SERVICE_TOKEN>`, set in bot/endpoints.yml); anything else is 401.
`/health` stays open: it says nothing but "ok". The check is attached through rasa_sdk's own
plugin hook (`attach_sanic_app_extensions`), its public seam for middleware.
"""

from __future__ import annotations

from typing import Any

import pluggy
import redaction

from rasa_ext.service_auth import authorized

hookimpl = pluggy.HookimplMarker("rasa_sdk")
OPEN_PATHS = frozenset({"/health"})


class OnlyRasa:
    """rasa_sdk plugin: refuses every request but /health that lacks the service secret."""

    def __init__(self, service_token: str) -> None:
        self._service_token = service_token

    @hookimpl
    def attach_sanic_app_extensions(self, app: Any) -> None:
        from sanic.response import json

        token = self._service_token

        @app.middleware("request")
        async def only_rasa(request: Any) -> Any:
            if request.path in OPEN_PATHS or authorized(request.headers.get("authorization"), token):
                return None
            return json({"detail": "Only Rasa may call the action server."}, status=401)


def main() -> None:
    redaction.install()
    from rasa_sdk.__main__ import main as rasa_sdk_main
    from rasa_sdk.plugin import plugin_manager

    from actions.settings import get_settings

    plugin_manager().register(OnlyRasa(get_settings().service_token))
    rasa_sdk_main()


if __name__ == "__main__":
    main()
