"""The public chat gateway: validates a message, forwards it to Rasa and returns typed replies."""
