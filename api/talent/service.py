"""Joining (double opt-in), confirming, leaving, the daily digest, and the members' personal data
(export, erasure by email, retention). Email addresses never appear in logs: members are named by id."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import html
import json
import logging
import re
import secrets
from dataclasses import asdict
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.orm import Session

from api.clock import utcnow
from api.config import Settings
from api.db import session_scope
from api.jobs.models import Job
from api.jobs.search import Criteria, JobIndex
from api.knowledge.embedder import Embedder
from api.talent.mail import MailError, send
from api.talent.models import TalentMember

if TYPE_CHECKING:
    from api.jobs.service import JobService

log = logging.getLogger(__name__)

DIGEST_EVERY = dt.timedelta(days=1)
DIGEST_JOBS = 10
# One address: atext@domain.tld in ASCII (RFC 5322's atext; an international domain in its xn-- form),
# at most 254 characters (RFC 5321's path limit): nothing that could break an email header. The same
# pattern is the sign-up's JSON schema (api/talent/router.py), so the document and the check agree.
EMAIL_PATTERN = r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
_EMAIL = re.compile(EMAIL_PATTERN)


class NotAMember(Exception):
    """The link's secret matches no sign-up (used, unsubscribed, expired or mistyped)."""


def normal_email(email: str) -> str:
    return email.strip().lower()


