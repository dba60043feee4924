"""Conversations: every message and reply in order, the history the chat page shows after a reload,
ratings, and the candidate page's live stream. Other packages use them through `service`."""
