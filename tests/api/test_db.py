"""The service tier's database (SQLite here) keeps statement values out of its error messages."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from api.db import session_scope
from api.handoff.models import Feedback


def test_a_failed_statement_does_not_echo_the_personal_data_it_carried(client):
    question = "my phone is 0151 234 5678, is my application through?"
    with session_scope() as session:
        session.add(Feedback(conversation_id="db-1", message_id=987654, helpful=False, question=question))
    with pytest.raises(IntegrityError) as failure, session_scope() as session:
        session.add(Feedback(conversation_id="db-1", message_id=987654, helpful=False, question=question))
    # The error's text is what a log would show.
    assert "UNIQUE constraint failed" in str(failure.value)
    assert question not in str(failure.value) and "hidden" in str(failure.value)
