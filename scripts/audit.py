"""`make audit`: pip-audit over both tiers' pinned requirements. Fails on any known vulnerability that
requirements/audit-ignore.txt does not accept with a written reason, and says plainly when the audit
did not happen (no vulnerability service reachable: pip-audit then skips every package and reports
"No known vulnerabilities found").

Exit status: 0 audited and clean (accepted vulnerabilities aside); 1 a vulnerability to fix, or an
ignore entry without a reason; 2 a requirements file could not be audited at all, unless
AUDIT_OFFLINE_OK=1, which turns that into a warning (for machines without network access).
Standard library only; runs with the interpreter that has pip-audit (.venv-api).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IGNORE_FILE = ROOT / "requirements" / "audit-ignore.txt"
OK, VULNERABLE, NOT_AUDITED = 0, 1, 2
# The project's own packages, installed from a local path (e.g. ./libs/redaction): pip-audit lists them
# as skipped ("-/libs/redaction"), but there is nothing to look up in a vulnerability service.
OWN_PACKAGES = "libs/"


def read_ignores(text: str) -> dict[str, str]:
    """`ID  reason` per line, `#` comments; an ID without a reason is an error (the point of the file)."""
    ignores: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise ValueError(f"{IGNORE_FILE.name}:{number}: {vuln_id} has no reason; write why it is accepted")
        ignores[vuln_id] = reason.strip()
    return ignores


@dataclass
class Outcome:
    code: int = OK
    lines: list[str] = field(default_factory=list)


def decide(reports: dict[str, dict[str, Any] | None], ignores: dict[str, str], offline_ok: bool) -> Outcome:
    """What the audit found, from pip-audit's JSON per requirements file (None: pip-audit failed)."""
    out = Outcome()
    found, accepted, not_audited = [], [], []
    for name, report in reports.items():
        deps = [d for d in (report or {}).get("dependencies", []) if OWN_PACKAGES not in d["name"]]
        audited = [d for d in deps if "skip_reason" not in d]
        skipped = [d for d in deps if "skip_reason" in d]
        if not audited:
            reason = skipped[0]["skip_reason"] if skipped else "pip-audit gave no result"
            not_audited.append(f"{name}: none of {len(deps)} packages could be checked (e.g. {reason})")
            continue
        if skipped:
            out.lines.append(
                f"WARNING: {name}: {len(skipped)} of {len(deps)} packages could not be audited: "
                + ", ".join(sorted(d["name"] for d in skipped))
            )
        for dep in audited:
            for vuln in dep.get("vulns", []):
                ids = {vuln["id"], *vuln.get("aliases", [])}
                label = f"{dep['name']} {dep.get('version', '?')}: {vuln['id']}"
                accepted_as = sorted(ids & ignores.keys())
                if accepted_as:
                    accepted.append(f"{label} (accepted: {ignores[accepted_as[0]]})")
                else:
                    fix = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
                    found.append(f"{label}; fixed in {fix} ({name})")
    out.lines += [f"accepted: {line}" for line in accepted]
    if found:
        out.code = VULNERABLE
        out.lines += [f"VULNERABLE: {line}" for line in found]
        out.lines.append(f"Upgrade these, or accept each in {IGNORE_FILE.name} with the reason (see README).")
    if not_audited:
        out.lines += [f"WARNING: THE DEPENDENCY AUDIT DID NOT HAPPEN for {line}" for line in not_audited]
        out.lines.append(
            "Is pip-audit's vulnerability service (PyPI's JSON API) reachable from here? "
            + (
                "AUDIT_OFFLINE_OK=1: not failing for it."
                if offline_ok
                else "Set AUDIT_OFFLINE_OK=1 to go on without it."
            )
        )
        if not offline_ok and out.code == OK:
            out.code = NOT_AUDITED
    if out.code == OK and not not_audited:
        out.lines.append(f"audited {', '.join(reports)}: no known vulnerability without a written reason")
    return out


def run_pip_audit(pip_audit: str, requirements: str, ignores: dict[str, str]) -> dict[str, Any] | None:
    cmd = [pip_audit, "-r", requirements, "--no-deps", "--disable-pip", "-f", "json"]
    cmd += ["--progress-spinner", "off", "--aliases", "on", "--desc", "off"]
    for vuln_id in ignores:
        cmd += ["--ignore-vuln", vuln_id]
    try:
        # pip-audit exits 1 both for "vulnerabilities found" (JSON on stdout) and for its own errors.
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        print(f"pip-audit on {requirements} did not finish in 15 minutes", file=sys.stderr)
        return None
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit on {requirements} failed: {result.stderr.strip()[-500:]}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", nargs="+", help="pinned requirements files")
    default = shutil.which("pip-audit", path=str(Path(sys.executable).parent)) or "pip-audit"
    parser.add_argument("--pip-audit", default=default, help="the pip-audit executable")
    parser.add_argument("--ignore-file", type=Path, default=IGNORE_FILE)
    args = parser.parse_args(argv)
    try:
        ignores = read_ignores(args.ignore_file.read_text(encoding="utf-8") if args.ignore_file.exists() else "")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return VULNERABLE
    reports = {name: run_pip_audit(args.pip_audit, name, ignores) for name in args.requirements}
    outcome = decide(reports, ignores, offline_ok=os.environ.get("AUDIT_OFFLINE_OK") == "1")
    print("\n".join(outcome.lines))
    return outcome.code


if __name__ == "__main__":
    sys.exit(main())
