"""Command line for interview practice.

python -m api.practice check      check practice/*.md (file:line: message); exit 1 on a problem
python -m api.practice train      fit the sentence-role classifier on eval/practice/train*.yaml (dataset.TRAINING)
                                  (--compare: print each variant's figures on the dev part first)
python -m api.practice eval       the figures on the dev part and every held-out part, and the review time;
                                  exit 1 unless each judgement's 95 % lower bound over all held-out parts
                                  together is at least 90 % (docs/practice.md, "The gate")
python -m api.practice measure    the figures on the dev part and 6-fold cross-validation over train+dev
                                  only (never a held-out part), and the review time: for tuning
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from api.config import get_settings
from api.practice import dataset
from api.practice.bank import Bank, load_bank
from api.practice.dataset import ROLES
from api.practice.review import PARTS, review
from api.practice.roles import Encoder, RoleModel, fit

TARGET = 0.90
# The classifier's regularisation, chosen on the dev part (`train --compare`).
CHOSEN_C = 4.0
CHOSEN_FEATURES = "words"
# Offset on the situation's log-probability before decoding (api/practice/roles.py), chosen with
# `train --compare` on the dev part and on 6-fold cross-validation over the train and dev answers
# (the dev part alone has 19 stories: one story is 5 points). -1.0 until the position cues of issue #20's
# third round; with them -0.5 does best on dev and cross-validation together (docs/practice.md).
SITUATION_OFFSET = -0.5


def _encoder() -> Encoder:
    from api.knowledge.embedder import create_embedder

    settings = get_settings()
    return create_embedder(settings.embedder, settings.var_dir / "models")


def figures(
    items: list[dataset.Labelled],
    model: RoleModel,
    encoder: Encoder | None,
    bank: Bank,
    errors: dict[str, list[str]] | None = None,
) -> dict[str, float]:
    """Share of answers judged right, each judgement on its own (docs/practice.md says which is which).
    `errors`, if given, gets the ids of the answers each judgement got wrong (for train and dev only)."""
    stories = [x for x in items if x.kind == "story"]
    others = [x for x in items if x.kind != "story"]
    right: dict[str, int] = {f"{p} present": 0 for p in PARTS}
    right.update({"quantified result": 0, "I/we": 0, "story recognised": 0})
    sentences = correct_sentences = 0
    for x in stories:
        r = review(x.text, model, encoder, bank)
        # The review splits the text itself; the labels hold when it splits as the set does.
        gold_present = {dataset.ROLE_NAMES[role] for role in x.roles if role != "O"}
        judged = {f"{p} present": (p in gold_present) == bool(r.parts[p]) for p in PARTS}
        judged["quantified result"] = r.quantified_result == x.quantified
        judged["I/we"] = (r.first_person["we"] > r.first_person["i"]) == x.we_dominates
        judged["story recognised"] = r.kind == "story"
        for k, ok in judged.items():
            right[k] += ok
            if errors is not None and not ok:
                errors.setdefault(k, []).append(x.id)
        if len(r.roles) == len(x.roles):
            sentences += len(x.roles)
            correct_sentences += sum(a == b for a, b in zip(r.roles, x.roles, strict=True))
    out = {k: v / len(stories) for k, v in right.items()} if stories else {}
    if others:
        out["non-stories recognised"] = sum(review(x.text, model, None, bank).kind != "story" for x in others) / len(
            others
        )
        out["non-story kind exact"] = sum(review(x.text, model, None, bank).kind == x.kind for x in others) / len(
            others
        )
    if sentences:
        out["sentence roles"] = correct_sentences / sentences
    out["answers"] = len(items)
    out["stories"] = len(stories)
    return out


def _print(label: str, figs: dict[str, float]) -> bool:
    print(f"{label}: {int(figs['answers'])} answers, {int(figs['stories'])} stories")
    ok = True
    for k, v in figs.items():
        if k in ("answers", "stories"):
            continue
        gated = k in GATED
        mark = ("ok " if v >= TARGET else "LOW") if gated else "   "
        ok &= v >= TARGET or not gated
        print(f"  {mark} {k:<24} {v * 100:5.1f} %")
    return ok


# The judgements held to the target (the others are printed for information).
GATED = (*(f"{p} present" for p in PARTS), "quantified result", "I/we", "non-stories recognised")


def lower_bound(share: float, n: int, z: float = 1.96) -> float:
    """The lower end of the 95 % Wilson interval of a share measured on n answers: what the true share is
    at least, with 95 % confidence, given the sample."""
    if n <= 0:
        return 0.0
    centre = share + z * z / (2 * n)
    spread = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def chance_of_low(share: float, n: int, target: float = TARGET) -> float:
    """P(a part of n answers measures below `target`) for a judgement whose true share is `share`."""
    need = math.ceil(target * n - 1e-9)
    return sum(math.comb(n, k) * share**k * (1 - share) ** (n - k) for k in range(need))


def _gate(figs: dict[str, float], parts: list[dict[str, float]]) -> bool:
    """The held-out gate: every gated judgement's 95 % lower bound over all held-out parts together is at
    or above the target. Each part alone has 24 to 88 stories, where one story is 1-4 points: at the
    pooled shares, about four of the parts' figures fall below 90 % by chance alone (printed), so a part
    below the target is reported, not a failure of the model (docs/practice.md)."""
    stories, others = int(figs["stories"]), int(figs["answers"] - figs["stories"])
    ok, expected = True, 0.0
    print("gate: the 95 % lower bound of each judgement over all held-out parts together")
    for k, v in figs.items():
        if k not in GATED:
            continue
        n = others if k == "non-stories recognised" else stories
        bound = lower_bound(v, n)
        ok &= bound >= TARGET
        print(f"  {'ok ' if bound >= TARGET else 'LOW'} {k:<24} >= {bound * 100:5.1f} %")
        for part in parts:
            m = int(part["answers"] - part["stories"]) if k == "non-stories recognised" else int(part["stories"])
            expected += chance_of_low(v, m) if m else 0.0
    low = sum(1 for part in parts for k, v in part.items() if k in GATED and v < TARGET)
    print(f"parts' figures below {TARGET:.0%}: {low} (at the pooled shares, {expected:.1f} expected by chance alone)")
    return ok


def timing(model: RoleModel, encoder: Encoder | None, bank: Bank, runs: int = 30) -> float:
    """p50 milliseconds of one review of a 300-word answer (stories of the dev part joined)."""
    text_words: list[str] = []
    for x in dataset.load("dev"):
        if x.kind == "story":
            text_words.extend(x.text.split())
    text = " ".join(text_words[:300])
    review(text, model, encoder, bank)  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        review(text, model, encoder, bank)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


class _Remembering:
    """An encoder that keeps each sentence's vector: cross-validation embeds every sentence once."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.kept: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self.kept]
        if new:
            self.kept.update(zip(new, self.inner.encode(new), strict=True))
        return np.vstack([self.kept[t] for t in texts])


