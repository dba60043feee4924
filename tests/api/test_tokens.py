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


# Per-turn status grants: what the dialogue tier gets instead of the candidate's token.


@pytest.fixture
def service_settings(tmp_path):
    return Settings(var_dir=tmp_path, candidate_token_secret="s" * 40, service_token="v" * 40)


def test_a_turn_grant_names_its_candidate_for_its_conversation_only(service_settings):
    from api.tokens import issue_turn_grant, verify_turn_grant

    grant = issue_turn_grant(service_settings, "demo-ben", "c-1", seconds=30)
    assert verify_turn_grant(service_settings, grant, "c-1") == verify(
        service_settings, issue(service_settings, "demo-ben")
    )
    assert verify_turn_grant(service_settings, grant, "c-2").status == "invalid"
    assert (
        verify_turn_grant(service_settings, issue_turn_grant(service_settings, "demo-ben", "c-1", -1), "c-1").status
        == "expired"
    )


def test_a_grant_and_a_candidate_token_cannot_stand_in_for_each_other(service_settings):
    from api.tokens import issue_turn_grant, verify_turn_grant

    assert verify(service_settings, issue_turn_grant(service_settings, "demo-ben", "c-1", 30)).status == "invalid"
    assert verify_turn_grant(service_settings, issue(service_settings, "demo-ben"), "c-1").status == "invalid"


def test_the_service_secret_is_generated_once_under_var_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("CA_SERVICE_TOKEN", raising=False)
    first, second = Settings(var_dir=tmp_path), Settings(var_dir=tmp_path)
    assert first.service_secret() == second.service_secret() and len(first.service_secret()) >= 40
    path = tmp_path / "secrets" / "service-token"
    assert path.stat().st_mode & 0o077 == 0 and path.read_text().strip() == first.service_secret()
    assert Settings(var_dir=tmp_path, service_token="configured").service_secret() == "configured"


def test_production_refuses_to_start_without_a_service_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("CA_SERVICE_TOKEN", raising=False)
    with pytest.raises(RuntimeError, match="CA_SERVICE_TOKEN"):
        Settings(var_dir=tmp_path, environment="production", service_token="").service_secret()
