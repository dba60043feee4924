"""Tables of the built-in application-status store."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.orm import Base

STAGES = ("application_received", "assessment", "phone_interview", "interview_loop", "decision")
STATES = ("active", "offer", "not_selected", "withdrawn")


class Candidate(Base):
    __tablename__ = "candidates"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    applications: Mapped[list[Application]] = relationship(back_populates="candidate", cascade="all, delete-orphan")


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    job_title: Mapped[str] = mapped_column(String(200))
    requisition_id: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    last_update: Mapped[dt.date] = mapped_column(Date)
    next_step: Mapped[str] = mapped_column(Text)
    candidate: Mapped[Candidate] = relationship(back_populates="applications")
