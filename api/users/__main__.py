"""Manage staff and writer accounts.

python -m api.users add --username alex --role staff     (asks for the password twice)
echo "$PASSWORD" | python -m api.users add --username alex --role staff --password-stdin
"""

from __future__ import annotations

import argparse
import getpass
import sys

from api.db import migrate
from api.users.service import UserError, add_user


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m api.users", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=["staff", "writer"])
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("the passwords differ", file=sys.stderr)
            return 1
    migrate()
    try:
        add_user(args.username, password, args.role)
    except UserError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"created {args.role} account {args.username}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
