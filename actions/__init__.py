"""The action server: thin adapters from the dialogue to the service tier."""
