"""Service tier of the candidate assistant: chat gateway, knowledge search and web pages."""
