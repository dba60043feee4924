"""Cheap checks on a message's language and shape, before any answer is searched for.

Measured on this page's question sets (notes/retrieval.md): function words, accents and script
catch non-English questions with no false refusals; shape checks catch markup, SQL, pasted
documents and messages without words. Pure functions, so tests reach them without Rasa.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 700

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Function words of other languages that are not also common English words.
_FOREIGN = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "del",
        "al",
        "que",
        "qué",
        "cómo",
        "como",
        "dónde",
        "donde",
        "cuándo",
        "cuando",
        "puedo",
        "puede",
        "para",
        "por",
        "mi",
        "mis",
        "mí",
        "es",
        "está",
        "estoy",
        "son",
        "una",
        "unos",
        "unas",
        "y",
        "o",
        "pero",
        "con",
        "sin",
        "sobre",
        "mismo",
        "misma",
        "también",
        "tengo",
        "quiero",
        "hay",
        "ich",
        "kann",
        "können",
        "den",
        "der",
        "das",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einer",
        "meine",
        "meiner",
        "meinen",
        "mein",
        "wie",
        "wo",
        "wann",
        "ist",
        "sind",
        "und",
        "oder",
        "nicht",
        "mit",
        "für",
        "bei",
        "auf",
        "zu",
        "ihr",
        "sie",
        "wir",
        "habe",
        "möchte",
        "bewerbung",
        "stelle",
        "je",
        "tu",
        "il",
        "elle",
        "nous",
        "vous",
        "les",
        "une",
        "des",
        "est",
        "sont",
        "et",
        "ou",
        "mais",
        "avec",
        "pour",
        "sur",
        "dans",
        "pas",
        "mon",
        "ma",
        "mes",
        "ton",
        "quel",
        "quelle",
        "quels",
        "comment",
        "où",
        "quand",
        "puis",
        "peux",
        "veux",
        "suis",
        "ai",
        "candidature",
        "poste",
        "posso",
        "você",
        "não",
        "meu",
        "minha",
        "meus",
        "com",
        "em",
        "uma",
        "os",
        "para",
        "é",
        "são",
        "também",
        "vaga",
        "candidatar",
        "il",
        "lo",
        "gli",
        "della",
        "delle",
        "dei",
        "sono",
        "come",
        "che",
        "per",
        "mio",
        "mia",
        "mie",
        "di",
        "sul",
        "nel",
        "anche",
        "vorrei",
        "candidatura",
        "ik",
        "het",
        "een",
        "mijn",
        "hoe",
        "wat",
        "kan",
        "voor",
        "niet",
        "van",
        "ben",
        "zijn",
        "waar",
        "wanneer",
        "sollicitatie",
        "jak",
        "gdzie",
        "czy",
        "nie",
        "jest",
        "się",
        "mogę",
        "moja",
        "mój",
        "aplikacja",
        "ben",
        "bir",
        "ve",
        "için",
        "nasıl",
        "nerede",
        "mı",
        "mi",
        "başvuru",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "a",
        "an",
        "is",
        "are",
        "was",
        "be",
        "to",
        "of",
        "and",
        "or",
        "for",
        "in",
        "on",
        "at",
        "with",
        "my",
        "me",
        "i",
        "you",
        "your",
        "it",
        "this",
        "that",
        "what",
        "how",
        "when",
        "where",
        "can",
        "do",
        "does",
        "did",
        "will",
        "would",
        "should",
        "have",
        "has",
        "there",
        "their",
        "about",
        "after",
        "before",
        "job",
        "interview",
        "apply",
        "application",
        "status",
        "role",
    ]
)
_INJECTION = re.compile(
    r"<\s*/?\s*[a-z][^>]*>"  # markup tags
    # SQL needs its own syntax to match, so "can I update my resume from my profile?" stays a question.
    r"|\bselect\s+\*\s+from\b|\bunion\s+(all\s+)?select\b|\bdrop\s+table\b|\binsert\s+into\b.*\bvalues\b"
    r"|\bdelete\s+from\s+\w+\s*(;|where)|\bupdate\s+\w+\s+set\s+\w+\s*="
    r"|'\s*or\s*'?\w*'?\s*=\s*'?\w|;\s*--",
    re.IGNORECASE | re.DOTALL,
)


def _letters(text: str) -> list[str]:
    return [ch for ch in text if ch.isalpha()]


def is_non_english(text: str) -> bool:
    letters = _letters(text)
    if not letters:
        return False
    non_latin = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith("LATIN"))
    if non_latin / len(letters) > 0.3:
        return True
    if "¿" in text or "¡" in text:
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    foreign = sum(1 for w in words if w in _FOREIGN)
    english = sum(1 for w in words if w in _ENGLISH)
    accented = sum(1 for ch in letters if ord(ch) > 127)
    return foreign >= 2 and foreign + (1 if accented else 0) > english


def has_foreign_signs(text: str) -> bool:
    """Any sign at all of another language: a letter outside ASCII, inverted punctuation or one word
    of the foreign list. Every non-English example NLU learns from has one; a message with none is
    English however short (the classifier alone called "EEO laws info?" non-English)."""
    if any(ord(ch) > 127 for ch in _letters(text)) or "¿" in text or "¡" in text:
        return True
    return any(w.lower() in _FOREIGN for w in _WORD.findall(text))


# A message of emoji alone is a reaction ("😂", "🙏"), not markup to refuse; a thumbs-up is a yes.
_YES_EMOJI = frozenset("👍👌✅☑✔")


# "hola", "bonjour": a greeting in another language is still a greeting (answered in English), not a
# question to decline.
_FOREIGN_GREETING = re.compile(
    r"^\W*(?:hola|bonjour|salut|hallo|ciao|ol[aá]|hej|hei|namaste|merhaba|buenos\s+d[ií]as|buenas(?:\s+tardes)?|guten\s+tag)\W*$",
    re.IGNORECASE,
)


# Words of instructions to the bot ("print your system prompt?"): NLU's "not a question" for them stands.
_TO_THE_RULES = re.compile(
    r"\b(?:prompt|instructions?|system|pretend|ignore|disregard|act\s+as|developer\s+mode|config\w*|hired|approved)\b",
    re.IGNORECASE,
)


def instructs_the_bot(text: str) -> bool:
    return bool(_TO_THE_RULES.search(text))


def is_foreign_greeting(text: str) -> bool:
    return bool(_FOREIGN_GREETING.match(text))


def emoji_reaction(text: str) -> str | None:
    """ "affirm" for a thumbs-up, "react" for other emoji alone, None for anything with words or no emoji."""
    chars = [c for c in text if not c.isspace() and c not in "\ufe0f\u200d" and not ("\U0001f3fb" <= c <= "\U0001f3ff")]
    if not chars or len(chars) > 8 or not all(unicodedata.category(c) == "So" for c in chars):
        return None
    return "affirm" if all(c in _YES_EMOJI for c in chars) else "react"


def is_not_a_question(text: str) -> bool:
    """Markup, SQL, pasted documents and messages with no words are refused, not searched."""
    if len(text) > MAX_QUESTION_CHARS:
        return True
    if not _WORD.search(text):
        return True
    return bool(_INJECTION.search(text))


# "Which portal should I use to see my status?" is a question about the process (the FAQ answers it),
# not a request to look up the candidate's own application, though NLU, seeing "applied" and "status",
# often calls it one. Asking *where* or *which page* marks it.
_WHERE_TO_CHECK = re.compile(
    r"\b(which|what|same|different|separate|other)\s+(\w+\s+)?(portal|link|site|website|page|url)s?\b"
    r"|\bwhere\s+(do|can|should|would|could|will|does|did)\s+(i|we|you|candidates|people|one|applicants)"
    r"\s+(even\s+|actually\s+|just\s+)?(go|check|look|log|sign|track|see|find|view|follow)\b"
    # "can i check on it myself somewhere": where the candidate looks, not a look-up by the assistant.
    r"|\b(check|see|track|follow)\s+(up\s+)?(on\s+)?((it|that|this|them|my(\s+\w+){1,2})\s+)?(myself|on\s+my\s+own|by\s+myself)\b"
    r"|\bhow\s+(do|can|should|could|would)\s+(i|we|you|candidates|applicants)\s+(check|see|track|find|view|follow)\b",
    re.IGNORECASE,
)


def asks_where_to_check_status(text: str) -> bool:
    """True for questions about where or how candidates check a status, in general or for a kind of role."""
    return bool(_WHERE_TO_CHECK.search(text))


# A request to look up the candidate's own application, in the forms NLU's n-grams miss when the rest
# of the message (a requisition number, a city, a role, a date) looks like nothing it was trained on:
# "I applied to req 2847391 (Solutions Architect, Seattle) on March 3 - what's the status?", "can you
# tell me whether my phone interview got me through to the next round?", "is there an offer coming for
# me?". Only the request's own words count; MessageGuard applies it to messages NLU called out of
# scope or could not place, so a covered question is never taken from the search by it.
_OWN_STATUS_REQUEST = re.compile(
    r"\b(?:what'?s|what\s+is|tell\s+me|check|look\s+up|give\s+me)\b[^?.!]{0,30}\bstatus\b"
    r"|\bstatus\s+of\s+my\b|\bmy\s+(?:application'?s?\s+|candidacy'?s?\s+)?status\b"
    r"|\b(?:decision|decided)\s+(?:on|about)\s+(?:me|my)\b"
    r"|\b(?:got|get|gotten|getting|made?)\s+(?:me\s+)?(?:through|to)\s+(?:to\s+)?the\s+next\s+(?:round|step|stage)\b"
    r"|\b(?:did|have|has)\s+i\s+(?:pass|passed|get|got|make|made|been)\b"
    r"|\boffer\s+(?:coming\s+)?for\s+me\b|\b(?:do|will)\s+i\s+(?:get|have)\s+(?:an?\s+)?offer\b"
    r"|\b(?:check|look\s+up|look\s+at|pull\s+up)\s+mine\b"
    # "can you tell me if I passed the OA?", and "status?" alone.
    r"|\b(?:tell\s+me|know|see)\s+(?:if|whether)\s+i\s+(?:passed|got\s+(?:through|in|it|the\s+job)|made\s+it)\b"
    # "can u tell me if i got rejected?", "know whether i got an offer", "see if i was selected"
    r"|\b(?:tell\s+me|know|see)\s+(?:if|whether)\s+i\s+(?:got|was|were|am|have\s+been)\s+(?:rejected|declined|selected|an?\s+offer|the\s+offer)\b"
    r"|^\W*(?:my\s+)?(?:application\s+)?status(?:\s+(?:update|check|pls|plz|please))*\W*$"
    # "any news?", "is an offer coming?", "heard nothing since tuesday", "can you see what's up?", "when
    # is my onsite? I forgot the date".
    r"|^\W*(?:so\s+)?any\s+(?:news|updates?|word)(?:\s+(?:yet|on\s+(?:mine|my\s+\w+|it)))?\W*$"
    r"|\b(?:is|was)\s+(?:an?\s+|my\s+)?offer\s+coming\b"
    r"|\b(?:heard|hear)\s+nothing\b|\bhaven'?t\s+heard\s+(?:anything|back)\s+since\b"
    r"|\bcan\s+(?:you|u)\s+(?:check|see|find\s+out)\s+(?:where\s+things|what'?s\s+(?:up|happening|going\s+on))\b"
    # "i already applied last week for a solutions architect job, can u check where it's at?"
    r"|\b(?:check|see|find\s+out|tell\s+me)\s+where\s+(?:it'?s|it\s+is|mine\s+is|my\s+\w+\s+is|things\s+are)\s+at\b"
    # "its been 2 weeks since my loop, what's the decision": the decision on the step the candidate had.
    r"|\bsince\s+my\s+(?:loop|onsite|on-site|final\s+round|interviews?|phone\s+(?:screen|interview)|assessments?|oa)\b"
    r"[^?.!]{0,20}\bwhat'?s\s+the\s+(?:decision|verdict|outcome|news)\b"
    r"|\bwhen\s+is\s+my\s+(?:onsite|on-site|interview|loop|phone\s+(?:screen|interview)|assessment)\b"
    # "can you look me up?", "when is my offer letter coming?", "is mine dead or what", "was my OA score
    # good enough?", "do u know if they decided anything about me", "confirm my loop is still on for
    # tuesday": the candidate's own application in other words (dev-11's missed look-ups).
    r"|\b(?:look|pull)\s+me\s+up\b|\b(?:when|where)\s+(?:is|will)\s+my\s+offer\b"
    r"|\bis\s+(?:mine|my\s+(?:app|application|candidacy))\s+(?:dead|over|done|closed|gone)\b"
    r"|\bmy\s+(?:assessment|oa|test)\s+(?:score|scores|result|results)\s+(?:was\s+|were\s+)?(?:good|high)\s+enough\b"
    r"|\b(?:what\s+(?:was|is|were)|how\s+did\s+i\s+do\s+on)\s+my\s+(?:assessment|oa|test)\s+(?:score|scores|result|results)\b"
    r"|\b(?:decided|decide|decision)\s+(?:anything|something)\s+(?:about|on)\s+me\b"
    r"|\bconfirm\s+(?:that\s+|whether\s+|if\s+)?my\s+(?:loop|onsite|on-site|interviews?|phone\s+(?:screen|interview))\b"
    # "I already applied to req 2751930, is it moving?"
    r"|\bis\s+(?:it|mine)\s+(?:still\s+)?(?:moving|progressing|going\s+anywhere)\b",
    re.IGNORECASE,
)
# ... but not a question about how status, offers or decisions work ("once I get an offer, how long do
# I have to accept?", "which status page applies to me?", "if I pass, what comes next?"). "Wondering
# if" and "lmk if" are how a request is put politely, not a condition.
_PROCESS_QUESTION = re.compile(
    # A relative "which" ("the outcome of my interview which happened on 28 Nov") asks nothing.
    r"\b(?<!wondering\s)(?<!wonder\s)(?<!me\s)(?<!know\s)(?<!see\s)(?<!lmk\s)(?<!or\s)"
    r"(?:if|once|which(?!\s+(?:happened|took\s+place|was\s+(?:on|held)|i\s+(?:had|did|took|attended))\b))\b"
    r"|\bwhere\s+(?:can|do|should)\b"
    r"|\bhow\s+(?:long|much|many|do|can|often)\b",
    re.IGNORECASE,
)


# ... and the ways candidates ask about their own application without the word "status", which read as
# nothing else whatever the rest of the message says: "just wondering where i'm at with that one", "was
# my app for the SDE1 role rejected??", "lmk if im through to the phone interview stage", "did amazon
# even look at my resume yet?", "whats the verdict on my phone interview from friday?". Written from the
# missed look-ups of dev-7 and dev-8 (eval/); on every dev set and the holdout no other message matches.
_OWN_APPLICATION = re.compile(
    r"\bwhere\s+(?:i'?m|i\s+am)\s+at\b|\bwhere\s+(?:it|mine|my\s+\w+(?:\s+\w+)?|each\s+one|each\s+of\s+(?:them|mine))\s+stands\b"
    r"|\bwhere\s+(?:they|both|all\s+of\s+them|my\s+applications)\s+stand\b|\bwhere\s+(?:does|do)\s+(?:it|mine|my\s+\w+)\s+stand\b"
    r"|\bwhere\s+am\s+i\s+in\s+the\s+(?:process|pipeline)\b"
    r"|\b(?:did|has|have)\s+(?:they|aws|amazon|you(?:\s+guys)?|the\s+(?:hiring\s+)?team)\s+(?:reject|rejected|decline|declined|turn(?:ed)?\s+down|pass(?:ed)?\s+on)\s+(?:me|my)\b"
    r"|\b(?:was|is|has|did)\s+my\s+(?:app|application|applicaiton|candidacy|submission|resume|referral)\b[^?.!]{0,60}?\b(?:rejected|declined|received|accepted|progressed|moved|reviewed|landed|opened|looked\s+at|go\s+through|went\s+through|get\s+through|gone\s+anywhere|still\s+active|closed|go\s+thru)\b"
    r"|\bam\s+i\s+(?:getting|gonna\s+get|going\s+to\s+get)\s+(?:an?|the)\s+(?:interview|offer|job|call)\b"
    r"|\ba\s+no\s+for\s+me\b|\bstill\s+(?:being\s+)?consider(?:ed|ing)\s+(?:me|for)\b|\bam\s+i\s+still\s+(?:being\s+)?considered\b|\bstill\s+being\s+considered\b|\bstill\s+in\s+the\s+running\b"
    r"|\b(?:look\s+up|pull\s+up|find\s+out)\s+(?:whether|if|what'?s\s+(?:going\s+on|happening|up))\b[^?.!]{0,40}\b(?:mine|my|me)\b"
    r"|\b(?:look\s+up|pull\s+up)\s+my\s+(?:file|application|app|applicaiton|profile|candidacy)\b"
    r"|\b(?:outcome|result|results|verdict|decision)\s+(?:of|on|from)\s+my\b"
    r"|\b(?:i'?m|am\s+i|have\s+i|i\s+am)\s+(?:through|moved|advanced|progressed)\s+(?:to|on\s+to)\b"
    # "r u able to tell me if i moved on to the phone screen"
    r"|\b(?:if|whether)\s+i\s+(?:moved|advanced|progressed|made\s+it)\s+(?:on\s+)?to\s+the\b"
    r"|\bopened\s+mine\b|\bbeen\s+ghosted\b"
    r"|\bmy\s+candidacy\b[^?.!]{0,60}\bprogressed\b|\bchecking\s+in\s+on\s+my\b"
    r"|\b(?:did|has|have)\s+(?:amazon|aws|they|anyone|someone|a\s+recruiter|the\s+(?:hiring\s+)?team)\s+(?:even\s+)?(?:look(?:ed)?\s+at|seen?|review(?:ed)?|open(?:ed)?)\s+my\b"
    r"|\bany\s+(?:news|updates?|word)\s+(?:on|about)\s+my\b"
    r"|\bwhat'?s\s+happening\s+with\s+(?:it|mine|my)\b|\bwhat\s+(?:actually\s+)?happened\s+with\s+my\b|\bhow'?s\s+my\s+(?:app|application)\b"
    r"|\b(?:have|did)\s+they\s+schedule(?:d)?\s+my\b|\bconfirm\s+(?:that\s+|whether\s+)?my\s+(?:application|app|submission)\b"
    # "was i rejected?", "any news for me 🙂 applied for solutions architect...", "can you tell me if the hiring
    # team picked someone for the devops role i applied to?"
    r"|\b(?:was|were|have|am)\s+i\s+(?:been\s+)?(?:rejected|declined|turned\s+down|shortlisted|selected|hired|accepted|successful)\b"
    r"|\bany\s+(?:news|updates?|word)\s+for\s+me\b"
    r"|\btell\s+me\s+(?:if|whether)\b[^?.!]{0,80}\bi\s+applied\b"
    # "hey can u tell me if i passed the work sample thing?", "pls tell me if im getting an offer, im so nervous"
    r"|\btell\s+me\s+(?:if|whether)\s+i\s+passed\b"
    r"|\btell\s+me\s+(?:if|whether)\s+(?:i'?m|i\s+am|im)\s+(?:getting|gonna\s+get|going\s+to\s+get)\s+(?:an?\s+|the\s+)?(?:offer|job|call)\b"
    # "i applied to like 4 aws jobs last month ... can you see if any of them are still moving"
    r"|^(?=.*\bi(?:'?ve|\s+have)?\s+applied\b).*\b(?:see|check|find\s+out|tell\s+me|know)\s+(?:if|whether)\s+"
    r"(?:any\s+of\s+)?(?:them|it|mine|my\s+\w+(?:\s+\w+)?)\s+(?:are|is)\s+still\b",
    re.IGNORECASE,
)


# "¿Hay novedades sobre mi solicitud?", "statut de ma candidature pour le poste SDE ?": a look-up of
# the candidate's own application in another language. The look-up itself needs no language (sign in,
# then the status); a question about how to check ("come posso controllare lo stato della mia
# candidatura?") stays a question in another language, answered with the English-only reply.
_FOREIGN_OWN_APPLICATION = re.compile(
    r"\b(?:mi|mis)\s+(?:solicitud(?:es)?|candidatura|postulaci[oó]n|aplicaci[oó]n)\b"
    r"|\b(?:ma|mes)\s+candidatures?\b|\bmon\s+dossier\b|\bmeine[rn]?\s+bewerbung(?:en)?\b"
    r"|\b(?:minha|a\s+minha)\s+(?:candidatura|inscri[cç][aã]o|aplica[cç][aã]o)\b|\bla\s+mia\s+candidatura\b",
    re.IGNORECASE,
)
_FOREIGN_HOW = re.compile(
    r"\b(?:c[oó]mo|d[oó]nde|come|dove|comment|wie|wo|onde|where|how)\b|(?<!\w)où\b", re.IGNORECASE
)


def requests_own_status_in_another_language(text: str) -> bool:
    return bool(_FOREIGN_OWN_APPLICATION.search(text)) and not _FOREIGN_HOW.search(text)


def requests_own_status(text: str) -> bool:
    """True for a request to look up the candidate's own application ("what's the status of my
    candidacy for the Dublin job?"), not a question about how applications are handled."""
    if asks_about_own_application(text):
        return True
    return (
        bool(_OWN_STATUS_REQUEST.search(text))
        and not _PROCESS_QUESTION.search(text)
        and not asks_what_a_look_up_cannot_answer(text)
    )