def _measure(bank: Bank, show_errors: bool, variants: list[str], train_only_after: str = "") -> None:
    """Dev and cross-validated figures of the shipped model and of each variant asked for; never a
    held-out part."""
    model = RoleModel.load()
    encoder: Encoder | None = None
    if model.uses_embeddings or any("embeddings" in v for v in variants):
        encoder = _Remembering(_encoder())
    errors: dict[str, list[str]] = {}
    _print(
        "dev, the shipped model",
        figures(dataset.load("dev"), model, encoder if model.uses_embeddings else None, bank, errors),
    )
    print(
        f"  review of a 300-word answer: p50 {timing(model, encoder if model.uses_embeddings else None, bank):.1f} ms"
    )
    cv_errors: dict[str, list[str]] = {}
    offset = float(model.offsets[ROLES.index("S")]) if model.offsets is not None else 0.0
    make = partial(_train, encoder if model.uses_embeddings else None, CHOSEN_C, True, model.uses_words)
    _print(
        f"6-fold cross-validation on train+dev, the shipped features, offset {offset}",
        cross_validated(
            offset,
            bank,
            make=make,
            encoder=encoder if model.uses_embeddings else None,
            errors=cv_errors,
            train_only_after=train_only_after,
        ),
    )
    if show_errors:
        for label, errs in (("dev", errors), ("cross-validation", cv_errors)):
            for k, ids in errs.items():
                print(f"  {label} wrong on {k}: {' '.join(ids)}")
    for variant in variants:
        name, _, c_text = variant.partition(":")
        c = float(c_text or CHOSEN_C)
        enc = encoder if name in ("embeddings", "both") else None
        use_words = name in ("words", "both")
        for off in (0.0, -0.5, -1.0):
            m = _train(enc, c, True, use_words).with_offsets(S=off)
            _print(f"dev, {name} C={c} offset {off}", figures(dataset.load("dev"), m, enc, bank))
            _print(
                f"  6-fold cross-validation, {name} C={c} offset {off}",
                cross_validated(
                    off,
                    bank,
                    make=partial(_train, enc, c, True, use_words),
                    encoder=enc,
                    train_only_after=train_only_after,
                ),
            )
        print(f"  review of a 300-word answer: p50 {timing(m, enc, bank):.1f} ms")


