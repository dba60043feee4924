"""Exported CSV cells are shown as text by spreadsheets, never run as formulas (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from api.csv_export import safe_cell, to_csv

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tX", "\rX", "  =1+1"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_a_spreadsheet_would_evaluate_gets_a_leading_quote(cell):
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["what is the salary?", "1 + 1 = 2", "e-mail me", "", "'quoted"])
def test_ordinary_text_is_kept_as_it_is(cell):
    assert safe_cell(cell) == cell


def test_every_cell_is_quoted_and_reads_back_neutralised():
    text = to_csv(["question", "count"], [[cell, 3] for cell in HOSTILE])
    lines = text.splitlines()
    assert lines[0] == '"question","count"' and lines[1] == '"\'=HYPERLINK(""http://x"",""y"")","3"'
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows[1:]] == ["'" + cell for cell in HOSTILE]
