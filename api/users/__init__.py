"""Staff and writer accounts: password hashing, sign-in sessions and the `python -m api.users` command."""
