"""Command line for the knowledge base.

python -m api.knowledge build        build (or update) the index under var/index
python -m api.knowledge check        report problems in knowledge/ as file:line: message
python -m api.knowledge ask "..."    show what the assistant would answer, with the runners-up
"""

from __future__ import annotations

import argparse
import logging
import sys

from api.config import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m api.knowledge", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="build or update the index")
    sub.add_parser("check", help="check the documents")
    ask = sub.add_parser("ask", help="preview the answer to a question")
    ask.add_argument("question")
    ask.add_argument("--previous", default=None, help="the previous question, for a follow-up")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings()

    if args.command == "check":
        # The same checks as every reload, near-duplicate sections included (they need the model).
        from api.knowledge.embedder import create_embedder
        from api.knowledge.index import build_index

        logging.getLogger("api.knowledge.index").setLevel(logging.WARNING)
        embedder = create_embedder(settings.embedder, settings.var_dir / "models")
        index = build_index(settings.knowledge_dir, settings.index_dir, embedder)
        for problem in index.problems:
            print(problem)
        print(f"{index.documents} documents, {len(index.sections)} sections, {len(index.problems)} problems")
        return 1 if index.problems else 0

    from api.knowledge.service import KnowledgeService

    service = KnowledgeService.start(settings)
    if args.command == "build":
        index = service.index
        print(
            f"index {index.version}: {index.documents} documents, {len(index.sections)} sections"
            f" -> {settings.index_dir}"
        )
        return 1 if index.problems else 0

    decision = service.ask(args.question, args.previous)
    params = service.params
    uncovered = (
        ""
        if decision.uncovered is None
        else f", uncovered {decision.uncovered:.2f} (refused from {params.refuse_above_when_flagged:.2f} with NLU's out_of_scope)"
    )
    print(
        f"decision: {decision.kind}   (searched: {decision.query!r}; answer threshold {params.answer_threshold:.2f}{uncovered})"
    )
    for n, p in enumerate(decision.ranked):
        mark = "*" if p in decision.passages else " "
        example = f"   [example: {p.matched_example!r}]" if p.matched_example else ""
        print(f"{mark} {n + 1}. {p.score:.3f} (cos {p.cosine:.3f})  {p.doc} — {p.heading}{example}")
    for p in decision.passages if decision.kind == "answer" else []:
        print(f"\n{p.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