def _train(
    encoder: Encoder | None,
    c: float,
    ordered: bool,
    use_words: bool = False,
    items: list[dataset.Labelled] | None = None,
) -> RoleModel:
    if items is None:
        items = [x for x in dataset.training() if x.kind == "story"]
    # An opener ("Sure!", labelled O) is left out, as the review leaves it out before the classifier.
    told = [[(s, r) for s, r in zip(x.sentences, x.roles, strict=True) if r != "O"] for x in items]
    return fit([[s for s, _ in t] for t in told], [[r for _, r in t] for t in told], encoder, c, ordered, use_words)


def cross_validated(
    offset: float,
    bank: Bank,
    folds: int = 6,
    make: Callable[[list[dataset.Labelled]], RoleModel] | None = None,
    encoder: Encoder | None = None,
    errors: dict[str, list[str]] | None = None,
    train_only_after: str = "",
) -> dict[str, float]:
    """Figures of the chosen features (or `make`'s) with a situation offset, each train+dev story judged
    by a model fitted without it (never the held-out sets). With `train_only_after`, the training
    answers after that id are only ever fitted on, never judged: figures comparable with a run from
    before they were written (the same folds of the same answers)."""
    if make is None:
        make = partial(_train, None, CHOSEN_C, True, True)
    train = [x for x in dataset.training() if x.kind == "story"]
    extra: list[dataset.Labelled] = []
    if train_only_after:
        cut = next(i for i, x in enumerate(train) if x.id == train_only_after) + 1
        train, extra = train[:cut], train[cut:]
    items = train + [x for x in dataset.load("dev") if x.kind == "story"]
    items = [items[i] for i in random.Random(0).sample(range(len(items)), len(items))]
    totals: dict[str, float] = {}
    for f in range(folds):
        test = items[f::folds]
        rest = [x for i, x in enumerate(items) if i % folds != f] + extra
        model = make(rest).with_offsets(S=offset)
        for k, v in figures(test, model, encoder, bank, errors).items():
            totals[k] = totals.get(k, 0.0) + v * (len(test) if k not in ("answers", "stories") else 1)
    return {k: (v / len(items) if k not in ("answers", "stories") else v) for k, v in totals.items()}


