"""Surface cues of a practice answer's sentences: tense, first person, modal verbs, quantities.

Pure functions on text, no model: the classifier (api/practice/roles.py) uses them beside the
sentence embedding, and the review uses them directly for "I" vs "we", measurable results and
whether an answer tells a story at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! or ? (then a space) or at a line break; candidates type lower case too.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\s*\n+\s*")
# Hyphenated words stay whole: "customer-obsessed" describes, "obsessed" alone might tell.
_WORD = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*|\d[\d,.]*")

I_WORDS = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself", "mine"})
WE_WORDS = frozenset({"we", "we're", "we've", "we'd", "we'll", "us", "our", "ours", "ourselves"})

# Common irregular past forms (regular ones end in -ed). Enough for spoken stories; a word missed
# here only weakens one cue of many.
_IRREGULAR_PAST = frozenset(
    [
        "was",
        "were",
        "had",
        "did",
        "made",
        "went",
        "took",
        "led",
        "ran",
        "built",
        "found",
        "saw",
        "told",
        "got",
        "gave",
        "wrote",
        "spoke",
        "met",
        "brought",
        "thought",
        "knew",
        "began",
        "became",
        "left",
        "kept",
        "set",
        "put",
        "sent",
        "spent",
        "felt",
        "chose",
        "drove",
        "won",
        "lost",
        "grew",
        "fell",
        "rose",
        "paid",
        "sold",
        "bought",
        "caught",
        "taught",
        "understood",
        "stood",
        "held",
        "heard",
        "meant",
        "said",
        "came",
        "sat",
        "wore",
        "threw",
        "broke",
        "chose",
        "cut",
        "dealt",
        "drew",
        "fed",
        "fought",
        "forgot",
        "forgave",
        "hid",
        "hit",
        "hung",
        "hurt",
        "lay",
        "lit",
        "overcame",
        "quit",
        "rang",
        "rode",
        "sang",
        "shut",
        "slept",
        "spread",
        "stole",
        "struck",
        "swam",
        "swore",
        "took",
        "tore",
        "woke",
        "withdrew",
        # Re- and over- forms and other common ones: "I rewrote the checklist", "I oversaw the move".
        "rewrote",
        "rebuilt",
        "redid",
        "retook",
        "remade",
        "resent",
        "oversaw",
        "overtook",
        "undertook",
        "overheard",
        "mistook",
        "undid",
        "sought",
        "flew",
        "froze",
        "dug",
        "shook",
        "stuck",
        "swung",
        "shot",
        "sank",
        "bent",
        "bit",
        "bled",
        "bound",
        "wound",
        "shone",
        "forbade",
        "foresaw",
        "outgrew",
        "upheld",
    ]
)
# Words ending in -ed that are not past verbs (adjectives and nouns that come up in answers).
_NOT_PAST = frozenset({"red", "bed", "shed", "speed", "seed", "feed", "hundred", "bred", "indeed"})
# After these an -ed word describes ("I am very organised", "I'm customer-obsessed"), it tells nothing.
_DESCRIBING = frozenset({"am", "i'm", "is", "are", "we're", "very", "extremely", "really", "so", "highly"})
# "could not" / "couldn't" tell what happened ("she could not read the clock"): not a hypothetical.
_MODAL = re.compile(
    r"\b(would|i'd|we'd|i'll|we'll|will|should|could(?!\s+not\b|n't)|might|ideally|hopefully)\b|\bif i\b", re.I
)
# A modal that the teller governs: "I would", "we'd", "I could", "if I": what they would do. In a story a
# modal often sits in a clause about something else ("a colour that I knew would damage her hair",
# "the ones that could be cut down", "three weeks a reorder would have taken"): that is still told.
_MODAL_SUBJECT = re.compile(
    r"\b((i|we|you) (would|will|should|could(?!\s+not\b|n't)|might|'d|'ll)|i'd|we'd|i'll|we'll|you'd|"
    r"ideally|hopefully|if i)\b",
    re.I,
)
# Describing oneself in the present: "I am", "I'm", "I always", "I love", "my strength is".
_SELF = re.compile(
    r"\b(i am|i'm|i always|i never|i love|i believe|i enjoy|i consider|i think|i take|i look|my (biggest |greatest |main )?"
    r"(strength|value|values|colleagues say|managers)|people (say|like)|i have always)\b",
    re.I,
)
_RESULT_MARKERS = re.compile(
    r"\b(as a result|result|resulted|outcome|in the end|eventually|finally|afterwards|since then|"
    r"learned|learnt|lesson|now|went (up|down|from)|fell|rose|dropped|increased|reduced|saved|"
    r"improved|thanked|happy|success|successfully|achieved|reached|delivered|launched|finished|since|"
    r"on time|in time|agreed|got|won|kept|"
    # What came of it, told without a number: "it taught me", "ever since", "hasn't failed since", "a lot quicker".
    r"taught me|ever since|(has|have|had)n't \w+ since|paid off|no longer|never (came|happened|failed)|"
    r"(a lot|much|far|a bit|so much) (better|faster|quicker|easier|happier|calmer|smoother|fewer|less|more)|"
    # Recognition and targets met: "I was promoted", "an award", "I hit my target", "we passed the audit".
    r"promoted|promotion|awards?|awarded|bonus|commendation|praised|recogni[sz]ed|hit (my|our|the|every)|passed|"
    r"beat|exceeded|won (back|the|a|an|over))\b",
    re.I,
)
_TASK_MARKERS = re.compile(
    # "my job was", "my first big goal in sales was", "my role at the time was", "our target was",
    # "my objective that year was", "the challenge for me was"
    r"\b(my (\w+ ){0,2}(job|task|role|goal|responsibility|target|objective|assignment|duty|remit)"
    r"( (in|at|on|for|as) [\w ]{1,30}?| (that|this|for the) (year|month|week|quarter|term|summer|season|day|shift))? "
    r"(was|is)|"
    # "our target was to ...", "our goal was forty sign-ups"; not "our sales target was much higher than usual" (a scene).
    r"our (\w+ ){0,2}(job|task|goal|target|objective|aim|brief|mission)( for the \w+)? (was|is) "
    r"(to|\d|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|a hundred)|"
    r"the (goal|target|task|objective|challenge|job|brief)( for me| i was given)? was|the plan was for me|"
    r"i (was|were) (asked|given|responsible|tasked)|i had to|i needed to|i wanted to|we had to|asked me to|"
    r"set myself|"
    # Given the duty by someone: "I was expected to", "I was chosen to", "we were asked to", "I got asked to",
    # "I had been asked to", "I was assigned", "I was handed a project".
    r"(i|we) (was|were|got|had been|'d been) (asked|tasked|assigned|handed|expected to|supposed to|chosen to|"
    r"picked to|selected to|appointed to|told to|brought in to|hired to|trusted to|meant to)|"
    r"(i|we) (needed|need|have|has) to|"
    # "I was put in charge of", "my manager wanted me to", "it was up to me", "I had three days to",
    # "it fell to me", "my manager gave me two weeks to".
    r"(put|left) (me )?in charge|i was in charge of|(wanted|needed|told|expected) me to|"
    r"it was (my job|up to me|down to me|on me|my responsibility)|(it|the job|the task) (fell|was left) to me|"
    r"my (aim|brief|challenge|priority|mission|focus) (was|is)|i was the (only )?one (who|that) (had|needed) to|"
    r"i took it (on|upon) myself|i volunteered to|"
    r"i took on (the|a) (job|task|role|responsibility)|i (had|was given) the (job|task|responsibility) of|"
    r"i set out to|i made it my (goal|aim|job|mission|priority)|"
    # "I had three days to", "... and had three days to test it".
    r"((i|we) |and )had (only |just )?(a|an|one|two|three|four|five|six|\d+) (minutes?|hours?|days?|weeks?|months?) to|"
    r"gave (me|us) (only |just )?(a|an|one|two|three|four|five|six|\d+) (minutes?|hours?|days?|weeks?|months?) to|"
    # "I wanted patients to get through more easily", "I wanted more members to come": an aim.
    r"(i|we) wanted (\w+ ){1,3}to|"
    # "the ask was", "my quota for the year was", "I owned the migration", "my manager gave me the goal of",
    # "the VP wanted it under 40", "it was my call whether", "I was the one responsible for".
    r"the ask (was|is)|my (\w+ )?quota( for the \w+)? (was|is)|i owned|"
    r"(gave|set|handed) (me|us) (the|a|an) (\w+ )?(goal|target|task|job|challenge|deadline)|"
    r"wanted (it|them|this|that|the \w+) (under|below|above|down|up|done|fixed|finished|in line|back|cut|halved)|"
    r"it was my (call|decision) (whether|to)|i was the (only )?one (responsible|in charge))\b",
    re.I,
)


_SEQUENCE = re.compile(r"\b(also|then|next|after that|so i|so we|first|finally i)\b", re.I)
# Setting the scene: where and when ("at my last job", "when I was a cashier", "one night", "during the
# peak"), and what was going on ("our team had", "there were", "kept failing", "I was working").
_SCENE = re.compile(
    r"\b(when (i|we) (was|were|worked|started|joined|ran|took over|first)|while (i|we) (was|were)|"
    r"at (my|our) (last|previous|old|first|current|new) (job|company|workplace|employer|school|store|shop|placement)|"
    r"in my (last|previous|first|old|current|second|third|final) (job|role|position|year|week|month|term|placement)|"
    r"(where|when) i (worked|was working|used to work)|i worked (at|in|for|on|as)|i had (just|recently) (become|started|joined|moved|taken)|(i|we) (was|were) (?!going\b)\w+ing|"
    r"(last|one|that|a few) (year|month|week|summer|winter|spring|autumn|christmas|day|night|morning|evening|"
    r"afternoon|weekend|shift|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|(years|months) ago|"
    r"during|at the time|back then|on a (busy|quiet) |"
    # "I was a waiter", "I was the senior nurse on nights", "I was working as a receptionist": who the teller was.
    r"i (was|worked as|was working as) (a|an|the) (\w+ ){0,2}(\w+(er|or|ist|ant|ent|ian|ee)|nurse|cashier|chef|cook|"
    r"barista|driver|clerk|intern|trainee|volunteer|tutor|carer|lead|head|treasurer|secretary)s?|"
    # "I was new to the team", "I was the youngest person on the team", "I was the only nurse for 24 patients".
    r"i was (still |fairly |quite |very )?new (to|in|at)|i was the (new|newest|youngest|oldest|only) \w+|"
    # "I was on the till", "we were on nights": where someone was when it happened.
    r"(i|we) (was|were) on (the|a|my|our|nights|days|duty|shift|call)\b|"
    r"there (was|were)|(our|my) (team|company|store|shop|ward|office|warehouse|school|department|site|client|"
    r"manager|customer|depot|kitchen|restaurant|clinic|branch|class) (was|were|had|kept)|"
    r"kept|used to|often|always|every (day|week|month|morning|night|shift|time))\b",
    re.I,
)
# Something going wrong: a scene usually tells the problem the story starts from ("kept crashing",
# "customers complained", "we were short of staff", "nobody knew").
_TROUBLE = re.compile(
    r"\b(problems?|issues?|late|slow(er|est)?|broke|broken|fail(ed|ing|s|ures?)?|complain\w*|struggl\w*|"
    r"short of|shortage|missing|mistakes?|errors?|wrong|poor(ly)?|below|behind|angry|upset|crash\w*|stuck|"
    r"delay\w*|backlog|worst|lowest|highest|too (many|much|few|long|slow|high|low)|at risk|difficult|"
    r"could not|couldn't|did not|didn't|had not|hadn't|no one|nobody|unhappy|overdue|over budget|"
    r"piling up|losing|dropped off|drop-off|waiting|waited|queue|queues|conflict|cancell?ed|"
    r"(almost|hardly|barely) (no|any|anything|nothing)|underestimated|missed|forgot|noticed|"
    # More of what goes wrong in a scene: feelings, breakdowns, people missing, accidents.
    r"furious|annoyed|frustrat\w*|rude|chaos|chaotic|mess|messy|demotivated|scared|worried|stress(ed|ful)?|"
    r"overwhelmed|panic\w*|jamm(ed|ing)|outage|went down|went bust|closed|accident|emergency|(called in|off) sick|"
    r"quit|resigned|r(a|u)n(ning)? out|wasted?|scam|damaged|leak(ed|ing|s)?|bugs?|refus(ed|ing)|ignored|"
    r"confused|disrupt\w*|bored|dirty|litter|stolen|theft|injur(ed|y)|collapsed|understaffed|tight|hated|"
    r"disliked|didn't like|none of (them|it)|"
    r"stopped (working|eating|coming|using|turning up)|(wasn't|weren't) working|not working|"
    r"cr(ying|ied)|in tears|(been|was|were) down(?! to))\b",
    re.I,
)
# A clause that tells what was going on: "I organised a wedding where the caterer cancelled", "I joined
# a team whose code had almost no tests", "I was wiring an office when I noticed ...": the sentence
# opens with "I <did>" but sets the scene.
_CLAUSE = re.compile(r"\b(when|where|whose|while|because|as|but|that|who|which)\b", re.I)
# "When a customer emailed that her order was broken, I sent a replacement": the main clause after a
# leading "when/after/once ..." is what the person did.
_LEADING_CLAUSE = re.compile(
    r"^(?:so |and |well )?(?:when|after|once|as soon as|because|since|as)\b[^,]{3,}, (?:so )?(i|we) "
    r"(?:also |then |quickly |immediately |just |first )?([a-z]+)",
    re.I,
)
# What a person did, told as "I/We <did>" ("I introduced", "We painted", "I then called"): the usual
# shape of an action, unlike "I was", "I had" or "We were" that more often set a scene or a task.
_NOT_ACTING = frozenset(
    {"was", "were", "had", "did", "used", "needed", "wanted", "felt", "thought", "knew",
     # What came of it rather than what was done: "I won the account back", "I hit my target", "we passed".
     "won", "hit", "passed", "beat", "exceeded", "received", "earned", "achieved"}
)  # fmt: skip
_BETWEEN = frozenset({"also", "then", "quickly", "immediately", "first", "finally", "next", "personally", "just"})


# What candidates type before the story starts: "Sure!", "Hi, thanks for the question.", "Good question,
# let me think.", "Yes, I can think of one.", "Absolutely, I'd be happy to share an example.", "Sure, here goes."
# It tells no part of the story, so it gets no STAR role. A sentence is an opener when it is made only of
# these phrases (each at most once or twice, in any order): "Sure, I rewrote the rota." tells something.
_OPENER_PHRASE = re.compile(
    # Longer phrases first: "great question" before "great".
    r"((that's a |that is a |what a )?(really )?(good|great|nice|interesting|tough|fair) (one|question)|"
    r"sure( thing)?|hi( there)?|hello|hey|yes|yeah|yep|ok|okay|alright|all right|of course|absolutely|definitely|"
    r"certainly|right|so|well|um+|erm+|uh+|hm+|actually|great|good morning|good afternoon|no problem|"
    r"gladly|(i'm |i am |i'd be |i would be )?(happy|glad) to( help| answer| share( one| an example| that)?)?|"
    r"thanks?( you)?( (for|so much for) (the|that|this|your) question| for asking| so much)?|"
    r"let me (think|see)( about (it|that))?|give me a (second|moment|minute)|"
    r"(i can|let me|i'd like to|i will|i'll) (think of|give you|tell you about|share|walk you through) "
    r"(one|an example|a time|a story|that|this)( actually)?|"
    r"i can think of (one|an example)|i (have|remember) (one|an example|a good example|a good one)"
    r"( of (this|that)| for (this|that))?|here('s| is) (one|an example|a good one)|here goes|"
    r"(one|one time|an example|a time|one example) (that )?comes to mind|i can do that)"
    r"(?=[ ,.!?;:-]|$)",
    re.I,
)


def is_opener(sentence: str) -> bool:
    """A greeting or an acknowledgement before the answer ("Sure!", "Hi, thanks for the question.")."""
    text = sentence.strip().replace("’", "'").lower()
    pos, n = 0, 0
    while True:
        while pos < len(text) and text[pos] in " ,.!?;:-":
            pos += 1
        if pos == len(text):
            return n > 0
        m = _OPENER_PHRASE.match(text, pos)
        if m is None or n >= 6:
            return False
        pos, n = m.end(), n + 1


# What candidates type after the story: "Thanks!", "Hope that helps.", "That's my example.", "So yeah."
_CLOSER = re.compile(
    r"^((so |and |well )?(yeah|yes|ok|okay|anyway|that's (it|about it|all|my (example|answer|story))|"
    r"that is (it|all|my (example|answer|story))|thanks?( you)?( for (listening|your time|the question|asking))?|"
    r"(i )?hope (that|this) (helps|answers (your|the) question|makes sense)|"
    r"happy to (answer|go into|talk about) (any|more)( \w+)*)[ ,.!?;:-]*)+$",
    re.I,
)


def is_closer(sentence: str) -> bool:
    """A closing line after the answer ("Thanks!", "Hope that helps.", "That's my example.")."""
    return bool(_CLOSER.match(sentence.strip().replace("’", "'")))


def split_sentences(text: str) -> list[str]:
    """Sentences of a typed or pasted answer (bullets and blank lines are sentence breaks too)."""
    out: list[str] = []
    for part in _SENTENCE_END.split(text.strip()):
        part = part.strip().lstrip("-*• ").strip()
        if not part or not re.search(r"[A-Za-z0-9]", part):
            continue
        # "Mr. Patel", "e.g. the rota", "at 9 a.m. the doors": a full stop that ends an abbreviation.
        if out and (_ABBREVIATION.search(out[-1]) or (_TIME_ABBREVIATION.search(out[-1]) and part[:1].islower())):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


_ABBREVIATION = re.compile(r"\b(mr|mrs|ms|dr|prof|e\.g|i\.e|approx|vs)\.$", re.I)
_TIME_ABBREVIATION = re.compile(r"\b[ap]\.m\.$", re.I)


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text.replace("’", "'"))]


def is_past(word: str) -> bool:
    return word in _IRREGULAR_PAST or (
        word.endswith("ed") and len(word) > 3 and "-" not in word and word not in _NOT_PAST
    )


@dataclass(frozen=True)
class Cues:
    i: int
    we: int
    past: int
    modal: bool
    self_description: bool
    quantity: bool
    result_marker: bool
    task_marker: bool
    words: int
    # Starts with "I ..." or "We ...": how actions are told ("I split the work"), rarely results.
    starts_first_person: bool = False
    # "also", "then", "next", "so I": one step after another.
    sequence_marker: bool = False
    # "at my last job", "one night", "there were", "kept failing": where, when and what was going on.
    scene_marker: bool = False
    # "I introduced ...", "We then called ...": a first-person past action verb opens the sentence.
    acts: bool = False
    # "kept crashing", "nobody knew", "short of staff": something going wrong.
    trouble: bool = False
    # "... where the caterer cancelled", "... whose code had almost no tests": a clause of trouble.
    scene_clause: bool = False
    # "I would", "we'd", "if I": the teller's own modal (`modal` also counts "a colour that would damage").
    modal_subject: bool = False

    def vector(self, position: float, first: bool, last: bool) -> list[float]:
        """The cues as classifier features (bounded, so they weigh alike), with the sentence's place."""
        return [
            min(self.i, 3) / 3,
            min(self.we, 3) / 3,
            min(self.past, 3) / 3,
            float(self.modal),
            float(self.self_description),
            float(self.quantity),
            float(self.result_marker),
            float(self.task_marker),
            float(self.starts_first_person),
            float(self.sequence_marker),
            float(self.scene_marker),
            float(self.acts),
            float(self.trouble),
            float(self.scene_clause),
            float(first and self.scene_clause),
            position,
            # Where a sentence stands changes what a cue means: something going wrong or a scene in the
            # first sentence is the situation ("I joined a team whose code had no tests"), an amount in
            # the last one is the result ("We raised 1,200 pounds").
            float(first and self.trouble),
            float(first and self.scene_marker),
            float(first and self.acts),
            float(last and self.quantity),
        ]


