"""Members of the talent community: personal data (an email address and what they look for)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.orm import Base


class TalentMember(Base):
    __tablename__ = "talent_members"
    __table_args__ = (Index("ix_talent_members_email", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))  # normalised: stripped, lower case
    # What they look for, in the job search's terms (q, location, team, employment_type, remote), JSON.
    interests: Mapped[str] = mapped_column(Text, default="{}")
    # The purpose they agreed to, word for word, and when.
    consent_text: Mapped[str] = mapped_column(Text)
    consented_at: Mapped[datetime] = mapped_column(DateTime())
    # Only a hash of the confirmation link's secret is kept: a copy of the database cannot confirm.
    # (The unsubscribe link is signed with the service's secret: every email's link keeps working.)
    confirm_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    # The digest covers jobs first seen after this (at most one digest a day).
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
