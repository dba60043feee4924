"""`python -m api.privacy` against the real database; with Rasa down here, erasure refuses to half-succeed.
(The commands with the real Rasa running: tests/e2e/test_privacy_stack.py.)"""

from __future__ import annotations

import json

from api.privacy.__main__ import main
from tests.api.privacy.test_service import held


def test_erase_with_rasa_down_exits_1_and_deletes_nothing(client, chat, capsys):
    cid = chat(candidate_id="cand-cli-down")
    assert main(["erase", "--candidate", "cand-cli-down"]) == 1
    err = capsys.readouterr().err
    assert "nothing was erased" in err and "run this again" in err
    assert held(cid) == (1, 2, 1)


def test_purge_with_rasa_down_exits_1(client, capsys):
    assert main(["purge", "--days", "30"]) == 1
    assert "nothing was purged" in capsys.readouterr().err


def test_purge_with_retention_off_says_how_to_purge_anyway(client, capsys):
    assert main(["purge", "--days", "0"]) == 2
    assert "--days" in capsys.readouterr().err


def test_export_without_rasa_prints_the_service_tiers_data_and_a_warning(client, chat, capsys):
    cid = chat(candidate_id="cand-cli-export", email="cli.export@mail.test")
    assert main(["export", "--candidate", "cand-cli-export"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert [c["id"] for c in data["conversations"]] == [cid]
    assert data["conversations"][0]["contact_email"] == "cli.export@mail.test"
    assert "tracker events are not included" in err


def test_audit_lists_records_without_personal_data(client, chat, rasa, capsys):
    import asyncio

    from api.config import get_settings
    from api.privacy import service as privacy

    chat(candidate_id="cand-cli-audit")
    asyncio.run(privacy.erase(get_settings(), rasa, "cli", candidate_id="cand-cli-audit"))
    capsys.readouterr()
    assert main(["audit", "--candidate", "cand-cli-audit"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 1 and records[0]["conversations"] == 1
    assert "cand-cli-audit" not in json.dumps(records)