def cues(sentence: str) -> Cues:
    ws = words(sentence)
    told = without_filler(ws)
    return Cues(
        i=sum(w in I_WORDS for w in ws),
        we=sum(w in WE_WORDS for w in ws),
        past=sum(is_past(w) and (n == 0 or ws[n - 1] not in _DESCRIBING) for n, w in enumerate(ws)),
        modal=bool(_MODAL.search(sentence.replace("’", "'"))),
        self_description=bool(_SELF.search(sentence.replace("’", "'"))),
        quantity=has_quantity(sentence),
        result_marker=bool(_RESULT_MARKERS.search(sentence)),
        task_marker=names_task(sentence),
        words=len(ws),
        starts_first_person=bool(told) and told[0] in ("i", "we"),
        sequence_marker=bool(_SEQUENCE.search(sentence)),
        scene_marker=bool(_SCENE.search(sentence.replace("’", "'"))),
        acts=acts(told) or acts_after_clause(sentence),
        trouble=bool(_TROUBLE.search(sentence.replace("’", "'"))),
        scene_clause=scene_clause(sentence),
        modal_subject=teller_modal(sentence),
    )


# "I'd just started", "we'd been short of staff", "I'd never done it": "had", not "would".
_HAD_AFTER = frozenset({"been", "just", "never", "already", "recently", "got"})
# "I told him I would check", "I promised I'd call back", "I knew we would miss it": what was said or known
# then, told in the past; not what the teller would do now.
_REPORTING = re.compile(
    r"\b(told|said|promised|explained|agreed|decided|knew|realised|realized|thought|hoped|warned|assured|"
    r"suggested|offered|guaranteed|figured|worried)\b",
    re.I,
)
_CONDITION = re.compile(r"\b(if|ideally|hopefully)\b", re.I)


