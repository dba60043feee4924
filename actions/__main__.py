"""Runs the action server (rasa_sdk) with its log records scrubbed of emails, tokens and phone numbers.

Usage: python -m actions --actions actions --port 5055 (the arguments of `python -m rasa_sdk`).
"""

from __future__ import annotations

from bot import redaction


def main() -> None:
    redaction.install()
    from rasa_sdk.__main__ import main as rasa_sdk_main

    rasa_sdk_main()


if __name__ == "__main__":
    main()
