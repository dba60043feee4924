"""The intent Rasa's trained model gives every message of some evaluation files, as JSON {message:
[intent, confidence]}: what the dialogue tier sends the knowledge service as `nlu_intent`, so a replay
of the sets through the knowledge service alone (scripts/replay.py --intents) sees NLU's flag too.

Runs in the dialogue tier's environment (Rasa), on the model `make run` trains:
    PYTHONPATH=. .venv-rasa/bin/python scripts/nlu_intents.py var/tmp/intents.json eval/dev-*.yaml
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import yaml

MODEL = Path("var/models/candidate-assistant.tar.gz")


async def intents(files: list[str]) -> dict[str, list]:
    from rasa.core.agent import Agent  # heavy: only when run

    agent = Agent.load(str(MODEL))
    out: dict[str, list] = {}
    for name in files:
        for item in yaml.safe_load(Path(name).read_text(encoding="utf-8")) or []:
            for turn in item.get("turns") or [item]:
                text = turn["ask"]
                if text not in out:
                    parsed = await agent.parse_message(text)
                    out[text] = [parsed["intent"]["name"], round(parsed["intent"]["confidence"], 3)]
    return out


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit("usage: nlu_intents.py OUT.json EVAL.yaml...")
    found = asyncio.run(intents(sys.argv[2:]))
    Path(sys.argv[1]).write_text(json.dumps(found), encoding="utf-8")
    print(f"{len(found)} messages -> {sys.argv[1]}")


if __name__ == "__main__":
    main()