def reported(before: str) -> bool:
    """The words before a modal end in a reporting verb and its hearer: "I told my manager (that) we'd", "I knew
    we would"; not "I knew it would rain, so I would ..." (the verb governs another clause)."""
    found = list(_REPORTING.finditer(before))
    if not found:
        return False
    last = found[-1]
    between = before[last.end() :]
    return not re.search(r"[,;]|\b(so|and|but|then)\b", between) and len(words(between)) <= 5


def teller_modal(sentence: str) -> bool:
    """The teller's own modal ("I would", "we'd", "if I"): what they would do, unless it is "had" ("I'd just
    started") or reported from the time told ("I told him I would check every order")."""
    text = sentence.replace("’", "'")
    for m in _MODAL_SUBJECT.finditer(text):
        token = m.group(0).lower()
        if token in ("i'd", "we'd", "you'd"):
            nxt = words(text[m.end() :])[:1]
            if nxt and (nxt[0] in _HAD_AFTER or (is_past(nxt[0]) and nxt[0] not in ("had",))):
                continue  # "I'd just started", "we'd finished": had
        if not token.startswith("if") and not _CONDITION.search(text) and reported(text[: m.start()]):
            continue  # "I told him I would ...": reported, told in the past
        return True
    return False


def names_task(sentence: str) -> bool:
    """The sentence names the duty ("my job was to", "I was asked to", "Last spring my manager asked me to"),
    and not after a scene of trouble: "a client's bookkeeper quit a month before the deadline and I was put in
    charge of their accounts" sets a real scene and names the duty, which is the situation (the README's rule)."""
    text = sentence.replace("’", "'")
    m = _TASK_MARKERS.search(text)
    if m and given_scene(m.group(0), text[m.end() :]):
        return False
    return bool(m and not _TROUBLE.search(text[: m.start()]))


