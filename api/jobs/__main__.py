"""Command line for the job set.

  python -m api.jobs import PATH_OR_URL [--format F] [--source NAME]
        replace the jobs of source NAME (default: the whole job set, demo jobs included) with a feed's,
        atomically, also while the service runs (it reloads within seconds); prints what changed
  python -m api.jobs seed       import the demo feed (fictional jobs) if no feed was ever imported
  python -m api.jobs show       how many jobs each source has

Formats (detected from the content when --format is not given): greenhouse (Job Board API,
/v1/boards/{token}/jobs?content=true), lever (Postings API, /v0/postings/{company}?mode=json),
smartrecruiters (Posting API, /v1/companies/{id}/postings), jsonld (schema.org JobPosting: a list,
an ItemList, or a careers page with <script type="application/ld+json"> blocks). See docs/jobs.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from api.jobs.adapters import FORMATS, FeedError, parse
from api.knowledge.embedder import Embedder

DEMO_FEED = Path(__file__).resolve().parent / "demo-feed.json"


def _embedder() -> Embedder:
    from api.config import get_settings
    from api.knowledge.embedder import create_embedder

    settings = get_settings()
    return create_embedder(settings.embedder, settings.var_dir / "models")


def _import(location: str, fmt: str | None, source: str | None, *, replace_all: bool) -> int:
    from tqdm import tqdm

    from api.config import get_settings
    from api.db import migrate
    from api.jobs import store
    from api.jobs.feed import fetch

    try:
        if location.startswith(("http://", "https://")):
            fetched = fetch(location, get_settings().jobs_feed_timeout_seconds)
            content, etag, last_modified = fetched.content or b"", fetched.etag, fetched.last_modified
        else:
            path = Path(location)
            if not path.is_file():
                print(f"{location}: no such file", file=sys.stderr)
                return 2
            content, etag, last_modified = path.read_bytes(), "", ""
        found, postings = parse(content, fmt)
    except FeedError as exc:
        print(f"{location}: {exc}; nothing imported, the current jobs stay", file=sys.stderr)
        return 1
    migrate()
    embedder = _embedder()
    with tqdm(unit="text", desc="embedding new and changed jobs", disable=None, leave=False) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done)

        diff = store.import_postings(
            postings,
            source or "feed",
            embedder,
            replace_all=replace_all,
            progress=progress,
            etag=etag,
            last_modified=last_modified,
        )
    print(f"{location} ({found}, {len(postings)} jobs) -> source {source or 'feed'}: {diff}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m api.jobs", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import a job feed (file or URL)")
    imp.add_argument("location", metavar="PATH_OR_URL")
    imp.add_argument("--format", choices=FORMATS, default=None)
    imp.add_argument("--source", default=None, help="replace only this source's jobs (default: the whole job set)")
    sub.add_parser("seed", help="import the demo feed if no feed was ever imported")
    sub.add_parser("show", help="jobs per source")
    args = parser.parse_args(argv)

    if args.command == "import":
        return _import(args.location, args.format, args.source, replace_all=args.source is None)

    from sqlalchemy import func, select

    from api.db import migrate, session_scope
    from api.jobs import store
    from api.jobs.models import Job, JobFeed

    migrate()
    if args.command == "seed":
        with session_scope() as session:
            imported = session.execute(select(func.count()).select_from(JobFeed)).scalar_one()
        if imported:
            print("a job feed was imported already; not importing the demo jobs")
            return 0
        return _import(str(DEMO_FEED), "jsonld", store.DEMO_SOURCE, replace_all=False)
    with session_scope() as session:
        rows = session.execute(select(Job.source, func.count()).group_by(Job.source).order_by(Job.source)).all()
    for source, count in rows:
        print(f"{source}: {count} jobs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
