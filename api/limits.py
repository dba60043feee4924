"""Input limits: request bodies over the limit are refused before they are read into memory, and
text is cleaned of what no person types before it is stored or sent on."""

from __future__ import annotations

import json
import re
from typing import Annotated

from pydantic import AfterValidator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024

# C0 and C1 control characters but tab, line feed and carriage return: invisible in the chat and the
# console, terminal escapes in a log, and NUL cannot be stored in PostgreSQL at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Half of a UTF-16 pair: JSON's "\ud800" escape decodes to it, but no database can store it as text.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Unicode's format characters (category Cf): invisible, and the bidi ones reorder what staff see
# (after U+202E the rest of a line reads backwards). A message of only these was stored and shown as
# if empty. All are removed but the zero-width non-joiner and joiner (U+200C, U+200D), which
# Persian and Indic words and emoji sequences need. As regex escapes, so that the same text serves
# the OpenAPI pattern (ECMA regex, the BMP part) and Python's re; tests/api/test_limits.py checks it
# against unicodedata.
FORMAT_BMP = (
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
_FORMAT_ASTRAL_RANGES = (
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
_FORMAT_ASTRAL = "".join(
    rf"\U{first:08x}" + (rf"-\U{last:08x}" if last != first else "") for first, last in _FORMAT_ASTRAL_RANGES
)
_FORMAT = re.compile(f"[{FORMAT_BMP}{_FORMAT_ASTRAL}]")
# The astral format characters one by one, as characters: an ECMA regex without the u flag reads an
# astral character in a class as its two surrogates (so no ranges, which would be invalid there), and
# Python's re (the schema fuzzer's, and ours) as itself. Without them the pattern let a text of only
# U+110BD through that cleaning left empty: a request valid by the schema refused with a 422.
_FORMAT_ASTRAL_CHARS = "".join(chr(c) for first, last in _FORMAT_ASTRAL_RANGES for c in range(first, last + 1))
# "Not only blank" once cleaned: a character that is not white space, a control character, a
# format character or a lone joiner.
HAS_TEXT = rf"[^\s\x00-\x1f\x7f-\x9f\u200c\u200d{FORMAT_BMP}{_FORMAT_ASTRAL_CHARS}]"


def clean_text(value: str) -> str:
    """Removes control and invisible format characters; refuses text that is not valid Unicode (a
    422 from pydantic)."""
    if _SURROGATE.search(value):
        raise ValueError("the text is not valid Unicode (it holds half of a surrogate pair)")
    return _FORMAT.sub("", _CONTROL.sub("", value))


def has_text(value: str) -> bool:
    """Whether cleaned text holds anything a person can see."""
    return re.search(HAS_TEXT, value) is not None


CleanText = Annotated[str, AfterValidator(clean_text)]


class BodySizeLimit:
    """A declared Content-Length over the limit is refused at once; a body without one (chunked)
    is read up to the limit, refused as soon as it passes it, and replayed to the app otherwise."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.max_bytes:
                await self._refuse(send)
                return
            await self.app(scope, receive, send)
            return
        buffered: list[Message] = []
        size = 0
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {"detail": f"The request body is over {self.max_bytes // 1024} KB; send a shorter message."}
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