def given_scene(marker: str, rest: str) -> bool:
    """Being given a thing that was going wrong sets the scene, not the duty: "I was given a test rig that
    nobody had used for years", "I was handed a case file that nobody had touched in months"; not "I was given
    the job of ..." or "I was given a budget of 5,000 pounds to launch ..." (eval/practice/README.md)."""
    if not _GIVEN.match(marker.strip()) or re.match(
        r" *(the|a|an) (job|task|responsibility|role|target|goal)\b", rest, re.I
    ):
        return False
    m = re.match(r" *(a|an|the|some|this|my|our)\b[^,.;]{0,40}?\b(that|which|who|whose|where)\b", rest, re.I)
    return bool(m and _TROUBLE.search(rest[m.end() :]))


# Before the duty, no more than a time or place ("Last spring", "In my first week,", "As the new team lead,").
_LEAD_IN = re.compile(
    r"^(?:(?:so|and|well|basically|ok|okay|um)[ ,]+)*(?:(?:last|this|that|one|a few|in|on|at|during|after|before|back|"
    r"early|later|for|as|when|once|over)\b[^.!?]{0,50}?)?$",
    re.I,
)
# Being given something names no duty by itself: "I was given a case file that nobody had touched" may set the scene.
_GIVEN = re.compile(r"^(i|we) (was|were|got|had been|'d been) (given|handed)\b", re.I)