def asks_about_own_application(text: str) -> bool:
    """True for the unmistakable forms of a request about the candidate's own application
    (`_OWN_APPLICATION`), which MessageGuard trusts over any intent NLU gave."""
    return (
        bool(_OWN_APPLICATION.search(text))
        and not _PROCESS_QUESTION.search(text)
        and not asks_what_a_look_up_cannot_answer(text)
    )


# "after that?", "and then?", "what's next?" ("and before that?"): in a conversation, the next (or
# previous) step of the hiring process
# (the knowledge service resolves it against the topic). NLU's n-grams read "after that?" as a goodbye
# ("talk to you after") or a thank-you; only the whole message counts, so "thanks, what's next?" is not it.
_NEXT_STEP = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|right|cool|great|alright|got\s+it)\W+)*"
    r"(?:(?:and\s+)?then(?:\s+what)?|what(?:'?s|\s+is|\s+comes|\s+happens)?\s+(?:next|after\s+(?:that|this|those))"
    r"|(?:and\s+)?after\s+(?:that|this|those|these|them)|what(?:'?s|\s+is)\s+the\s+next\s+step|next\s+step"
    # "and before that?": the step before, which the knowledge service resolves the same way.
    r"|(?:what(?:'?s|\s+is|\s+comes)\s+)?(?:right\s+|just\s+)?before\s+(?:that|this|it)(?:\s+one)?)\W*$",
    re.IGNORECASE,
)


