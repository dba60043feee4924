"""Job search: exact filters (place, team, type, remote) and a hybrid text query (the job's vector's
cosine plus a keyword score over title, team and description), tolerant of synonyms and typos.

The index is built once per job-set version and replaced by assignment, like the knowledge index."""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np

from api.jobs.postings import JobPosting
from api.jobs.store import StoredJob, embed_text
from api.knowledge.embedder import Embedder

# The candidates' words for roles and places, as job feeds write them. Keys are whole words or
# phrases of a lower-cased query; values what they are searched as.
SYNONYMS: dict[str, str] = {
    "sde": "software engineer",
    "swe": "software engineer",
    "software developer": "software engineer",
    "developer": "software engineer",
    "dev": "software engineer",
    "programmer": "software engineer",
    "coder": "software engineer",
    "sre": "site reliability engineer",
    "devops": "site reliability engineer devops",
    "ml": "machine learning",
    "ai": "machine learning",
    "pm": "product manager",
    "ux": "user experience designer",
    "ui": "user interface designer",
    "qa": "quality assurance test engineer",
    "infosec": "security",
    "cybersecurity": "security",
    "hr": "human resources people",
    "nyc": "new york",
    "ny": "new york",
    "sf": "san francisco",
    "bay area": "san francisco",
    "la": "los angeles",
    "uk": "united kingdom",
    "u.k.": "united kingdom",
    "gb": "united kingdom",
    "us": "united states",
    "usa": "united states",
    "u.s.": "united states",
    "america": "united states",
    "bengaluru": "bangalore",
    "munich": "münchen munich",
}
_SYNONYM = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(k) for k in sorted(SYNONYMS, key=len, reverse=True)) + r")(?![\w])"
)
_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*", re.IGNORECASE)
# Words of a search that are not what is searched for ("any data engineer jobs?").
_FILLER_WORDS = (
    "a an the any some all and or of for to with in at on near around based from me my i im i'm we you "
    "your there are is do does have has what whats what's about how show find list looking look want "
    "need get see search open opening openings job jobs role roles position positions vacancy vacancies "
    "opportunity opportunities career careers work working hiring hire please can could would like "
    "available currently new more other also else only just ones one "
    # Question words and chat fillers: "ok and where do students look for internships?" has no role.
    "where when which who why ok okay so hey hi yet that this these those them they then "
    # Chat spellings and acknowledgements ("got it" is taken out whole: "it support" is a role).
    "u ur ya yall thanks thx cool great right now rn pls plz guys "
    # "btw are there internships for students": the search said "no open btw internships".
    "btw tbh fyi idk imo ngl tho "
    # "unrelated but do u have any openings in dublin": the search said "no open unrelated but jobs".
    "unrelated but random topic topics question questions different switching "
    # "im still in college, r there internships or student stuff": no role in "still", "r", "stuff" or
    # where the candidate studies.
    "still r stuff college uni university "
    # "are there internships or anything for students?": the search said "no open anything internships".
    "anything something everything nothing "
    # "where do i even find open jobs? want something in seattle ideally": the search said "no open even
    # ideally jobs in Seattle". Hedges and intensifiers name no role.
    "even ideally preferably maybe perhaps really actually honestly basically probably somewhere lol haha "
    # "is there a way to only see jobs in dublin? scrolling through everything is painful"
    "way ways through scrolling scroll painful annoying "
    # "can i search jobs by location? i only want data engineer stuff near seattle": how to search, not
    # a "location data engineer".
    "by filter filters location locations city cities area region category categories keyword keywords "
    # "hw do i filter jobs by type, like marketing vs engineering": the roles, not "hw type ... vs".
    "hw type types kind kinds vs versus"
)
FILLER = frozenset(_FILLER_WORDS.split(" "))
TITLE_WEIGHT, TEAM_WEIGHT, TEXT_WEIGHT = 3.0, 2.0, 1.0
# A job matches a text query when its vector (title and team) is this close to the query's, or when
# its words cover most of the query's (in the title or team) and its vector is not far off. Set on
# the demo feed's jobs: "data engineer" is 0.92 from Data Engineer, 0.79 from Senior Data Engineer,
# 0.69-0.73 from Data Scientist, Data Analyst and Analytics Engineer, 0.68 from Software Engineer (not
# matches); "software engineer" is 0.76-0.94 from the seven software titles; a single word ("security",
# "analyst", "it support") is 0.4-0.7 from the jobs it names; unrelated queries ("nurse", "truck
# driver", "astronaut") have no word in any title or team and stay under 0.52.
MIN_COSINE = 0.75
MIN_KEYWORD = 0.75
KEYWORD_COSINE_FLOOR = 0.3
# The description's first words count in the keyword score (all of them made an index build of
# 20,000 jobs take twice as long for little: titles and teams decide a role search).
DESCRIPTION_WORDS = 40


