"""Defence in depth for the logs of both tiers' processes (Rasa, the action server, the API): emails,
tokens and phone numbers are replaced in every log record (message and traceback) before any
handler sees it.

The first defence is that no code logs personal data; this catches what a library echoes on an
error path. Message text and status details cannot be recognised by a pattern, so they must never
be logged at all (SQL parameters are hidden for that reason, see api/db.py and rasa_ext/tracker_store.py).
One package, installed into both environments (requirements/api.txt and requirements/rasa.txt):
standard library only, Python 3.10 and later.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

PATTERNS: list[tuple[str, str]] = [
    # A JWT (candidate tokens) or any bearer credential.
    (r"\beyJ[\w-]*\.[\w-]*\.[\w-]*", "<token>"),
    (r"(?i)\b(bearer)\s+[\w.~+/=-]{8,}", r"\1 <token>"),
    (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "<email>"),
    # 9 to 15 digits with the usual separators, optionally after a +; dates and times are spared below.
    (r"(?<![\w.:/-])\+?\(?\d(?:[\s().-]{0,2}\d){8,14}(?![\w:/-])", "<phone>"),
]
_COMPILED = [(re.compile(p), r) for p, r in PATTERNS]
_DATE_OR_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}:\d{2}|^\d+\.\d+$")


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    return text if _DATE_OR_TIME.search(text) else "<phone>"


def redact(text: str) -> str:
    for pattern, replacement in _COMPILED:
        text = pattern.sub(_phone if replacement == "<phone>" else replacement, text)
    return text


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: logging reports it when the record is emitted
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install() -> None:
    """Scrub every record this process creates (a record factory survives later logging set-ups,
    which replace handlers and filters)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub(record)
        return record

    factory.redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