# "im nervous about my loop next week, any advice?", "wish me luck! any last tips?": nerves, and a request
# for the advice the knowledge gives on preparing (NLU heard the nerves: good luck, and no advice).
_ASKS_FOR_ADVICE = re.compile(
    r"\b(?:any|some|got\s+any|give\s+me(?:\s+some)?|need(?:\s+some)?)\s+(?:(?:last[-\s]minute|last|quick|final)\s+)?"
    r"(?:advice|tips?|pointers|suggestions?)\b"
    r"|\bhow\s+(?:should|do|can|could)\s+i\s+(?:best\s+)?(?:prep|prepare|get\s+ready)\b"
    r"|\bwhat\s+should\s+i\s+(?:prep|prepare|study|expect|know|focus\s+on)\b",
    re.IGNORECASE,
)


def asks_for_advice(text: str) -> bool:
    """True for a message that asks for advice on preparing, whatever else it says."""
    return bool(_ASKS_FOR_ADVICE.search(text))


# "alright then", "ok then": an acknowledgement, unless asked ("ok then?").
_ACKNOWLEDGED_THEN = re.compile(r"^\W*(?:ok(?:ay)?|right|cool|great|alright|fine)\W+then[\s.!]*$", re.IGNORECASE)


def asks_for_the_next_step(text: str) -> bool:
    """True for a message that only asks what comes next ("after that?", "and then?")."""
    return bool(_NEXT_STEP.match(text)) and not _ACKNOWLEDGED_THEN.match(text)


