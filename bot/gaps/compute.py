"""Grouping what nobody has answered into topics: pure, so it is tested without a database.

A question's topic is its tag when it has tags (each tag a topic). Untagged questions are
grouped by the significant words they share: words are taken as the search index takes them
(storage.questions_search.terms: lower case, no stop words), a word is significant in the
window when at least two questions use it and (from FEW questions on) at most half of them
do, and words are
scored by the demand of the questions using them (1 + their +1s + their “Not quite”s) times
their rarity in the window (idf). The best word takes all its questions, then the next best
takes its remaining ones, and so on. Asset feedback's “what is missing” and content requests
are matched to a topic by its word (or tag) in their text, or by the questions they cite.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from bot.gaps.model import Gap, RequestRef, Unanswered
from storage.questions_search import terms

MAX_GAPS = 6
MIN_QUESTIONS = 2
MAX_SHARE = 1 / 2  # a word in more than half of the window's questions says nothing
FEW = 20  # below this many untagged questions, no word counts as too common
MIN_LETTERS = 3


def _tags(raw: str | None) -> list[str]:
    return [t.strip().lower() for t in (raw or "").split(",") if t.strip()][:5]


def _words(text: str) -> set[str]:
    return {w for w in terms(text) if len(w) >= MIN_LETTERS and not w.isdigit()}


def _add(gap: Gap, q: Unanswered) -> None:
    gap.questions += 1
    gap.votes += q.votes
    gap.missed += q.missed
    gap.question_ids.append(q.id)  # all of them: a request from the gap links every one


def group(questions: Iterable[Unanswered]) -> list[Gap]:
    """The topics of these questions, most demand first (at most MAX_GAPS)."""
    by_key: dict[str, Gap] = {}
    untagged: list[tuple[Unanswered, set[str]]] = []
    # The most asked first: they are a gap's samples and the numbers a request cites.
    for q in sorted(questions, key=lambda q: -q.demand):
        tags = _tags(q.tags)
        for tag in tags:
            gap = by_key.setdefault(f"tag:{tag}", Gap(f"tag:{tag}", tag, "tag"))
            _add(gap, q)
        if not tags:
            untagged.append((q, _words(q.text)))
    for gap in _by_terms(untagged):
        by_key.setdefault(gap.key, gap)
    found = [g for g in by_key.values() if g.questions >= MIN_QUESTIONS]
    found.sort(key=lambda g: (-g.demand, g.key))
    return found[:MAX_GAPS]


def _by_terms(untagged: list[tuple[Unanswered, set[str]]]) -> list[Gap]:
    frequency: Counter[str] = Counter()
    demand: Counter[str] = Counter()
    postings: dict[str, list[int]] = defaultdict(list)
    for index, (q, words) in enumerate(untagged):
        for w in words:
            frequency[w] += 1
            demand[w] += q.demand
            postings[w].append(index)
    total = len(untagged)
    limit = int(total * MAX_SHARE) if total >= FEW else total
    scored = sorted(
        (
            (demand[w] * math.log(1 + total / frequency[w]), w)
            for w in frequency
            if MIN_QUESTIONS <= frequency[w] <= limit
        ),
        key=lambda item: (-item[0], item[1]),
    )
    taken: set[int] = set()
    gaps: list[Gap] = []
    for _, word in scored:
        if len(gaps) >= MAX_GAPS:
            break
        mine = [i for i in postings[word] if i not in taken]
        if len(mine) < MIN_QUESTIONS:
            continue
        gap = Gap(f"term:{word}", word, "terms")
        for i in mine:
            _add(gap, untagged[i][0])
        taken.update(mine)
        gaps.append(gap)
    return gaps


def _mentions(gap: Gap, text: str) -> bool:
    """The text uses the gap's word, or every word of its tag (“api” is not in “capital”)."""
    label = set(terms(gap.label)) or {gap.label}
    return label <= set(terms(text))


def attach(
    gaps: list[Gap],
    questions: dict[int, str],
    feedback: list[tuple[str, str]],
    requests: list[RequestRef],
) -> list[Gap]:
    """Give each gap sample questions, the matching “what is missing” feedback and the open or
    declined content requests about it."""
    for gap in gaps:
        gap.samples = [(i, questions[i]) for i in gap.question_ids[:3] if i in questions]
        matching = [(m, a) for m, a in feedback if _mentions(gap, m)]
        gap.feedback = len(matching)
        gap.feedback_samples = matching[:2]
        ids = set(gap.question_ids)
        gap.requests = [
            (r.id, r.status, r.what)
            for r in requests
            if ids.intersection(r.question_ids) or _mentions(gap, r.what)
        ][:3]
    return gaps