def valid_email(email: str) -> bool:
    email = normal_email(email)
    return len(email) <= 254 and bool(_EMAIL.fullmatch(email))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _unsubscribe_token(settings: Settings, member_id: int, consented_at: dt.datetime) -> str:
    """`<id>.<signature>`: signed with a key derived from the service's secret, so each email's link
    works until the member leaves, and nobody can make one for another member."""
    key = hashlib.sha256(b"talent-unsubscribe\0" + settings.candidate_secret().encode()).digest()
    mac = hmac.new(key, f"{member_id}:{consented_at.isoformat()}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{member_id}.{mac}"


def _link(settings: Settings, action: str, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/api/talent/{action}?token={token}"


def _unsubscribable(message: EmailMessage, settings: Settings, unsubscribe_token: str) -> None:
    """RFC 2369 and RFC 8058: mail clients show their own one-click "unsubscribe" button."""
    message["List-Unsubscribe"] = f"<{_link(settings, 'unsubscribe', unsubscribe_token)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def describe(criteria: Criteria) -> str:
    words = [
        "remote" if criteria.remote else "",
        "internships" if criteria.employment_type == "INTERN" else "",
        criteria.q,
        "" if criteria.employment_type == "INTERN" else "jobs",
    ]
    text = " ".join(w for w in words if w) or "jobs"
    return text + (f" in {criteria.location.title()}" if criteria.location else "")


def join(settings: Settings, email: str, interests: Criteria, consent_text: str) -> int:
    """A pending sign-up and its confirmation email; nothing else is ever sent before it is confirmed.
    Returns the member's id. Raises ValueError for an address that is not one, MailError when the
    email could not be sent (then nothing is kept)."""
    if not valid_email(email):
        raise ValueError("that is not an email address")
    confirm = secrets.token_urlsafe(32)
    consented_at = utcnow().replace(microsecond=0)
    with session_scope() as session:
        member = TalentMember(
            email=normal_email(email),
            interests=json.dumps(asdict(interests)),
            consent_text=consent_text,
            consented_at=consented_at,
            confirm_token_hash=_hash(confirm),
        )
        session.add(member)
        session.flush()
        member_id = member.id
    unsubscribe = _unsubscribe_token(settings, member_id, consented_at)
    message = EmailMessage()
    message["To"] = normal_email(email)
    message["Subject"] = "Please confirm: new job emails from our careers site"
    message.set_content(
        f"You asked our careers assistant to email you new {describe(interests)}.\n\n"
        f"Please confirm that this is your address:\n{_link(settings, 'confirm', confirm)}\n\n"
        "Until you confirm we send nothing else, and an unconfirmed sign-up is deleted after "
        f"{settings.talent_pending_days:g} days. If you did not ask for this, ignore this email, or "
        f"delete the sign-up now:\n{_link(settings, 'unsubscribe', unsubscribe)}\n\n"
        f"What you agreed to: {consent_text}\n"
    )
    _unsubscribable(message, settings, unsubscribe)
    try:
        send(settings, message)
    except MailError:
        with session_scope() as session:
            session.execute(delete(TalentMember).where(TalentMember.id == member_id))
        raise
    log.info("talent community: sign-up %d pending confirmation", member_id)
    return member_id


def confirm(token: str) -> int:
    """Confirms the sign-up of this link; an earlier sign-up of the same address is replaced by it."""
    with session_scope() as session:
        member = session.scalars(select(TalentMember).where(TalentMember.confirm_token_hash == _hash(token))).first()
        if member is None:
            raise NotAMember
        if member.confirmed_at is None:
            member.confirmed_at = utcnow()
            session.execute(
                delete(TalentMember).where(TalentMember.email == member.email, TalentMember.id != member.id)
            )
            log.info("talent community: member %d confirmed", member.id)
        return member.id


def unsubscribe(settings: Settings, token: str) -> None:
    """Leaving deletes the member: nothing about them is kept."""
    member_id, _, _ = token.partition(".")
    # isdigit() alone takes "²" (and other Unicode digits) that int() then refuses: a 500 (found by the fuzz test).
    if not (member_id.isascii() and member_id.isdigit()) or len(member_id) > 12:
        raise NotAMember
    with session_scope() as session:
        member = session.get(TalentMember, int(member_id))
        expected = _unsubscribe_token(settings, member.id, member.consented_at) if member else ""
        if member is None or not hmac.compare_digest(expected.encode(), token.encode("utf-8", "replace")):
            raise NotAMember
        session.delete(member)
    log.info("talent community: a member unsubscribed and was deleted")


def _changed(session: Session, statement: Any) -> int:
    return int(cast(CursorResult[Any], session.execute(statement)).rowcount)


def _new_job_ids(since: dt.datetime) -> set[str]:
    with session_scope() as session:
        aware = since.replace(tzinfo=dt.UTC)
        return set(session.scalars(select(Job.id).where(Job.first_seen > aware)))


def send_digests(settings: Settings, index: JobIndex, embedder: Embedder, now: dt.datetime | None = None) -> int:
    """One email per confirmed member with new jobs matching their interests since their last digest
    (or since they confirmed), at most one a day. Safe in several processes: a member's digest is
    claimed with a conditional update before it is sent. Returns how many were sent."""
    now = now or utcnow()
    due_before = now - DIGEST_EVERY
    with session_scope() as session:
        members = session.scalars(
            select(TalentMember).where(
                TalentMember.confirmed_at.is_not(None),
                or_(TalentMember.last_digest_at.is_(None), TalentMember.last_digest_at <= due_before),
            )
        ).all()
    sent = 0
    for member in members:
        assert member.confirmed_at is not None
        since = member.last_digest_at or member.confirmed_at
        new = _new_job_ids(since)
        if not new:
            continue
        criteria = Criteria(**json.loads(member.interests or "{}"))
        _, hits = index.search(criteria, embedder, limit=len(index.jobs) or 1)
        matching = [h.job for h in hits if h.job.id in new][:DIGEST_JOBS]
        if not matching:
            continue
        # Claimed only if no other process sent it since we read it (nor the member left).
        unchanged = (
            TalentMember.last_digest_at.is_(None)
            if member.last_digest_at is None
            else TalentMember.last_digest_at == member.last_digest_at
        )
        with session_scope() as session:
            claimed = _changed(
                session, update(TalentMember).where(TalentMember.id == member.id, unchanged).values(last_digest_at=now)
            )
        if not claimed:
            continue
        unsubscribe_token = _unsubscribe_token(settings, member.id, member.consented_at)
        message = EmailMessage()
        message["To"] = member.email
        message["Subject"] = f"New jobs for you: {describe(criteria)}"
        lines = [f"New {describe(criteria)} since our last email:", ""]
        for job in matching:
            lines += [
                f"* {job.title} ({', '.join(job.locations) or 'location not given'})",
                f"  {job.url or job.apply_url}",
            ]
        lines += [
            "",
            "You get this email (at most one a day) because you joined our talent community in the careers chat.",
            f"Unsubscribe (one click, and we delete your address): {_link(settings, 'unsubscribe', unsubscribe_token)}",
        ]
        message.set_content("\n".join(lines) + "\n")
        _unsubscribable(message, settings, unsubscribe_token)
        try:
            send(settings, message)
        except MailError as exc:
            log.warning("talent community: digest for member %d not sent (%s); retried next time", member.id, exc)
            with session_scope() as session:
                session.execute(
                    update(TalentMember)
                    .where(TalentMember.id == member.id)
                    .values(last_digest_at=member.last_digest_at)
                )
            continue
        sent += 1
        log.info("talent community: digest of %d job(s) sent to member %d", len(matching), member.id)
    return sent


def export_email(email: str) -> list[dict[str, Any]]:
    with session_scope() as session:
        members = session.scalars(select(TalentMember).where(TalentMember.email == normal_email(email))).all()
        return [
            {
                "email": m.email,
                "interests": json.loads(m.interests or "{}"),
                "consent": m.consent_text,
                "consented_at": m.consented_at.isoformat(),
                "confirmed_at": m.confirmed_at.isoformat() if m.confirmed_at else None,
                "last_digest_at": m.last_digest_at.isoformat() if m.last_digest_at else None,
            }
            for m in members
        ]


def erase_email(email: str) -> int:
    with session_scope() as session:
        return _changed(session, delete(TalentMember).where(TalentMember.email == normal_email(email)))


def purge_expired(settings: Settings, now: dt.datetime | None = None) -> int:
    """Unconfirmed sign-ups older than talent_pending_days and members who confirmed more than
    talent_retention_days ago are deleted."""
    now = now or utcnow()
    with session_scope() as session:
        pending = _changed(
            session,
            delete(TalentMember).where(
                TalentMember.confirmed_at.is_(None),
                TalentMember.consented_at < now - dt.timedelta(days=settings.talent_pending_days),
            ),
        )
        expired = _changed(
            session,
            delete(TalentMember).where(
                TalentMember.confirmed_at < now - dt.timedelta(days=settings.talent_retention_days)
            ),
        )
    if pending or expired:
        log.info("talent community: %d unconfirmed sign-up(s) and %d expired member(s) deleted", pending, expired)
    return int(pending + expired)


def page(title: str, text: str, button: str | None = None, action: str | None = None) -> str:
    """The small page a link from an email opens (no script; a form posts the confirmation)."""
    form = (
        f'<form method="post" action="{html.escape(action or "")}"><button type="submit">{html.escape(button)}</button></form>'
        if button
        else ""
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(text)}</p>{form}</main></body></html>"
    )


async def run_digests(settings: Settings, jobs: JobService) -> None:
    """Each API process looks for due digests every talent_digest_interval_seconds (the claim in
    send_digests keeps it to one email a day per member), and purges expired sign-ups."""
    while True:
        await asyncio.sleep(settings.talent_digest_interval_seconds)
        try:
            await asyncio.to_thread(send_digests, settings, jobs.index, jobs.embedder)
            await asyncio.to_thread(purge_expired, settings)
        except Exception:  # the next round tries again; the jobs and the chat are unaffected
            log.exception("talent community digests failed")
