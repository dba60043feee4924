"""The practice service of one API process: the live question bank and the sentence-role model."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from api.config import Settings
from api.practice.bank import Bank, LiveBank
from api.practice.review import Review, review
from api.practice.roles import Encoder, RoleModel, word_hasher


@dataclass
class PracticeService:
    bank_source: LiveBank
    model: RoleModel
    # Only when the model was fitted on sentence embeddings (api/practice/__main__.py chooses).
    encoder: Encoder | None = None
    clock: object = field(default=time.monotonic)

    @classmethod
    def start(cls, settings: Settings, encoder: Encoder | None = None) -> PracticeService:
        model = RoleModel.load()
        if model.uses_words:
            word_hasher()  # scikit-learn's import (about a second) on start-up, not in a review
        return cls(LiveBank(settings.practice_dir), model, encoder if model.uses_embeddings else None)

    @property
    def bank(self) -> Bank:
        return self.bank_source.get(time.monotonic())

    def review(self, answer: str) -> Review:
        return review(answer, self.model, self.encoder, self.bank)
