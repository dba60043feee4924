"""Web pages: the candidate chat page."""