def duty_first(sentence: str) -> bool:
    """The sentence's main clause is the duty, with no more than a time or place before it ("Last spring my
    manager asked me to ...", "My job was to ..."): the task, never the scene (eval/practice/README.md)."""
    text = sentence.strip().replace("’", "'")
    m = _TASK_MARKERS.search(text)
    if not m or _TROUBLE.search(text[: m.start()]):
        return False
    if _GIVEN.match(m.group(0)) and not re.match(r" the (job|task|responsibility|role)\b", text[m.end() :], re.I):
        return False
    before = text[: m.start()].strip().rstrip(",").strip()
    # "my manager asked me to", "our boss wanted me to", "I was put in charge": whose duty it is may come first.
    before = re.sub(r"(?:^|\s)(?:(?:my|our|the) (?:\w+ ){0,2}\w+|(?:i|we) (?:was|were|got))$", "", before, flags=re.I)
    before = before.strip().rstrip(",")
    return bool(_LEAD_IN.match(before))


def scene_clause(sentence: str) -> bool:
    """A "when/where/whose/because ..." clause that tells something going wrong."""
    text = sentence.replace("’", "'")
    m = _CLAUSE.search(text)
    return bool(m and _TROUBLE.search(text[m.end() :]))


def acts_after_clause(sentence: str) -> bool:
    """ "When ..., I <did>": a past verb of doing opens the main clause after a leading clause."""
    m = _LEADING_CLAUSE.match(sentence.strip().replace("’", "'"))
    if m is None:
        return False
    verb = m.group(2).lower()
    return is_past(verb) and verb not in _NOT_ACTING