# "just finished my OA, what's next?", "i just did my phone interview for a TAM role in london, whats
# the next stage": a question about the process, though it names a role and a place (a job search to
# NLU) or what the candidate did (a look-up). No status request of the dev sets reads this way.
_WHATS_NEXT = re.compile(
    r"\bwhat(?:'?s|\s+is)\s+(?:the\s+)?next\s+(?:step|stage|round)\b|\bwhat\s+(?:comes|happens)\s+next\b"
    r"|\bwhat(?:'?s|\s+is)\s+next\b"
    # "hi i just did the online assessment, now what?": NLU's look-up (every dev set's "now what" asks the process).
    r"|\bnow\s+what\b|\bwhat\s+now\b",
    re.IGNORECASE,
)


def asks_whats_next(text: str) -> bool:
    """True for a question that asks what comes next in the process."""
    return bool(_WHATS_NEXT.search(text))


# Interview practice is asked for in so many words ("practise", "rehearse", "mock interview", "quiz me",
# picking a principle); NLU's n-grams also gave it "sde interview prep guide?" (the FAQ's developers'
# guide) and "list the leadership principles pls" (not on the page: refused).
_PRACTICE_CUE = re.compile(
    r"practi[cs]|rehears|\bmock\b|\bquiz|\bdrill|\b(?:pick|choose)\b.*\bprinciple|\banother\s+(?:one|question)",
    re.IGNORECASE,
)


