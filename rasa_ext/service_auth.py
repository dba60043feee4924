"""The check both dialogue-tier servers make on a caller: `Authorization: Bearer <CA_SERVICE_TOKEN>`.

Kept free of Rasa imports: the action server uses it too, and must not load Rasa to start.
"""

from __future__ import annotations

import hmac


def authorized(header: str | None, service_token: str) -> bool:
    """`Bearer <service token>`, compared in constant time; an empty configured token opens nothing."""
    if not service_token or not header or header[:7].lower() != "bearer ":
        return False
    return hmac.compare_digest(header[7:].strip().encode(), service_token.encode())