# Typed answers open sentences with filler: "so basically I rang ...", "honestly we just ...".
_FILLER = frozenset(
    {"so", "basically", "honestly", "ok", "okay", "well", "um", "umm", "uh", "like", "yeah", "and", "anyway"}
)


def without_filler(ws: list[str]) -> list[str]:
    """The sentence's words without the filler it opens with."""
    n = 0
    while n < len(ws) - 1 and ws[n] in _FILLER:
        n += 1
    return ws[n:]


def acts(ws: list[str]) -> bool:
    """The sentence opens with "I" or "we" and a past verb of doing (an adverb such as "then" may come between)."""
    if len(ws) < 2 or ws[0] not in ("i", "we"):
        return False
    verb = ws[2] if ws[1] in _BETWEEN and len(ws) > 2 else ws[1]
    return is_past(verb) and verb not in _NOT_ACTING


# An amount measures something when it is a percentage, money, a multiple or a fraction, or a count or
# time of things; not when it only names or places them: "the two teams now meet", "one of my
# colleagues", "at 9 am", "in 2019", "my third year", "double bookings", "half term", "two weeks later".
_AMOUNT_TOKEN = re.compile(r"\d[\d,.:]*[a-z]*|[a-z]+(?:'[a-z]+)?|[%$£€]")
# Before a number these name or place things, they do not count them: "the two teams", "at nine",
# "every two weeks", "our three shops", "all three".
_NAMING = frozenset(
    {
        "the", "these", "those", "both", "my", "our", "their", "his", "her", "its", "your", "all", "every",
        "each", "first", "last", "next", "other", "another", "at", "that", "this",
    }
)  # fmt: skip
_ALWAYS_AMOUNT = frozenset(
    {"percent", "percentage", "%", "$", "£", "€", "twice", "doubled", "doubling", "tripled", "trebled", "quadrupled"}
)
# "twice" measures before these ("twice as fast", "twice the sales", "twice what we raised"); otherwise it
# says how often.
_TWICE_BEFORE = frozenset({"as", "the", "what", "our", "its", "their", "his", "her", "my", "more", "over"})
_MULTIPLY = frozenset({"double", "triple"})  # "double the sales", not "double bookings"
_FRACTIONS = frozenset(
    {"half", "third", "thirds", "quarter", "quarters", "fifth", "fifths", "tenth", "tenths"}
)  # fmt: skip
# Before a fraction word these make it an amount ("a third", "by half", "two thirds"); "my third year",
# "the first quarter", "half term" are not.
_FRACTION_BEFORE = frozenset(
    {"a", "an", "one", "by", "about", "nearly", "almost", "over", "under", "than", "roughly", "around", "some", "just",
     "in"}  # "cut it in half"
)  # fmt: skip
_TIME_UNITS = frozenset(
    {"second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
     "year", "years", "term", "terms", "shift", "shifts", "fortnight", "fortnights", "weekend", "weekends", "night", "nights"}
)  # fmt: skip
# "two weeks later", "three years ago": when something happened, not how much changed.
_WHEN = frozenset({"later", "ago", "after"})
_PERIODS = frozenset({"a", "an", "per", "each", "every"})
# A time measured with "a"/"an" rather than a number: "within a week", "a day early", "a day a week back".
_TIME_WITH_ARTICLE = re.compile(
    r"\b((within|in|inside|under) (a|an) (minute|hour|day|week|month|year|fortnight|term|shift)|"
    r"(a|an|one) (minute|hour|day|week|month|year|fortnight|term) (early|earlier|sooner|faster|quicker|ahead|less|"
    r"back|saved|shorter)|(a|an) (minute|hour|day|week|shift|morning) (a|per|each) (day|week|month|shift|year)|"
    # "we saved close to an hour", "about a day", "an extra hour", "a whole week": a time measured with "a".
    r"(saved?|saving|gained|freed( up)?|lost|about|around|nearly|almost|over|close to|roughly) (a|an) "
    r"(minute|hour|day|week|month|fortnight|shift)(?! (later|ago))|(a|an) (extra|whole|full) (minute|hour|day|week|month|shift)|"
    # "minutes instead of hours", "from days to hours": a time cut down, told without a number.
    r"(seconds|minutes|hours|days|weeks) (instead of|rather than) (minutes|hours|days|weeks|months)|"
    r"from (minutes|hours|days|weeks|months) to (a few |a couple of |just |only )?(seconds|minutes|hours|days|weeks)|"
    # "ranked first out of twelve", "came top": a place measured ("within the hour" is not: d08, t161).
    r"(ranked|came|finished|placed) (first|second|third|top)|"
    # "second in the region", "fourth place in the table", "the top score in the region", "got an A": a
    # place, a grade or a score measured without a number (train-11, ninth session).
    r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(st|nd|rd|th)) (place|position|"
    r"(in|of|out of) (the |our |my |all )?(region|country|class|company|district|state|league|area|nation|network|"
    r"regional|national|whole))|"
    r"(top|highest|best|perfect|full) (score|grade|mark|marks|rating)s?|got (an?|the) [a-f][+-]?(?=[ ,.!?;]|$)|"
    # "failed only twice", "only once in the quarter": a count kept low.
    r"only (once|twice)|"
    # "live one month late", "one week early": a time measured with "one" as with "a".
    r"(one|two|three|four|five|six) (minutes?|hours?|days?|weeks?|months?) (late|later than planned|behind)|"
    # "dropped to almost none", "down to nothing": a count brought to zero.
    r"(to|down to) (almost |nearly |virtually |practically )?(none|nothing|zero|nil)|"
    # "saved a couple of hours a week", "took a few hours off every shift", "down by a few days": a time
    # measured without a number, saved or cut, or per period.
    r"(saved?|saving|gained|freed( up)?|cut|shaved|by) (us |me |them |the team |everyone )?"
    r"(a couple of|a few|several|a good few) (minutes|hours|days|weeks)|"
    r"(took|takes|knocked|shaved) (a couple of|a few|several) (minutes|hours|days|weeks) off|"
    r"(a couple of|a few|several) (minutes|hours|days|weeks) (a|per|each|every) (day|week|month|shift|year)|"
    # "from a day to an hour", "got it down to an hour", "cut the queue to a few minutes": a time cut down.
    r"from (a|an) (minute|hour|day|week|month|fortnight) to|"
    # Not "it came down to a week of planning", "fell to a couple of days before launch".
    r"(?<!came )(?<!come )(?<!comes )(down|cut|reduced|brought|dropped|fell|shortened) (it |them |this |that |the \w+ )?"
    r"(down )?to (under |less than |just |only |about |around )?(a|an|a few|a couple of) (minutes?|hours?|days?|weeks?)"
    r"(?! (of|before|after|later|ago)\b))\b",
    re.I,
)
# After a lesson the amounts are the lesson's, not the result's: "I learned to confirm every booking a week ahead".
_LESSON = re.compile(r"\b(learned|learnt|lesson|taught me|realised|realized)\b", re.I)
# "dropped to one a week", "from one in five to ...": "one" counts after a change.
_ONLY_ONE_NAMES = frozenset({"who", "that", "of", "to", "more", "person", "thing", "way", "i", "we", "", "left"})
_ONE_BEFORE = frozenset({"to", "from", "maybe", "about", "around", "roughly", "only", "just"})