# The held-out parts `eval` reports, none ever used to fit or tune. The first has been looked at (in
# aggregate); the second was written before the change that followed its figures; the third in a
# messier style (lower case, run-ons, "Sure!" openers, numbers as words) before the next change; the
# fourth on are blind (written by an engineer who read only the format and the hiring page, never the
# code or the other parts), each before the round of changes it judges.
HELD_OUT = (
    ("holdout", "held-out (never used for training or tuning)"),
    ("holdout-2", "held-out 2, fresh (written before the last change, never tuned on)"),
    ("holdout-3", "held-out 3, fresh (written before the last change, never tuned on)"),
    *(
        (f"holdout-{n}", f"held-out {n}, blind (written before the {nth} round by someone who never saw the code)")
        for n, nth in (
            (4, "fourth"),
            (5, "fifth"),
            (6, "sixth"),
            (7, "seventh"),
            (8, "eighth"),
            (9, "ninth"),
            (10, "tenth"),
            (11, "twelfth"),
            (12, "thirteenth"),
            (13, "fourteenth"),
            (14, "sixteenth"),
            (15, "seventeenth"),
            (16, "nineteenth"),
            (17, "twentieth"),
            (18, "twenty-first"),
            (19, "twenty-second"),
            (20, "twenty-third"),
            (21, "twenty-fourth"),
            (22, "twenty-fifth"),
            (23, "twenty-sixth"),
            (24, "twenty-seventh"),
            (25, "twenty-eighth"),
            (26, "twenty-ninth"),
            (27, "thirtieth"),
            (28, "thirty-first"),
            (29, "thirty-second"),
            (30, "thirty-third"),
            (31, "thirty-fourth"),
            (32, "thirty-fifth"),
            (33, "thirty-sixth"),
            (34, "thirty-seventh"),
            (35, "thirty-eighth"),
            (36, "thirty-ninth"),
            (37, "fortieth"),
            (38, "forty-first"),
        )
    ),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m api.practice", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="check practice/*.md")
    train = sub.add_parser("train", help="fit the sentence-role classifier")
    train.add_argument("--compare", action="store_true", help="print each variant's figures on the dev part")
    sub.add_parser("eval", help="print the figures on the dev and held-out parts")
    measure = sub.add_parser("measure", help="print the figures on the dev part and cross-validation only")
    measure.add_argument("--errors", action="store_true", help="list the train/dev answers each judgement got wrong")
    measure.add_argument(
        "--variant",
        action="append",
        default=[],
        help="also fit and measure words|embeddings|both|cues[:C] (offsets 0, -0.5, -1)",
    )
    measure.add_argument(
        "--train-only-after",
        default="",
        metavar="ID",
        help="cross-validation judges the training answers up to ID only (later ones are always fitted on)",
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    bank = load_bank(settings.practice_dir)

    if args.command == "check":
        for problem in bank.problems:
            print(problem)
        print(
            f"{len(bank.principles)} principles, {len(bank.questions)} practice questions, "
            f"{len(bank.problems)} problems"
        )
        return 1 if bank.problems else 0

    if args.command == "measure":
        _measure(bank, args.errors, args.variant, args.train_only_after)
        return 0

    if args.command == "train":
        encoder: Encoder | None = _encoder()
        if args.compare:
            variants: list[tuple[str, Callable[[], RoleModel], Encoder | None]] = []
            for c in (0.5, 1.0, 4.0, 16.0):
                variants.append((f"embeddings+cues C={c} in order", partial(_train, encoder, c, True), encoder))
                variants.append((f"words+cues C={c} in order", partial(_train, None, c, True, True), None))
            variants.append(("embeddings+cues C=0.5 per sentence", lambda: _train(encoder, 0.5, False), encoder))
            variants.append(("words+cues C=4 per sentence", lambda: _train(None, 4.0, False, True), None))
            variants.append(("cues only C=0.5 in order", lambda: _train(None, 0.5, True), None))
            for label, make, enc in variants:
                model = make()
                _print(f"dev, {label}", figures(dataset.load("dev"), model, enc, bank))
                print(f"  review of a 300-word answer: p50 {timing(model, enc, bank, runs=10):.1f} ms")
            chosen = _train(None, CHOSEN_C, True, True)
            for offset in (0.0, -0.5, -1.0, -1.5, -2.0):
                _print(
                    f"dev, words+cues C={CHOSEN_C} in order, situation offset {offset}",
                    figures(dataset.load("dev"), chosen.with_offsets(S=offset), None, bank),
                )
                _print(f"  6-fold cross-validation on train+dev, offset {offset}", cross_validated(offset, bank))
        model = _train(encoder if CHOSEN_FEATURES == "embeddings" else None, CHOSEN_C, True, CHOSEN_FEATURES == "words")
        model = model.with_offsets(S=SITUATION_OFFSET)
        model.save()
        print(f"saved {model.coef.shape[1]} features x {len(model.coef)} roles, version {model.version}")
        return 0

    model = RoleModel.load()
    encoder = _encoder() if model.uses_embeddings else None
    ok_dev = _print("dev (used for tuning)", figures(dataset.load("dev"), model, encoder, bank))
    parts = []
    for part, label in HELD_OUT:
        parts.append(figures(dataset.load(part), model, encoder, bank))
        _print(label, parts[-1])
    # Each part has 24 to 88 stories, so one story moves a part's figure by 1-4 points; all parts together
    # (written by different people before different rounds) are the steadier figure, and the gate.
    everything = [answer for part, _ in HELD_OUT for answer in dataset.load(part)]
    pooled = figures(everything, model, encoder, bank)
    _print("all held-out parts together", pooled)
    ok = _gate(pooled, parts)
    print(f"review of a 300-word answer: p50 {timing(model, encoder, bank):.1f} ms")
    del ok_dev
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
