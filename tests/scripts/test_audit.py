"""The decision logic of `make audit` (scripts/audit.py) on pip-audit's JSON, and its wiring with a
stand-in pip-audit: no vulnerability service answers on this project's machine, so these outputs are
written by hand in pip-audit's format."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# scripts/ is not a package: load the file as a module (registered, as its dataclasses need).
_spec = importlib.util.spec_from_file_location("scripts_audit", ROOT / "scripts" / "audit.py")
assert _spec and _spec.loader
audit = sys.modules["scripts_audit"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

SKIPPED = {"name": "alembic", "skip_reason": "Dependency not found on PyPI and could not be audited: alembic (1.20.1)"}
CLEAN = {"name": "fastapi", "version": "0.165.0", "vulns": []}
VULNERABLE = {
    "name": "jinja2",
    "version": "3.1.2",
    "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": ["CVE-2024-22195"]}],
}


def report(*deps):
    return {"dependencies": list(deps), "fixes": []}


def test_nothing_audited_is_an_error_saying_the_audit_did_not_happen():
    outcome = audit.decide({"api.txt": report(SKIPPED, SKIPPED)}, {}, offline_ok=False)
    assert outcome.code == audit.NOT_AUDITED
    assert any("THE DEPENDENCY AUDIT DID NOT HAPPEN for api.txt: none of 2 packages" in line for line in outcome.lines)


def test_the_offline_opt_out_passes_but_still_says_the_audit_did_not_happen():
    outcome = audit.decide({"api.txt": report(SKIPPED)}, {}, offline_ok=True)
    assert outcome.code == audit.OK
    assert any("DID NOT HAPPEN" in line for line in outcome.lines)
    assert not any("no known vulnerability" in line for line in outcome.lines)


def test_pip_audit_failing_counts_as_not_audited():
    outcome = audit.decide({"api.txt": report(CLEAN), "rasa.txt": None}, {}, offline_ok=False)
    assert outcome.code == audit.NOT_AUDITED
    assert any("DID NOT HAPPEN for rasa.txt" in line for line in outcome.lines)


def test_a_clean_audit_passes():
    outcome = audit.decide({"api.txt": report(CLEAN), "rasa.txt": report(CLEAN)}, {}, offline_ok=False)
    assert outcome.code == audit.OK
    assert outcome.lines == ["audited api.txt, rasa.txt: no known vulnerability without a written reason"]


def test_a_vulnerability_without_a_reason_fails_naming_the_fix():
    outcome = audit.decide({"api.txt": report(CLEAN, VULNERABLE)}, {}, offline_ok=False)
    assert outcome.code == audit.VULNERABLE
    assert "VULNERABLE: jinja2 3.1.2: GHSA-h5c8-rqwp-cp95; fixed in 3.1.3 (api.txt)" in outcome.lines


@pytest.mark.parametrize("listed_as", ["GHSA-h5c8-rqwp-cp95", "CVE-2024-22195"])
def test_a_vulnerability_accepted_with_a_reason_passes_and_is_shown(listed_as):
    ignores = {listed_as: "only the sandboxed environment is affected; we render no templates"}
    outcome = audit.decide({"api.txt": report(VULNERABLE)}, ignores, offline_ok=False)
    assert outcome.code == audit.OK
    assert any(line.startswith("accepted: jinja2 3.1.2") and "sandboxed" in line for line in outcome.lines)


def test_a_vulnerability_fails_even_with_the_offline_opt_out_and_another_file_unaudited():
    reports = {"api.txt": report(VULNERABLE), "rasa.txt": report(SKIPPED)}
    assert audit.decide(reports, {}, offline_ok=True).code == audit.VULNERABLE


def test_packages_that_could_not_be_audited_are_listed_when_the_rest_was():
    outcome = audit.decide({"api.txt": report(CLEAN, SKIPPED)}, {}, offline_ok=False)
    assert outcome.code == audit.OK
    assert "WARNING: api.txt: 1 of 2 packages could not be audited: alembic" in outcome.lines


def test_an_ignore_entry_needs_a_reason():
    text = "# comment\n\nGHSA-aaaa-bbbb-cccc  not reachable: we never parse untrusted YAML (issue #12)\n"
    assert audit.read_ignores(text) == {
        "GHSA-aaaa-bbbb-cccc": "not reachable: we never parse untrusted YAML (issue #12)"
    }
    with pytest.raises(ValueError, match="PYSEC-2024-1 has no reason"):
        audit.read_ignores("PYSEC-2024-1\n")


def test_the_project_ignore_file_parses():
    audit.read_ignores(audit.IGNORE_FILE.read_text(encoding="utf-8"))


def fake_pip_audit(tmp_path: Path, output: dict | None) -> Path:
    """A stand-in executable: records its arguments, prints `output` as pip-audit's JSON (or fails)."""
    script = tmp_path / "pip-audit"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"open({str(tmp_path / 'args.json')!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"output = {output!r}\n"
        "if output is None:\n"
        "    sys.exit('ConnectionError: api.osv.dev: Name or service not known')\n"
        "print(json.dumps(output))\n"
        "sys.exit(1 if any(d.get('vulns') for d in output['dependencies']) else 0)\n"
    )
    script.chmod(0o755)
    return script


def run_main(tmp_path, capsys, output, ignore_text="", *, offline_ok=False, monkeypatch=None):
    ignore_file = tmp_path / "audit-ignore.txt"
    ignore_file.write_text(ignore_text)
    if offline_ok:
        monkeypatch.setenv("AUDIT_OFFLINE_OK", "1")
    pip_audit = fake_pip_audit(tmp_path, output)
    code = audit.main(["a.txt", "r.txt", "--pip-audit", str(pip_audit), "--ignore-file", str(ignore_file)])
    args = [json.loads(line) for line in (tmp_path / "args.json").read_text().splitlines()]
    return code, capsys.readouterr().out, args


def test_main_passes_the_accepted_ids_to_pip_audit_and_fails_on_the_rest(tmp_path, capsys):
    code, out, args = run_main(tmp_path, capsys, report(VULNERABLE), "PYSEC-2099-1  no fix released yet\n")
    assert code == audit.VULNERABLE and "VULNERABLE: jinja2" in out
    assert args[0][:6] == ["-r", "a.txt", "--no-deps", "--disable-pip", "-f", "json"]
    assert args[0][-2:] == ["--ignore-vuln", "PYSEC-2099-1"] and args[1][1] == "r.txt"


def test_main_without_a_reachable_service_fails_unless_opted_out(tmp_path, capsys, monkeypatch):
    code, out, _ = run_main(tmp_path, capsys, None)
    assert code == audit.NOT_AUDITED and "DID NOT HAPPEN for a.txt" in out and "DID NOT HAPPEN for r.txt" in out
    code, out, _ = run_main(tmp_path, capsys, None, offline_ok=True, monkeypatch=monkeypatch)
    assert code == audit.OK and "DID NOT HAPPEN" in out


def test_the_projects_own_packages_installed_from_a_path_are_not_reported_as_unaudited():
    own = {"name": "-/libs/redaction", "skip_reason": "could not deduce package version from URL requirement"}
    outcome = audit.decide({"api.txt": report(CLEAN, own)}, {}, offline_ok=False)
    assert outcome.code == audit.OK
    assert outcome.lines == ["audited api.txt: no known vulnerability without a written reason"]