# "try again", "can I have another attempt?": a retry says so; "won't that count against me?" is not one.
# "again" of an answer ("let me try that answer again"), not of applying ("does a past rejection count
# against me if i apply again?").
_RETRY_CUE = re.compile(
    r"\b(?:retry|redo|re-?do|re-?write|rewrite|re-?try|another\s+(?:go|try|attempt|shot)|one\s+more\s+(?:time|go|try))\b"
    r"|\b(?:try|go|attempt|answer|do|redo|write|say|tell|start|question|that|it|this)\b(?:\s+\w+){0,2}\s+again\b",
    re.IGNORECASE,
)


def asks_to_retry(text: str) -> bool:
    return bool(_RETRY_CUE.search(text))


# "stop practising", "I'm done", "no more questions": stopping says so; "does it have practice problems?"
# is a question about the assessments, whatever the n-grams of "practice".
_STOP_CUE = re.compile(r"\b(?:stop|end|quit|done|enough|exit|finish|finished|no\s+more|leave)\b", re.IGNORECASE)


def asks_to_stop(text: str) -> bool:
    return bool(_STOP_CUE.search(text))


# "what can you do?", "how does this chat work": about the assistant; "what about relocation help" names
# a subject of its own, which "help" does not make a question about the assistant.
_ABOUT_THE_ASSISTANT = frozenset(
    [
        "what",
        "whats",
        "can",
        "could",
        "you",
        "your",
        "yourself",
        "help",
        "helps",
        "me",
        "with",
        "do",
        "does",
        "know",
        "about",
        "how",
        "this",
        "chat",
        "work",
        "questions",
        "question",
        "ask",
        "asking",
        "are",
        "able",
        "topics",
        "topic",
        "cover",
        "kind",
        "stuff",
        "is",
        "for",
        "info",
        "information",
        "have",
        "good",
        "options",
        "menu",
        "show",
        "list",
        "sort",
        "answer",
        "answers",
        "capable",
        "use",
        "here",
        "the",
        "a",
        "an",
        "of",
        "to",
        "i",
        "my",
        "in",
        "it",
        "its",
        "assistant",
        "bot",
        "chatbot",
        "tell",
        "things",
        "thing",
        "anything",
        "which",
        # "hey there, what can u do?", "good morning! what do you do?": a greeting names nothing.
        "there",
        "hello",
        "hiya",
        "howdy",
        "morning",
        "afternoon",
        "evening",
        # "fine, what DO u know about then", "okay so what do you actually know": a lead-in names nothing.
        # "can i ask you something?", "mind if i ask you something": a question to come, named later.
        "something",
        "smth",
        "mind",
        "fine",
        "then",
        "okay",
        "well",
        "alright",
        "actually",
        "exactly",
        "really",
    ]
)