def amounts(sentence: str) -> list[str]:
    """The amounts in a sentence that measure something, as written ("22 percent", "twice", "a third",
    "within a week"): a percentage, money, a multiple, a fraction, or a number of things or of time.
    Numbers that only name or place things are left out: "the two teams", "one of them", "at 9 am",
    "in 2019", "my third year", "double bookings", "half term", "every two weeks", "two weeks later"."""
    text = sentence.lower().replace("’", "'")
    text = re.sub(r"\bper cent\b", "percent", text)
    # "two months on, the client was still with us": when, as "two months later".
    text = re.sub(r"\b(days|weeks|months|years) on(?=\s*[,.!?;]|$)", r"\1 later", text)
    lesson = _LESSON.search(text)
    if lesson:
        text = text[: lesson.start()]
    toks = _AMOUNT_TOKEN.findall(text)
    found: list[str] = []
    for i, t in enumerate(toks):
        prev = toks[i - 1] if i > 0 else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        after = toks[i + 2] if i + 2 < len(toks) else ""
        if t in _ALWAYS_AMOUNT or (t.endswith("fold") and t != "fold") or t in ("halved", "halving", "halve"):
            if t == "twice" and nxt not in _TWICE_BEFORE:
                continue  # "twice a week", "charged twice", "I test every circuit twice": how often, not how much
            found.append(t)
        elif t in _MULTIPLY:
            if nxt in ("the", "what", "its", "our", "their", "that", "his", "her", "my", "in"):
                found.append(t)
        elif t in _FRACTIONS:
            if t == "half" and nxt in ("term", "past", "time", "terms"):
                continue  # "by half term", "half past nine"
            if (
                prev in _FRACTION_BEFORE
                or prev in _COUNT_WORDS
                or prev[:1].isdigit()
                or (t == "half" and nxt in ("a", "an", "the", "of", "as", "our", "their", "its", "my"))
            ):
                found.append(f"{prev} {t}" if prev in ("a", "an", "one") or prev in _COUNT_WORDS else t)
        elif t == "one" and prev in _ONE_BEFORE and (nxt in _PERIODS or nxt in ("in", "out", "")):
            found.append(t)  # "dropped to one a week", "down to one in ten"
        elif t == "one" and prev == "only" and nxt not in _ONLY_ONE_NAMES:
            found.append(t)  # "only one complaint came in", not "the only one who knew"
        elif t[:1].isdigit() and prev == "all":
            found.append(t)  # "all 40 orders went out on time"
        elif t[:1].isdigit() or t in _COUNT_WORDS or t in ("fortnight", "fortnights"):
            if t[:1].isdigit() and (
                t.endswith(("st", "nd", "rd", "th", "am", "pm"))
                or ":" in t
                or (re.fullmatch(r"(19|20)\d\d[.,:]?", t) and (prev in _YEAR_BEFORE or not nxt))
            ):
                continue  # "the 3rd", "9 am", "9:30", "in 2019"
            if nxt in ("am", "pm", "o'clock", "o") or (nxt in ("a", "p") and after == "m"):
                continue  # "three o'clock"
            if prev in ("next", "following") and nxt in _TIME_UNITS:
                found.append(t)  # "in the next twelve months": how long something held
                continue
            if prev in _NAMING or prev in _COUNT_WORDS or prev[:1].isdigit():
                continue  # "the two teams", "at nine"; "twenty-five" is one amount, counted once
            if nxt in ("times", "time") and after in _PERIODS:
                continue  # "three times a week"
            if nxt == "star" or (nxt == "of" and after == "my"):
                continue  # "a five star review": a kind of review; "three of my colleagues": some of a group
            if nxt == "points" and prev in _CHANGE_BY:
                found.append(t)  # "scores went up ten points": a change measured
                continue
            if nxt in _GENERIC_THINGS or (nxt in _GENERIC_BEFORE and after in _GENERIC_THINGS):
                continue  # "two things they relied on", "three small changes": a list, not an outcome
            if nxt in _TIME_UNITS and (prev in _WHEN or after in _WHEN):
                continue  # "two weeks later", "after three months": when, not how much
            found.append(t)
    found.extend(m.group(0) for m in _TIME_WITH_ARTICLE.finditer(text))
    return found


