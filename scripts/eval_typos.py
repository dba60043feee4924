"""How much a typo costs: each question of the given sets asked spelt right and with one typo in its
longest word, through the knowledge service alone, with and without the spelling correction.

  python scripts/eval_typos.py FILE ...   (single-question sets; default: the dev sets and the holdout)

A question counts as kept when the typo'd one gets the same decision (and, for an answer, the same
first section) as the one spelt right. The typo is a swap of two neighbouring letters, a dropped or a
doubled one, chosen with a fixed seed, so two runs compare.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [
    ROOT.parent / "shared" / "eval" / "dev.yaml",
    *sorted((ROOT / "eval").glob("dev-*.yaml")),
    ROOT / "eval" / "holdout.yaml",
]
_WORD = re.compile(r"[A-Za-z]+")


def with_typo(question: str, rng: random.Random) -> str | None:
    """The question with one typo in its longest word of six letters or more (None when it has none)."""
    words = [w for w in _WORD.findall(question) if len(w) >= 6]
    if not words:
        return None
    word = max(words, key=len)
    i = rng.randrange(1, len(word) - 2)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind == "drop":
        typo = word[:i] + word[i + 1 :]
    else:
        typo = word[:i] + word[i] + word[i:]
    return question.replace(word, typo, 1)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from api.config import get_settings
    from api.knowledge.service import KnowledgeService
    from api.knowledge.spelling import Speller

    service = KnowledgeService.start(get_settings())
    speller = service.index.speller
    rng = random.Random(7)

    def outcome(question: str) -> tuple[str, str | None]:
        d = service.ask(question)
        return d.kind, d.passages[0].id if d.kind == "answer" and d.passages else None

    total = kept_with = kept_without = 0
    for path in [Path(a) for a in argv] or DEFAULT:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if "ask" not in case or case.get("kind") not in ("answer", "out_of_scope"):
                continue
            typo = with_typo(case["ask"], rng)
            if typo is None:
                continue
            service.index.speller = speller
            right, corrected = outcome(case["ask"]), outcome(typo)
            service.index.speller = Speller()
            plain = outcome(typo)
            total += 1
            kept_with += corrected == right
            kept_without += plain == right
    service.index.speller = speller
    print(
        f"typos: {total} questions with one typo; the decision of the question spelt right kept "
        f"{kept_with} times with the spelling correction, {kept_without} without"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
