"""Command line for the knowledge base.

python -m api.knowledge build        build (or update) the index under var/index
python -m api.knowledge check        report problems in knowledge/ as file:line: message, sentences
                                     the source does not state included (--explain: every sentence)
python -m api.knowledge ask "..."    show what the assistant would answer, with the runners-up
python -m api.knowledge follow-ups   fit the follow-up model on the dev conversations (CA_COVERAGE_SETS)
                                     and write api/knowledge/follow_ups.npz (--dry-run: figures only)
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
    check = sub.add_parser("check", help="check the documents, and each sentence against the source")
    check.add_argument(
        "--explain", action="store_true", help="print every sentence with its score and supporting source sentence"
    )
    ask = sub.add_parser("ask", help="preview the answer to a question")
    ask.add_argument("question")
    ask.add_argument("--previous", default=None, help="the previous question, for a follow-up")
    follow = sub.add_parser("follow-ups", help="fit the follow-up model on the dev conversations")
    follow.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings()

    if args.command == "check":
        # The same checks as every reload, near-duplicate sections included (they need the model),
        # then every sentence against the source documents.
        from api.knowledge.embedder import create_embedder
        from api.knowledge.grounding import GroundingChecker
        from api.knowledge.index import build_index
        from api.knowledge.service import labelled_sets

        logging.getLogger("api.knowledge.index").setLevel(logging.WARNING)
        embedder = create_embedder(settings.embedder, settings.var_dir / "models")
        # Built as the service builds it: the labelled questions' vectors cached under var/index/ are
        # this build's, so a check with fewer would make the running service's next reload embed them all
        # again.
        index = build_index(
            settings.knowledge_dir, settings.index_dir, embedder, settings.nlu_data, labelled_sets(settings)
        )
        grounding = GroundingChecker(embedder).report(settings.knowledge_dir, settings.knowledge_sources)
        if args.explain:
            for s in grounding.sentences:
                best = s.support[0] if s.support else None
                where = f"{best.path}:{best.line}: {best.text}" if best else "-"
                print(f"{s.claim.doc}:{s.claim.line}: {s.status} {s.score:.2f}: {s.claim.text}\n    <- {where}")
        problems = index.problems + grounding.problems
        for problem in problems:
            print(problem)
        general = sum(s.status == "general" for s in grounding.sentences)
        print(
            f"{index.documents} documents, {len(index.sections)} sections, {len(index.problems)} problems; "
            f"{len(grounding.sentences)} sentences against {', '.join(grounding.sources) or 'no source'}: "
            f"{len(grounding.not_found)} not found in the source, {general} marked general"
        )
        return 1 if problems else 0

    from api.knowledge.service import KnowledgeService

    if args.command == "follow-ups":
        return _fit_follow_ups(
            KnowledgeService.start(settings.model_copy(update={"follow_up_model": False})), args.dry_run
        )
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


# The levels tried for refusing a follow-up, highest first on ties (a refusal of a right answer costs a
# candidate more than one more answer of a question the topic does not cover).
_LEVELS = [0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96]


def _fit_follow_ups(service, dry_run: bool) -> int:
    """Replays the dev conversations, chooses the level leaving each file out, fits on all, writes."""
    import numpy as np

    from api.knowledge import follow_ups
    from api.knowledge.service import labelled_sets

    paths = [p for p in labelled_sets(service.settings) if "conversations" in p.name]
    cases = follow_ups.collect(service, paths)
    refuse = [c for c in cases if c.refuse]
    if not cases or not refuse:
        print("no answered follow-ups expecting a refusal in the dev conversations: nothing to fit")
        return 1
    x = follow_ups.features(
        np.vstack([c.qvec for c in cases]), np.vstack([c.svec for c in cases]), np.array([c.p_uncovered for c in cases])
    )
    y = np.array([int(c.refuse) for c in cases])
    right = np.array([c.right for c in cases])
    held_out = follow_ups.held_out_probabilities(x, y, [c.where for c in cases])
    for level in _LEVELS:
        above = held_out > level
        print(
            f"  level {level:.2f}: refused {int((above & (y == 1)).sum())} of {len(refuse)} expecting a refusal, "
            f"{int((above & right).sum())} of {int(right.sum())} right answers (each file left out)"
        )
    level, caught, lost = follow_ups.best_threshold(held_out, y, right, _LEVELS)
    print(
        f"{len(paths)} files, {len(cases)} answered follow-ups: level {level:.2f} "
        f"(left out: +{caught} refusals, -{lost} right answers)"
    )
    if dry_run:
        return 0
    model = follow_ups.fit(x, y, level)
    model.save(follow_ups.WEIGHTS)
    print(f"-> {follow_ups.WEIGHTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
