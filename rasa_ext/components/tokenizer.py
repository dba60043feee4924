"""Rasa's whitespace tokenizer, with email addresses, web links and long numbers as one word each.

Named in config.yml (`rasa_ext.components.tokenizer.PlaceholderWhitespaceTokenizer`). Candidates
paste their email or an application number into a request ("where am I in the process? email is
jdoe88@example.com"). Rasa keeps such a thing as one token, and the character n-gram featurizer then
reads a dozen n-grams of somebody's address that no training example has: they pushed that status
request over to a hiring question. What matters for routing is only that the message *contains* an
email, a link or a number, so each becomes a fixed placeholder word, in training and in prediction
alike, and examples with any address teach the same thing.

Only the tokens change; the message text (which the guard, the actions and the tracker read) is
untouched. No component of our pipeline reads token offsets (there is no entity extractor), but the
offsets stay those of the original words anyway.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

# Placeholders are words no candidate writes, so they never collide with real vocabulary.
EMAIL, LINK, NUMBER = "emailaddr", "weblink", "longnumber"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_LINK = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
# An application or requisition number, a phone number: four digits in a row, or five or more with
# separators. Short numbers ("5 roles", "2 years", "10-20 minutes", a date "12/04") are kept.
_NUMBER = re.compile(r"^#?\d[\d\-./]{2,}\d$")


def placeholder(word: str) -> str | None:
    """The placeholder a token stands for, or None when it is an ordinary word."""
    if _EMAIL.match(word):
        return EMAIL
    if _LINK.match(word):
        return LINK
    if _NUMBER.match(word) and (word.lstrip("#").isdigit() or sum(c.isdigit() for c in word) >= 5):
        return NUMBER
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class PlaceholderWhitespaceTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer whose email, link and long-number tokens read as a placeholder word."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            word = placeholder(token.text)
            if word is not None:
                token.text = word
                token.lemma = word
        return tokens
