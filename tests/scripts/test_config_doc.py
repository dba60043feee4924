"""One source for configuration: `.env.example` lists every setting of both tiers with its default, and
docs/operations.md's table is generated from it (scripts/config_doc.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from api.config import Settings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import config_doc  # noqa: E402

EXAMPLE = config_doc.variables(config_doc.EXAMPLE.read_text(encoding="utf-8"))
# Where the dialogue tier and the start-up script read their CA_* variables.
DIALOGUE_SOURCES = [ROOT / "bot" / "endpoints.yml", ROOT / "bot" / "credentials.yml", ROOT / "actions" / "settings.py"]
DIALOGUE_SOURCES += sorted((ROOT / "rasa_ext").rglob("*.py"))


def test_every_setting_of_the_service_tier_is_in_the_example():
    missing = sorted(f"CA_{name.upper()}" for name in Settings.model_fields if f"CA_{name.upper()}" not in EXAMPLE)
    assert not missing, f"add to .env.example (with a comment saying what it does): {missing}"


def test_every_variable_of_the_example_is_read_by_someone():
    read = {f"CA_{name.upper()}" for name in Settings.model_fields}
    for path in DIALOGUE_SOURCES:
        read |= set(re.findall(r"CA_[A-Z0-9_]+", path.read_text(encoding="utf-8")))
    unknown = sorted(set(EXAMPLE) - read)
    assert not unknown, f"nothing reads these .env.example variables: {unknown}"


def test_the_example_gives_the_service_tiers_defaults(monkeypatch):
    for variable in EXAMPLE:
        monkeypatch.delenv(variable, raising=False)
    defaults = Settings(_env_file=None)
    for name in Settings.model_fields:
        value = EXAMPLE[f"CA_{name.upper()}"]
        if value == "":  # "empty": a default computed at start-up (a generated secret, the SQLite file, ...)
            continue
        with monkeypatch.context() as env:  # read as the process reads it: from the environment
            env.setenv(f"CA_{name.upper()}", value)
            parsed = getattr(Settings(_env_file=None), name)
        default = getattr(defaults, name)
        if isinstance(default, Path):
            parsed = (ROOT / parsed).resolve() if not Path(parsed).is_absolute() else parsed
        assert parsed == default, f"CA_{name.upper()}: .env.example says {value!r}, the settings class {default!r}"


def test_the_documented_table_is_the_one_generated_from_the_example():
    doc = config_doc.DOC.read_text(encoding="utf-8")
    assert config_doc.rewritten(doc, config_doc.EXAMPLE.read_text(encoding="utf-8")) == doc, (
        "docs/operations.md's configuration table is out of date: run python scripts/config_doc.py"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# one\nCA_A=1\nCA_B=\n\n# two\n# lines\nCA_C=x\n", [(["CA_A", "CA_B"], "one"), (["CA_C"], "two lines")]),
        ("# group\n\n# own\nCA_A=1\n# next\nCA_B=2\n", [(["CA_A"], "own"), (["CA_B"], "next")]),
    ],
)
def test_rows_take_the_comment_just_above_a_run_of_variables(text, expected):
    assert [(r.names, r.meaning) for r in config_doc.rows(text)] == expected
