"""Erasure, export and retention of candidates' data, in both tiers (Rasa must be running).

  python -m api.privacy erase --candidate ID       every conversation of a signed-in candidate
  python -m api.privacy erase --email ADDRESS      every conversation that left this contact email
  python -m api.privacy erase --conversation ID    one conversation
  python -m api.privacy export --candidate ID      everything held about the candidate, as JSON
  python -m api.privacy purge [--days N]           conversations idle longer than CA_RETENTION_DAYS (for cron)
  python -m api.privacy audit [--candidate ID]     the erasure audit (who, when, how much; never what)

Erasure deletes from Rasa's tracker store first; when Rasa does not answer nothing is deleted and
the command exits with 1, so running it again is always safe.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from api.config import Settings, get_settings
from api.db import migrate
from api.privacy import service as privacy
from api.rasa_client import DialogueUnavailable, RasaClient


def _subject(parser: argparse.ArgumentParser, conversation: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--candidate", help="verified candidate id (the token's sub)")
    group.add_argument("--email", help="contact email left in the offline hand-off form")
    if conversation:
        group.add_argument("--conversation", help="one conversation id")


async def _with_rasa(settings: Settings, work: Callable[[RasaClient], Awaitable[Any]]) -> Any:
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds, settings.service_secret())
    try:
        return await work(rasa)
    finally:
        await rasa.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m api.privacy", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _subject(sub.add_parser("erase", help="erase a candidate's or one conversation's data from both tiers"), True)
    _subject(sub.add_parser("export", help="print everything held about a candidate as JSON"), False)
    purge = sub.add_parser("purge", help="purge conversations idle longer than the retention period")
    purge.add_argument("--days", type=float, help="retention period (default: CA_RETENTION_DAYS)")
    audit = sub.add_parser("audit", help="show the erasure audit")
    audit.add_argument("--candidate", help="only the erasures of this candidate")
    audit.add_argument("--limit", type=int, default=100)
    args = parser.parse_args(argv)

    settings = get_settings()
    migrate()
    if args.command == "audit":
        print(json.dumps(privacy.audit_log(settings, args.limit, args.candidate), indent=2))
        return 0
    if args.command == "export":
        data = asyncio.run(_with_rasa(settings, lambda r: privacy.export(r, args.candidate, args.email)))
        print(json.dumps(data, indent=2, ensure_ascii=False))
        if data["dialogue_tier"] != "included":
            print(f"warning: Rasa's tracker events are {data['dialogue_tier']}", file=sys.stderr)
        return 0
    try:
        if args.command == "purge":
            days = settings.retention_days if args.days is None else args.days
            if days <= 0:
                print("retention is off (CA_RETENTION_DAYS=0); pass --days N to purge anyway", file=sys.stderr)
                return 2
            removed = asyncio.run(_with_rasa(settings, lambda r: privacy.purge(r, days)))
        else:
            removed = asyncio.run(
                _with_rasa(
                    settings,
                    lambda r: privacy.erase(
                        settings,
                        r,
                        "cli",
                        conversation_id=args.conversation,
                        candidate_id=args.candidate,
                        email=args.email,
                    ),
                )
            )
    except DialogueUnavailable as exc:
        print(
            f"nothing was {args.command}d: {exc}. Start Rasa (or fix the setting) and run this again.", file=sys.stderr
        )
        return 1
    print(
        f"{args.command}d {removed.conversations} conversation(s), {removed.messages} message(s), "
        f"{removed.feedback} rating(s) and {removed.tracker_events} tracker event(s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
