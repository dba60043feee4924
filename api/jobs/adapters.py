"""Job feeds into JobPostings: Greenhouse Job Board API, Lever Postings API, SmartRecruiters Posting
API and schema.org JobPosting JSON-LD (a list, an ItemList, a @graph, or the ld+json blocks of a page).

The format is detected from the content; `parse` raises FeedError with a sentence naming the problem
when nothing in it can be read, so an import refuses the file and the current jobs keep serving.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from api.jobs.postings import JobPosting, employment_type_of, workplace_of

FORMATS = ("greenhouse", "lever", "smartrecruiters", "jsonld")


class FeedError(ValueError):
    """The content is not a job feed this service can read; the message says why."""


# --- HTML --------------------------------------------------------------------------------------

_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str | None) -> str:
    """Plain text of an HTML fragment: paragraphs on their own lines, runs of spaces collapsed."""
    if not markup:
        return ""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


class _LdJson(HTMLParser):
    """The contents of every <script type="application/ld+json"> block of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and (dict(attrs).get("type") or "").strip().lower() == "application/ld+json":
            self._inside = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


# --- dates -------------------------------------------------------------------------------------


def _date(value: Any) -> datetime | None:
    """ISO 8601 strings (with or without a zone, or a bare date) and epoch milliseconds, as UTC."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value / 1000, UTC)
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _s(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _unique(places: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in (" ".join(p.split()) for p in places) if p))


# --- Greenhouse --------------------------------------------------------------------------------


def _greenhouse(data: Any) -> list[JobPosting]:
    jobs = []
    for item in data["jobs"]:
        location = _s((item.get("location") or {}).get("name"))
        offices = [_s(o.get("location") or o.get("name")) for o in item.get("offices") or []]
        places = _unique([location] if location else offices)
        metadata = {
            _s(m.get("name")).lower(): m.get("value") for m in item.get("metadata") or [] if isinstance(m, dict)
        }
        kind = metadata.get("employment type") or metadata.get("employment_type") or metadata.get("job type")
        departments = [_s(d.get("name")) for d in item.get("departments") or [] if _s(d.get("name"))]
        title = _s(item.get("title"))
        url = _s(item.get("absolute_url"))
        jobs.append(
            JobPosting(
                id=_s(item.get("id")),
                title=title,
                locations=places,
                team=departments[0] if departments else "",
                employment_type=employment_type_of(_s(kind), title),
                workplace=workplace_of(_s(metadata.get("workplace type") or metadata.get("location type")), *places),
                # Greenhouse escapes the HTML of `content` once more: unescape, then parse.
                description=html_to_text(html.unescape(item.get("content") or "")),
                apply_url=url,
                url=url,
                posted_at=_date(item.get("first_published") or item.get("updated_at")),
                updated_at=_date(item.get("updated_at")),
            )
        )
    return jobs


# --- Lever -------------------------------------------------------------------------------------


def _lever(data: Any) -> list[JobPosting]:
    jobs = []
    for item in data:
        cats = item.get("categories") or {}
        places = _unique(cats.get("allLocations") or [_s(cats.get("location"))])
        title = _s(item.get("text"))
        description = item.get("descriptionPlain") or html_to_text(item.get("description"))
        lists = [
            f"{_s(part.get('text'))}\n{html_to_text(part.get('content'))}"
            for part in item.get("lists") or []
            if isinstance(part, dict)
        ]
        extra = item.get("additionalPlain") or ""
        jobs.append(
            JobPosting(
                id=_s(item.get("id")),
                title=title,
                locations=places,
                team=_s(cats.get("team") or cats.get("department")),
                employment_type=employment_type_of(_s(cats.get("commitment")), title),
                workplace=workplace_of(_s(item.get("workplaceType")), *places),
                description="\n".join(p.strip() for p in (description, *lists, extra) if p and p.strip()),
                apply_url=_s(item.get("applyUrl") or item.get("hostedUrl")),
                url=_s(item.get("hostedUrl")),
                posted_at=_date(item.get("createdAt")),
                updated_at=_date(item.get("updatedAt") or item.get("createdAt")),
            )
        )
    return jobs


# --- SmartRecruiters ---------------------------------------------------------------------------


def _smartrecruiters(data: Any) -> list[JobPosting]:
    items = (
        data["content"] if isinstance(data, dict) and "content" in data else [data] if isinstance(data, dict) else data
    )
    jobs = []
    for item in items:
        loc = item.get("location") or {}
        place = _s(loc.get("fullLocation")) or ", ".join(
            p for p in (_s(loc.get("city")), _s(loc.get("region")), _s(loc.get("country")).upper()) if p
        )
        if loc.get("remote") and "remote" not in place.lower():
            place = f"{place} (Remote)" if place else "Remote"
        sections = ((item.get("jobAd") or {}).get("sections")) or {}
        text = "\n".join(
            html_to_text((sections.get(name) or {}).get("text"))
            for name in ("companyDescription", "jobDescription", "qualifications", "additionalInformation")
        ).strip()
        company = _s((item.get("company") or {}).get("identifier"))
        posting_id = _s(item.get("id"))
        url = _s(item.get("postingUrl")) or (
            f"https://jobs.smartrecruiters.com/{company}/{posting_id}" if company and posting_id else ""
        )
        title = _s(item.get("name"))
        workplace = "remote" if loc.get("remote") else "hybrid" if loc.get("hybrid") else "unknown"
        if workplace == "unknown" and place:
            workplace = "on-site" if loc.get("remote") is False else "unknown"
        jobs.append(
            JobPosting(
                id=posting_id,
                title=title,
                locations=_unique([place]),
                team=_s((item.get("department") or {}).get("label") or (item.get("function") or {}).get("label")),
                employment_type=employment_type_of(_s((item.get("typeOfEmployment") or {}).get("label")), title),
                workplace=workplace,
                description=text,
                apply_url=_s(item.get("applyUrl")) or url,
                url=url,
                posted_at=_date(item.get("releasedDate")),
                updated_at=_date(item.get("releasedDate")),
            )
        )
    return jobs


# --- schema.org JSON-LD ------------------------------------------------------------------------


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    return set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()


def _jsonld_postings(data: Any) -> Iterable[dict[str, Any]]:
    """Every JobPosting node in a list, an ItemList (its itemListElement, or ListItems' `item`) or a @graph."""
    if isinstance(data, list):
        for node in data:
            yield from _jsonld_postings(node)
    elif isinstance(data, dict):
        if "JobPosting" in _types(data):
            yield data
        elif "@graph" in data:
            yield from _jsonld_postings(data["@graph"])
        elif "ItemList" in _types(data):
            yield from _jsonld_postings(data.get("itemListElement") or [])
        elif "ListItem" in _types(data):
            yield from _jsonld_postings(data.get("item"))


def _place(node: Any) -> str:
    if isinstance(node, str):
        return node
    if not isinstance(node, dict):
        return ""
    address = node.get("address") or node
    if isinstance(address, str):
        return address
    country = address.get("addressCountry")
    if isinstance(country, dict):
        country = country.get("name")
    parts = (_s(address.get("addressLocality")), _s(address.get("addressRegion")), _s(country))
    return ", ".join(p for p in parts if p) or _s(node.get("name"))


def _jsonld(data: Any) -> list[JobPosting]:
    jobs = []
    for node in _jsonld_postings(data):
        locations = node.get("jobLocation") or []
        places = [_place(n) for n in (locations if isinstance(locations, list) else [locations])]
        remote = "TELECOMMUTE" in str(node.get("jobLocationType") or "").upper()
        if remote and not any("remote" in p.lower() for p in places):
            places.append("Remote")
        kinds = node.get("employmentType") or ""
        kind = kinds[0] if isinstance(kinds, list) and kinds else kinds
        identifier = node.get("identifier")
        ident = _s(identifier.get("value") if isinstance(identifier, dict) else identifier) or _s(node.get("url"))
        title = html.unescape(_s(node.get("title")))
        jobs.append(
            JobPosting(
                id=ident,
                title=title,
                locations=_unique(places),
                team=_s(node.get("occupationalCategory") or node.get("industry")),
                employment_type=employment_type_of(_s(kind), title),
                workplace="remote" if remote else workplace_of(_s(node.get("workplaceType")), *places),
                # Google asks for HTML in `description`; some sites escape it once more.
                description=html_to_text(html.unescape(_s(node.get("description")))),
                apply_url=_s(node.get("directApplyUrl") or node.get("applyUrl") or node.get("url")),
                url=_s(node.get("url")),
                posted_at=_date(node.get("datePosted")),
                updated_at=_date(node.get("dateModified") or node.get("datePosted")),
            )
        )
    return jobs


# --- detection ---------------------------------------------------------------------------------

ADAPTERS: dict[str, Callable[[Any], list[JobPosting]]] = {
    "greenhouse": _greenhouse,
    "lever": _lever,
    "smartrecruiters": _smartrecruiters,
    "jsonld": _jsonld,
}


def _first(data: Any) -> dict[str, Any]:
    items = (
        data if isinstance(data, list) else data.get("jobs") or data.get("content") if isinstance(data, dict) else None
    )
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}