# "what can you do?", "what questions can I ask?", "help", "menu": a question about the assistant says
# so. "ok what kind of questions tho" (after the phone interview's answer) asks about the interview's.
# Every capabilities example of bot/data/nlu.yml has one of these words.
_TO_THE_ASSISTANT = re.compile(
    r"\b(?:you|u|ya|your|ur|this|bot|chat|assistant|help|ask|answer|answers|do|menu|options|use|capable"
    r"|know|info|cover|for|here)\b",
    re.IGNORECASE,
)


# "what kind of stuff do you do in it" (after the work sample's answer): "it" is what was just discussed.
_ABOUT_THE_TOPIC = re.compile(r"\b(?:in|on|during|for|at|about)\s+(?:it|them|that|those)\b", re.IGNORECASE)


def names_a_subject(text: str) -> bool:
    """True when a message NLU took for "what can you do?" names something besides the assistant, or
    does not speak to the assistant at all."""
    if not _TO_THE_ASSISTANT.search(text) or _ABOUT_THE_TOPIC.search(text):
        return True
    return any(len(w) >= 4 and w not in _ABOUT_THE_ASSISTANT for w in re.findall(r"[a-z]+", text.lower()))


# "talk to a human", "connect me to a recruiter", "customer service please": a request for a person says
# so; "who calls me, a recruiter?" asks about the process, whatever the n-grams of "recruiter".
_PERSON_CUE = re.compile(
    r"\b(?:talk|speak|speaking|connect|contact|chat|human|person|people|agent|someone|somebody|real"
    r"|representative|rep|staff|support|service|live|operator|transfer|escalate|reach|get\s+me|put\s+me)\b",
    re.IGNORECASE,
)


# "is it ok to talk to amazon recruiters?" (a government employee) asks whether something is allowed.
_PERMISSION = re.compile(
    r"\b(?:is\s+it|it'?s|is\s+that)\s+(?:ok(?:ay)?|allowed|fine|legal|permitted)\s+(?:for\s+me\s+)?to\b"
    r"|\bam\s+i\s+(?:even\s+)?allowed\s+to\b",
    re.IGNORECASE,
)


def asks_for_a_person(text: str) -> bool:
    return bool(_PERSON_CUE.search(text)) and not _PERMISSION.search(text)


# "bye", "that's all", "gotta go": a goodbye says so; "gpa cutoff for new grad?" is no goodbye. (Not
# "later", "done", "peace", "night", "leaving", "next time": goodbyes only in a message that asks nothing,
# as "later!" and "ok im done" are; "that's annoying. can i swap it out later" is a question.)
_GOODBYE_CUE = re.compile(
    r"\b(?:bye|goodbye|cya|see\s+(?:you|ya)|that'?s\s+(?:all|it|everything)|gotta\s+go|gtg|have\s+to\s+go|i'?m\s+off"
    r"|good\s+night|nice\s+day|good\s+one|take\s+care|signing\s+off|ttyl|farewell|all\s+set"
    r"|nothing\s+else|will\s+be\s+all|end\s+chat|talk\s+to\s+you|thanks|thank\s+you|cheers"
    r"|have\s+a\s+(?:good|nice|great|lovely)\b)\b",
    re.IGNORECASE,
)


# A question: a question mark, or a question word first ("gpa cutoff for new grad?", "what gpa do i need").
_QUESTION_FORM = re.compile(
    r"\?|(?:^|[.!,;:]\s*)\W*(?:what|whats|when|where|which|who|whom|whose|why|how|is|are|am|do|does|did|can|could|will|would"
    r"|should|shall|may|has|have)\b",
    re.IGNORECASE,
)


def says_goodbye(text: str) -> bool:
    """False only for a question with no word of leaving: "gotta run", "adios", "signing out" are goodbyes
    NLU knows from few examples; "gpa cutoff for new grad?" is not one."""
    return _says_so_or_asks_nothing(_GOODBYE_CUE, text)


def _says_so_or_asks_nothing(cue: re.Pattern[str], text: str) -> bool:
    """Small talk says what it is (a goodbye, a greeting), or asks nothing at all; a question with none
    of its words is a question, whatever NLU's n-grams made of it."""
    return bool(cue.search(text)) or not _QUESTION_FORM.search(text)


# "hi", "how r u", "anyone there?": a greeting says so; "how many?" and "how are they picked?" are
# questions whose "how" NLU's n-grams took for "how are you".
_GREETING_CUE = re.compile(
    r"\b(?:hi+|hello+|hey+|heya|hiya|yo|howdy|sup|greetings|morning|afternoon|evening|good\s+day"
    r"|how\s+(?:are|r)\s+(?:you|u|ya)|how'?s\s+(?:it\s+going|(?:your|ur)\s+day)|what'?s\s+up|wassup|anyone|anybody|you\s+there|u\s+there"
    r"|this\s+thing\s+on|again|i'?m\s+back)\b",
    re.IGNORECASE,
)


def greets(text: str) -> bool:
    """False only for a question with no word of greeting ("how many?", "how are they picked?")."""
    return _says_so_or_asks_nothing(_GREETING_CUE, text)


