"""The declarative base every package's models share.

A module of its own so that a package's models need nothing else of the database plumbing
(`api/db.py` builds engines and runs migrations; it never imports a model)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
