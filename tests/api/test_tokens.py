from __future__ import annotations

import jwt
import pytest

from api.config import Settings
from api.tokens import bearer, issue, verify


@pytest.fixture
def settings(tmp_path):
    return Settings(var_dir=tmp_path, candidate_token_secret="s" * 40)


def test_a_fresh_token_identifies_its_candidate(settings):
    assert verify(settings, issue(settings, "demo-ana")).candidate_id == "demo-ana"


def test_expired_token_is_reported_as_expired(settings):
    assert verify(settings, issue(settings, "demo-ana", minutes=-1)).status == "expired"


def test_tampered_token_is_invalid(settings):
    token = issue(settings, "demo-ana")
    header, _payload, signature = token.split(".")
    other = issue(settings, "demo-ben").split(".")[1]
    assert verify(settings, f"{header}.{other}.{signature}").status == "invalid"
    assert verify(settings, token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]).status == "invalid"


def test_token_signed_with_another_secret_is_invalid(settings, tmp_path):
    foreign = jwt.encode(
        {"sub": "demo-ana", "aud": "candidate-assistant", "exp": 9999999999}, "x" * 40, algorithm="HS256"
    )
    assert verify(settings, foreign).status == "invalid"


def test_unsigned_token_is_invalid(settings):
    none_alg = jwt.encode({"sub": "demo-ana", "aud": "candidate-assistant", "exp": 9999999999}, None, algorithm="none")
    assert verify(settings, none_alg).status == "invalid"


def test_missing_token_is_none(settings):
    assert verify(settings, None).status == "none"


def test_development_secret_is_created_once_and_shared(tmp_path):
    a, b = Settings(var_dir=tmp_path, candidate_token_secret=""), Settings(var_dir=tmp_path, candidate_token_secret="")
    assert a.candidate_secret() == b.candidate_secret()
    assert (tmp_path / "secrets" / "candidate-token-secret").stat().st_mode & 0o077 == 0


def test_production_requires_a_configured_secret(tmp_path):
    with pytest.raises(RuntimeError, match="CA_CANDIDATE_TOKEN_SECRET"):
        Settings(var_dir=tmp_path, environment="production", candidate_token_secret="").candidate_secret()


def test_bearer_header_parsing():
    assert bearer("Bearer abc") == "abc"
    assert bearer("bearer abc") == "abc"
    assert bearer("Basic abc") is None
    assert bearer(None) is None