# A look-up of one's own application names the candidate or the application, or asks for news of it;
# "rsu vesting schedule still 5/15/40/40 or did they change it" does neither.
_OWN_STATUS_CUE = re.compile(
    r"\b(?:my|mine|me|i|i'm|im|i've|ive|i'd|status|application|applications|app|apps|candidacy|news|update|updates"
    r"|word|heard|hear|progress|stage|where|rejected|offer|result|results|decision|outcome|stand|standing|yet"
    r"|waiting|wait|happening|happened|going\s+on|pending|through|passed|moved|moving|back"
    # Which application, when the look-up asks ("the dallas one", "the second", "the SDE role").
    r"|one|first|second|third|last|both|role|job|position|req|requisition)\b",
    re.IGNORECASE,
)


def names_own_application(text: str) -> bool:
    return bool(_OWN_STATUS_CUE.search(text))


# "sign me up for job alerts", "keep me posted about roles like these": joining the talent community says
# so; "wait they want me to talk about taking risks?" does not, whatever the n-grams.
_JOIN_CUE = re.compile(
    r"\b(?:join|joining|sign|signup|subscribe|alerts?|notif\w*|email|e-mail|mail|updates?|posted|informed"
    r"|let\s+me\s+know|lmk|tell\s+me\s+when|ping\s+me|text\s+me|talent|pool|network|community|newsletter"
    r"|list)\b",
    re.IGNORECASE,
)


def asks_to_join(text: str) -> bool:
    return bool(_JOIN_CUE.search(text))


def asks_to_practise(text: str) -> bool:
    """True when the message says it wants practice (a word for practising, or picking a principle)."""
    return bool(_PRACTICE_CUE.search(text))


# A question that opens as a condition or a question about how things are done ("if I withdraw my
# application, will it hurt my chances?", "can I ask for feedback on why my application was
# declined?", "how often does the portal update my status?") is about the process, not a request to
# look my application up, though it names it.
_PROCESS_OPENING = re.compile(
    r"^\W*(?:if\s+i|once\s+i|can\s+i\s+ask|how\s+often|will\s+(?:it|that|this)\s+(?:hurt|affect|count)"
    r")\b"
    # "can i edit my application after i submit", "...wifi died halfway thru, can i retake it??": whether a
    # thing can be done, not a look-up, wherever the question starts.
    r"|(?:^|[^\w\s]\s*|\b(?:so|but|and)\s+)(?:can|could|am\s+i\s+able\s+to|is\s+it\s+possible\s+to)\s+(?:i\s+)?"
    r"(?:edit|change|update|withdraw|modify|fix|add\s+to|remove|delete|cancel|resubmit|re-?submit|reapply|re-?apply"
    r"|retake|re-?take|redo|re-?do|reschedule|postpone)\b"
    # "I failed a big project at my last job, should I avoid bringing it up in my interview?": advice on
    # what to do, however much of "my" there is (a request with "or should I move on" is caught first).
    r"|\bshould\s+i\b"
    # "backend engineer here, got my interview coming up. is there any sde-specific prep material?"
    r"|\bis\s+there\s+(?:any|a|an|some)\b(?!\s+(?:news|updates?|word|offer|decision|progress|movement)\b)"
    # "gov employee here, what am i agreeing to if i go ahead with the interviews": the FAQ for government
    # employees, whatever "i" and "interviews" read as.
    r"|\b(?:gov|govt|government|state|federal|city|county|public[\s-]sector)\s+(?:employee|worker|job|official)s?\b"
    # "state employee here, am i even allowed to discuss a job w amazon?": whether it is allowed.
    r"|\bam\s+i\s+(?:even\s+)?allowed\s+to\b|\bis\s+it\s+(?:ok(?:ay)?|allowed|legal|permitted)\s+(?:for\s+me\s+)?to\b"
    # "is the loop just ppl from the team im joining?": how a step is made up, though it says "im".
    r"|^\W*(?:is|are)\s+(?:the|a)\s+(?:loop|interview\s+loop|bar\s+raisers?|panel|onsite|on-site|phone\s+(?:screen|interview)"
    r"|assessments?|oa)\s+(?:just|only|always|usually|all|mostly|made\s+up|done|run|led)\b",
    re.IGNORECASE,
)


# "why was i rejected", "why hasn't my recruiter emailed me back", "can you withdraw my application",
# "change my email on my application to the new one pls": about the candidate's own application, yet
# nothing a look-up answers (the reason for a decision, feedback, or a change to the application): not
# covered, with the offer of a person, rather than a sign-in that shows the status. Written from the
# own-status boundary set dev-status-3 (eval/).
_NOT_FOR_A_LOOK_UP = re.compile(
    r"^\W*(?:why|how\s+come)\b|\bwhat\s+(?:was|is)\s+the\s+reason\b|\bwhat\s+did\s+i\s+do\s+wrong\b"
    r"|\bfeedback\s+(?:on|about|from)\s+(?:my\s+)?(?:interview|answers|performance|assessment|phone)"
    r"|\b(?:withdraw|cancel|pull|change|update|edit|correct|fix|delete)\s+(?:my|the)\b[^?.!]{0,40}?"
    r"\b(?:application|app|profile|email|e-mail|name|phone|number|resume|cv|address)\b",
    re.IGNORECASE,
)


def asks_what_a_look_up_cannot_answer(text: str) -> bool:
    """True for a message about the candidate's own application that a status look-up does not answer:
    why a decision was made, feedback, or a change to the application."""
    return bool(_NOT_FOR_A_LOOK_UP.search(text))


def opens_as_a_process_question(text: str) -> bool:
    return bool(_PROCESS_OPENING.search(text)) and not requests_own_status(text)


