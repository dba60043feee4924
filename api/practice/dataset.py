"""The labelled practice answers under eval/practice/ (format: eval/practice/README.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

ROLES = ("S", "T", "A", "R")
ROLE_NAMES = {"S": "situation", "T": "task", "A": "action", "R": "result"}
KINDS = ("story", "hypothetical", "self_description", "too_short")
DATA_DIR = Path(__file__).resolve().parent.parent.parent / "eval" / "practice"
# The parts the sentence-role classifier is fitted on, in this order (cross-validation's
# --train-only-after counts along it): the first 202 answers, then three parts of 120 written for the
# ninth round by three other authors, then two of 110 for the tenth by two more, then parts of 90 by
# further authors; none of them read a held-out part (eval/practice/README.md).
TRAINING = (
    "train",
    "train-2",
    "train-3",
    "train-4",
    "train-5",
    "train-6",
    "train-7",
    "train-8",
    "train-9",
    "train-10",
    "train-11",
    "train-12",
    "train-13",
    "train-14",
    "train-15",
    "train-17",
)


@dataclass(frozen=True)
class Labelled:
    id: str
    kind: str
    quantified: bool
    we_dominates: bool
    sentences: tuple[str, ...]
    roles: tuple[str, ...]  # S T A R or O, one per sentence

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def load(name: str, data_dir: Path = DATA_DIR) -> list[Labelled]:
    """One part of the set: "train", "train-2", "dev" or a held-out part ("holdout", "holdout-2" ... "holdout-9")."""
    items = yaml.safe_load((data_dir / f"{name}.yaml").read_text(encoding="utf-8"))
    out = []
    for item in items:
        pairs = [next(iter(s.items())) for s in item["sentences"]]
        roles = tuple(str(r) for r, _ in pairs)
        if item["kind"] not in KINDS or any(r not in (*ROLES, "O") for r in roles):
            raise ValueError(f"{name}.yaml {item['id']}: unknown kind or role")
        out.append(
            Labelled(
                str(item["id"]),
                item["kind"],
                bool(item["quantified"]),
                bool(item["we_dominates"]),
                tuple(str(t) for _, t in pairs),
                roles,
            )
        )
    return out


def training(data_dir: Path = DATA_DIR) -> list[Labelled]:
    """Every training part, in order."""
    return [x for name in TRAINING for x in load(name, data_dir)]
