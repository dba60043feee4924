"""Rasa NLU components of the dialogue tier, named in config.yml's pipeline."""