# A reaction or a complaint is a few words with nothing asked ("lol", "got it", "you're useless"); one
# that goes on to ask something ("lol what's a bar raiser", "I see, how long is the OA?") is that
# question, whatever the n-grams of its opening made of it.
# A question word anywhere; a verb that opens a yes/no question only where a question starts ("lol is it
# paid", "ok, can I retake it"), not inside a statement ("ugh this site is so slow").
_ASKS = re.compile(
    r"\?|\b(?:what|what's|whats|how|when|where|who|why|which)\b"
    r"|(?:^|[,.;:!]\s*|\b(?:lol|haha|ok|okay|oh|ah|hmm|ugh|so|and|but|wait|also)\s+)"
    r"(?:can|could|do|does|did|is|are|will|should|any|anything)\b",
    re.IGNORECASE,
)
REACTION_MAX_WORDS = 8
# ... but a question to the assistant itself is still the complaint ("why do you keep repeating yourself").
_TO_THE_BOT = re.compile(r"\b(?:you|you're|youre|your|yourself|u|bot|chatbot)\b", re.IGNORECASE)


# "that's not what i asked": the complaint's "what" asks nothing.
_NOT_WHAT_I = re.compile(r"\bnot\s+what\s+i\s+(?:asked|meant|wanted|said|was\s+asking)\b", re.IGNORECASE)


def asks_more_than_a_reaction(text: str) -> bool:
    """True when a message NLU read as a reaction or complaint asks something or says much more."""
    if len([w for w in text.split() if any(ch.isalnum() for ch in w)]) > REACTION_MAX_WORDS:
        return True
    if _NOT_WHAT_I.search(text) and "?" not in text:
        return False
    return bool(_ASKS.search(text)) and not _TO_THE_BOT.search(text)


# "bc of covid?", "right, is it paid?": a question after (or instead of) a yes, which NLU read as the yes.
# Words of four letters or more outside this list say what is asked.
_YES_NO_WORDS = frozenset(
    [
        "yes",
        "yeah",
        "yeap",
        "yep",
        "yup",
        "sure",
        "okay",
        "right",
        "really",
        "cool",
        "great",
        "correct",
        "true",
        "please",
        "thanks",
        "thank",
        "nope",
        "alright",
        "fine",
        "good",
        "nice",
        "perfect",
        "awesome",
        "exactly",
        "definitely",
        "absolutely",
        "course",
        "that's",
        "thats",
        "what",
    ]
)


# "and weekends dont count right": a statement put as a question without its mark.
_GOES_ON = re.compile(r"^\W*(?:and|but)\s+\w+\s+\w+", re.IGNORECASE)


def asks_beyond_yes_no(text: str) -> bool:
    """True for a message with a question mark, or one going on from the last answer ("and ..."), and
    a word that is not a yes, a no or a reaction."""
    if "?" not in text and not _GOES_ON.match(text):
        return False
    return any(len(w) >= 4 and w.lower() not in _YES_NO_WORDS for w in _WORD.findall(text))


# "is joining the talent network the same thing as applying?", "what is the talent network?", "should I
# join it?": questions about joining, which the FAQ answers; a request to join says so ("sign me up",
# "can I join?", "how do I join?").
_ASKS_ABOUT = re.compile(
    r"^\W*(?:so\W+|and\W+)?(?:what|what's|whats|is|are|does|do\s+i\s+need|should|why)\b"
    # "if i join the talent network how often do yall email me?": what joining means, asked.
    r"|^\W*(?:so\W+|and\W+)?(?:if|once|after)\s+i\s+(?:join|sign\s+up|signed\s+up)\b[^?]*\b(?:how|what|will|would|do|does|can)\b"
    # "nothing fits me rn, is there a way to get notified of new jobs": whether there is one, asked.
    r"|^.*?\bis\s+there\s+(?:a|any)\s+way\s+to\b"
    # "fine, then just tell me about the talent network thing": what it is, asked.
    r"|^.*?\b(?:tell\s+me|explain)\s+(?:more\s+)?about\s+(?:the|this|that|your|it)\b",
    re.IGNORECASE,
)


def asks_about_rather_than_for(text: str) -> bool:
    return bool(_ASKS_ABOUT.match(text))


# "i don't get it", "can you say that simpler", "in plain english?", "tldr?": the last answer explained
# again, which the knowledge service does with the conversation's topic; never a "no", a complaint or a
# job search ("in plain english?" read as a search for English-speaking jobs).
_EXPLAIN_AGAIN = re.compile(
    r"^\W*(?:(?:ok|okay|sorry|hm+|um+|uh+|wait|so|but|lol|haha)\W+)*(?:"
    r"i\s+(?:still\s+)?(?:don'?t|dont|do\s+not|didn'?t|didnt)\s+(?:get\s+(?:it|that|this)|understand(?:\s+(?:it|that|this))?)"
    r"|(?:can|could)\s+(?:you|u)\s+(?:please\s+|pls\s+)?(?:say|explain|put)\s+(?:it|that|this)\s+"
    r"(?:again\s+)?(?:simpler|more\s+simply|differently|another\s+way|in\s+(?:simpler|other|plain)\s+(?:words|terms|english))"
    r"|(?:can|could)\s+(?:you|u)\s+(?:please\s+|pls\s+)?rephrase(?:\s+(?:it|that|this))?"
    r"|(?:in\s+)?(?:plain|simple)\s+english(?:\s+(?:please|pls))?"
    r"|(?:say|explain)\s+(?:it|that)\s+(?:simpler|more\s+simply)(?:\s+(?:please|pls))?"
    r"|explain\s+(?:it\s+|that\s+)?like\s+i'?m\s+(?:5|five)|eli5"
    r"|tl;?\s?dr|too\s+long\W*(?:didn'?t|didnt|did\s+not|dont|don'?t)\s+read(?:\W+tl;?\s?dr)?"
    r")\W*$",
    re.IGNORECASE,
)


def asks_to_explain_again(text: str) -> bool:
    return bool(_EXPLAIN_AGAIN.match(text))