def expand(text: str) -> str:
    """The query with the candidates' abbreviations spelled as the feeds write them."""
    return _SYNONYM.sub(lambda m: SYNONYMS[m.group(1)], text.lower())


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def place_terms(place: str) -> set[str]:
    """The names a location answers to: "New York, NY, United States" -> the whole string and each part."""
    norm = " ".join(place.lower().replace("(", ",").replace(")", ",").replace(" - ", ",").split())
    parts = {p.strip() for p in norm.split(",") if p.strip()}
    return parts | {norm.strip(" ,")}


@dataclass(frozen=True)
class Criteria:
    q: str = ""
    location: str = ""
    team: str = ""
    employment_type: str = ""
    remote: bool | None = None


@dataclass
class Hit:
    job: StoredJob
    score: float


@dataclass
class JobIndex:
    version: str
    jobs: list[StoredJob]
    vectors: np.ndarray
    model: str
    _postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(init=False, repr=False)
    _places: dict[str, np.ndarray] = field(init=False, repr=False)
    _teams: dict[str, np.ndarray] = field(init=False, repr=False)
    _types: np.ndarray = field(init=False, repr=False)
    _remote: np.ndarray = field(init=False, repr=False)
    _recent: np.ndarray = field(init=False, repr=False)  # indices, newest first
    _by_initial: dict[str, list[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.jobs)
        tf: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        places: dict[str, list[int]] = defaultdict(list)
        teams: dict[str, list[int]] = defaultdict(list)
        for i, job in enumerate(self.jobs):
            for weight, text in (
                (TITLE_WEIGHT, job.title),
                (TEAM_WEIGHT, job.team),
                (TEXT_WEIGHT, " ".join(job.snippet.split()[:DESCRIPTION_WORDS])),
            ):
                for w in words(text):
                    tf[w][i] += weight
            for term in set().union(*(place_terms(p) for p in job.locations)) if job.locations else ():
                places[term].append(i)
            teams[job.team.lower()].append(i)
        self._postings = {}
        for w, docs in tf.items():
            idx = np.fromiter(docs.keys(), dtype=np.int64, count=len(docs))
            counts = np.fromiter(docs.values(), dtype=np.float32, count=len(docs))
            idf = math.log(1 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            self._postings[w] = (idx, (idf * counts / (counts + 1.2)).astype(np.float32))
        self._places = {k: np.array(v, dtype=np.int64) for k, v in places.items()}
        self._teams = {k: np.array(v, dtype=np.int64) for k, v in teams.items()}
        self._types = np.array([j.employment_type for j in self.jobs], dtype=object)
        self._remote = np.array([j.workplace == "remote" for j in self.jobs], dtype=bool)
        oldest = datetime.min.replace(tzinfo=UTC)
        stamps = np.array([(j.posted_at or oldest).timestamp() if j.posted_at else 0.0 for j in self.jobs])
        self._recent = np.argsort(-stamps, kind="stable") if n else np.zeros(0, np.int64)
        initial: dict[str, list[str]] = defaultdict(list)
        for w in self._postings:
            initial[w[0]].append(w)
        self._by_initial = dict(initial)
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    # --- vocabulary ---

    def places(self) -> set[str]:
        return set(self._places)

    def _correct_uncached(self, word: str) -> str | None:
        """A query word the jobs do not use, as the closest word they do ("enginer" -> "engineer")."""
        if word in self._postings:
            return word
        if len(word) < 4:
            return None
        candidates = [w for w in self._by_initial.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
        return close[0] if close else None

    def correct_place(self, place: str) -> str | None:
        name = " ".join(expand(place).split()).strip(" ,")
        if name in self._places:
            return name
        if len(name) < 5:  # a short word is too often a near miss of some place ("data", "dallas")
            return None
        close = difflib.get_close_matches(name, list(self._places), n=1, cutoff=0.85)
        return close[0] if close else None

    # --- search ---

    def _mask(self, c: Criteria) -> np.ndarray | None:
        """The jobs the exact filters allow (None: no filter)."""
        n = len(self.jobs)
        mask: np.ndarray | None = None

        def narrow(allowed: np.ndarray) -> None:
            nonlocal mask
            mask = allowed if mask is None else mask & allowed

        if c.location:
            allowed = np.zeros(n, dtype=bool)
            terms = place_terms(expand(c.location))
            for term in terms:
                if term in self._places:
                    allowed[self._places[term]] = True
            if not allowed.any():  # a typo ("Seatle") is one place too, never "anywhere"
                corrected = self.correct_place(c.location)
                if corrected:
                    allowed[self._places[corrected]] = True
            narrow(allowed)
        if c.team:
            allowed = np.zeros(n, dtype=bool)
            found = self._teams.get(c.team.strip().lower())
            if found is not None:
                allowed[found] = True
            narrow(allowed)
        if c.employment_type:
            narrow(self._types == c.employment_type)
        if c.remote is not None:
            narrow(self._remote if c.remote else ~self._remote)
        return mask

    def query_words(self, q: str) -> list[str]:
        found = []
        for w in words(expand(q)):
            if w in FILLER:
                continue
            corrected = self._correct(w)
            if corrected:
                found.append(corrected)
        return list(dict.fromkeys(found))

    def search(
        self,
        c: Criteria,
        embedder: Embedder,
        *,
        limit: int = 10,
        offset: int = 0,
        min_cosine: float = MIN_COSINE,
        min_keyword: float = MIN_KEYWORD,
        keyword_weight: float = 0.3,
    ) -> tuple[int, list[Hit]]:
        """(how many jobs match, the page asked for). With a text query a job matches when its vector
        is close to the query's or its words cover most of the query's; others are not shown at all."""
        n = len(self.jobs)
        if n == 0:
            return 0, []
        mask = self._mask(c)
        # Misspelt words are embedded as the jobs' word they stand for ("sofware" -> "software").
        text = " ".join(self._correct(w) or w for w in words(expand(c.q)) if w not in FILLER)
        if not text:
            order = self._recent if mask is None else self._recent[mask[self._recent]]
            return len(order), [Hit(self.jobs[i], 0.0) for i in order[offset : offset + limit]]
        # Every job's cosine: the exact filters and the count need all of them, and one product of
        # the unit vectors (20,000 x 384) takes about a millisecond.
        cos = self.vectors @ embedder.encode([text])[0]
        keyword = np.zeros(n, dtype=np.float32)
        qwords = self.query_words(c.q)
        total_idf = 0.0
        for w in qwords:
            idx, weights = self._postings[w]
            keyword[idx] += weights
            total_idf += math.log(1 + (n - len(idx) + 0.5) / (len(idx) + 0.5))
        if total_idf:
            # The best a job can score is every query word in its title (weight 3: 3 / 4.2 saturated).
            keyword /= total_idf * (TITLE_WEIGHT / (TITLE_WEIGHT + 1.2))
            np.minimum(keyword, 1.0, out=keyword)
        score = cos + keyword_weight * keyword
        matches = (cos >= min_cosine) | ((keyword >= min_keyword) & (cos >= KEYWORD_COSINE_FLOOR))
        if mask is not None:
            matches &= mask
        found = np.flatnonzero(matches)
        order = found[np.argsort(-score[found], kind="stable")]
        return len(order), [Hit(self.jobs[i], float(score[i])) for i in order[offset : offset + limit]]


def build_index(version: str, jobs: Sequence[StoredJob], embedder: Embedder) -> JobIndex:
    """The index of a loaded job set; a job stored without a vector of this model is embedded here."""

    vectors = np.zeros((len(jobs), embedder.dim), np.float32)
    missing: list[int] = []
    for i, job in enumerate(jobs):
        if job.vector and job.model == embedder.name and len(job.vector) == embedder.dim * 4:
            vectors[i] = np.frombuffer(job.vector, dtype=np.float32)
        else:
            missing.append(i)
    if missing:
        texts = [embed_text(JobPosting(jobs[i].id, jobs[i].title, team=jobs[i].team)) for i in missing]
        vectors[missing] = embedder.encode(texts)
    return JobIndex(version, list(jobs), vectors, embedder.name)