# Before "N points" these make it a change measured ("went up ten points"), not a list ("two points").
_CHANGE_BY = frozenset({"up", "down", "by", "rose", "fell", "gained", "dropped", "climbed", "jumped"})
# Counting these lists what was said or done, it measures no outcome: "the app was missing two things".
_GENERIC_THINGS = frozenset(
    {"things", "thing", "ideas", "reasons", "points", "questions", "options", "ways", "lessons", "steps", "tips",
     "suggestions", "changes", "stages", "areas"}
)  # fmt: skip
_GENERIC_BEFORE = frozenset({"more", "new", "other", "small", "big", "main", "simple", "key"})
_YEAR_BEFORE = frozenset(
    {"in", "since", "until", "till", "during", "of", "early", "late", "summer", "spring", "autumn", "winter",
     "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"}
)  # fmt: skip
# Number words that count ("one" is left out: "one of them told me" measures nothing).
_COUNT_WORDS = frozenset(
    {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
     "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
     "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "dozen", "dozens",
     "hundreds", "thousands", "millions", "zero"}
)  # fmt: skip


def has_quantity(sentence: str) -> bool:
    """A measurable amount (`amounts`): "22 percent", "£800", "twice as fast", "a third fewer", "six hours",
    "150 customers"; not "the two teams", "one of my colleagues", "at 9 am"."""
    return bool(amounts(sentence))
