"""CSV files for people to open in a spreadsheet: every export of the service tier goes through here.

A cell that starts with `=`, `+`, `-` or `@` is a formula to Excel, LibreOffice and Google Sheets,
and some also read one after a tab, a carriage return or leading spaces. Exported cells hold what
anyone typed into the chat, so, as OWASP advises for CSV injection, such a cell gets a leading `'`
(shown as text, not run) and every cell is quoted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA = ("=", "+", "-", "@")
FORMULA_AFTER_WHITESPACE = ("\t", "\r")


def safe_cell(value: object) -> str:
    """The value as text that a spreadsheet shows and never evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA + FORMULA_AFTER_WHITESPACE) or text.lstrip().startswith(FORMULA):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([safe_cell(c) for c in header])
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return out.getvalue()