def detect(data: Any) -> str | None:
    """The feed format of parsed JSON, from the fields each API is known by (None: not a job feed)."""
    if any(True for _ in _jsonld_postings(data)):
        return "jsonld"
    first = _first(data)
    if isinstance(data, dict) and isinstance(data.get("jobs"), list) and ("absolute_url" in first or not first):
        return "greenhouse"
    if isinstance(data, list) and ("hostedUrl" in first or ("text" in first and "categories" in first)):
        return "lever"
    if isinstance(data, dict) and ("totalFound" in data or "typeOfEmployment" in first or "releasedDate" in first):
        return "smartrecruiters"
    if isinstance(data, dict) and "jobAd" in data:
        return "smartrecruiters"
    return None


def _load(content: bytes | str) -> Any:
    text = content.decode("utf-8-sig", errors="replace") if isinstance(content, bytes) else content
    stripped = text.lstrip()
    if not stripped:
        raise FeedError("the feed is empty")
    if stripped.startswith("<"):
        reader = _LdJson()
        reader.feed(text)
        reader.close()
        if not reader.blocks:
            raise FeedError('the page has no <script type="application/ld+json"> block with job postings')
        found: list[Any] = []
        for block in reader.blocks:
            try:
                found.append(json.loads(block))
            except json.JSONDecodeError:
                continue  # another block (breadcrumbs, the organisation) may be the broken one
        return found
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"the feed is neither JSON nor an HTML page: {exc.msg} at line {exc.lineno}") from exc


def parse(content: bytes | str, fmt: str | None = None) -> tuple[str, list[JobPosting]]:
    """(format, postings) of a feed's content; FeedError when it cannot be read as a job feed."""
    if fmt is not None and fmt not in ADAPTERS:
        raise FeedError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    data = _load(content)
    fmt = fmt or detect(data)
    if fmt is None:
        raise FeedError(
            "no job postings found: expected a Greenhouse board ({'jobs': [...]}), a Lever postings list, "
            "SmartRecruiters postings ({'content': [...]}) or schema.org JobPosting JSON-LD"
        )
    try:
        postings = ADAPTERS[fmt](data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise FeedError(f"not a {fmt} feed: {type(exc).__name__} {exc}") from exc
    missing = [i for i, p in enumerate(postings) if not p.id or not p.title]
    if missing:
        raise FeedError(f"{len(missing)} posting(s) have no id or title (the first is number {missing[0] + 1})")
    repeated = [i for i, n in Counter(p.id for p in postings).items() if n > 1]
    if repeated:
        raise FeedError(f"the id {repeated[0]!r} appears more than once")
    return fmt, postings
