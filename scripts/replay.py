"""Replays the answer and out-of-scope turns of evaluation files through the knowledge service alone
(no Rasa, no gateway), conversations with their context as the dialogue tier keeps it, one line per turn:
`id OK|FAIL kind decision heading | intent P(uncovered) top-score`. A quick, repeatable measure of a
knowledge change on the dev sets before the stack's `make eval`; small talk and look-ups are the dialogue
tier's and are skipped. With --intents (scripts/nlu_intents.py), a turn NLU calls out of scope is sent
with that flag, as the dialogue tier sends it.

    PYTHONPATH=.:libs/redaction .venv-api/bin/python scripts/replay.py OUT.txt eval/dev-*.yaml [--intents F]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def judge(turn: dict, kind: str, text: str) -> bool:
    if turn["kind"] == "out_of_scope":
        return kind == "fallback"
    low = text.lower()
    return kind == "answer" and all(any(w.lower() in low for w in g) for g in turn.get("must_mention") or [])


def main() -> None:
    from api.config import get_settings
    from api.knowledge.context import Context
    from api.knowledge.search import search_text
    from api.knowledge.service import KnowledgeService

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--intents", help="JSON of NLU's intents by message (scripts/nlu_intents.py)")
    args = parser.parse_args()
    intents = json.loads(Path(args.intents).read_text(encoding="utf-8")) if args.intents else {}
    svc = KnowledgeService.start(get_settings())
    ok = total = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for name in args.files:
            for item in yaml.safe_load(Path(name).read_text(encoding="utf-8")) or []:
                turns = item.get("turns") or [item]
                ctx, previous = Context(), None
                for n, turn in enumerate(turns, 1):
                    if turn.get("kind") not in ("answer", "out_of_scope"):
                        continue
                    asked = turn["ask"]
                    # The gateway's vector of the message, as the stack passes it in a conversation.
                    qvec = svc.embedder.encode([search_text(svc.index, asked)]) if ctx.doc is not None else None
                    intent = intents.get(asked, [""])[0]
                    d = svc.ask(asked, previous, likely_uncovered=intent == "out_of_scope", qvec=qvec, ctx=ctx)
                    if d.context is not None:
                        ctx = d.context
                    if d.kind in ("answer", "clarify"):
                        previous = d.query
                    good = judge(turn, d.kind, " ".join(p.text for p in d.passages))
                    ok += good
                    total += 1
                    iid = item["id"] + (f"#{n}" if "turns" in item else "")
                    head = d.passages[0].heading[:40] if d.passages else ""
                    unc = None if d.uncovered is None else round(d.uncovered, 3)
                    top = round(d.ranked[0].score, 3) if d.ranked else None
                    verdict = "OK" if good else "FAIL"
                    print(f"  {iid} {verdict} {turn['kind']} {d.kind} {head} | {intent} {unc} {top}", file=out)
        print(f"TOTAL {ok}/{total}", file=out)
    print(f"TOTAL {ok}/{total}")


if __name__ == "__main__":
    main()
