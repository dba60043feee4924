"""Custom Rasa NLU components of the dialogue tier."""
