"""Command line for the built-in application-status store.

  python -m api.status import FILE.csv   load or update candidates and applications (all rows or none)
  python -m api.status seed              load the demo candidates if the store is empty
  python -m api.status show CANDIDATE    print one candidate's applications

CSV columns: candidate_id, candidate_name, candidate_email, application_id, job_title,
requisition_id, location, stage (application_received | assessment | phone_interview |
interview_loop | decision), state (active | offer | not_selected | withdrawn),
last_update (YYYY-MM-DD), next_step. See api/status/demo.csv.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from api.status.store import import_csv, seed_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m api.status", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import a CSV file")
    imp.add_argument("file", type=Path)
    sub.add_parser("seed", help="load the demo candidates into an empty store")
    show = sub.add_parser("show", help="show a candidate's applications")
    show.add_argument("candidate")
    args = parser.parse_args(argv)

    if args.command == "import":
        if not args.file.is_file():
            print(f"{args.file}: no such file", file=sys.stderr)
            return 2
        count, problems = import_csv(args.file)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"nothing imported: {len(problems)} problem(s)", file=sys.stderr)
            return 1
        print(f"imported {count} application(s) from {args.file}")
        return 0
    if args.command == "seed":
        count = seed_demo()
        print(f"seeded {count} demo application(s)" if count else "status store already has candidates; not seeding")
        return 0

    from api.config import get_settings
    from api.db import migrate
    from api.status.adapters import create_adapter

    migrate()
    for app in asyncio.run(create_adapter(get_settings()).applications(args.candidate)):
        print(
            f"{app.id}  {app.job_title} ({app.requisition_id}, {app.location}): {app.stage_label}, {app.state_label}, {app.last_update}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
