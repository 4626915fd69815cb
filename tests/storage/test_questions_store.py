"""The question repository and its full-text search, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import questions as store
from storage import questions_search as search
from storage import questions_votes as votes
from storage import workspaces
from tests.conftest import OTHER_TEAM, TEAM


@pytest.fixture
def db(any_engine: Engine) -> Iterator[Session]:
    with Session(any_engine, expire_on_commit=False) as session:
        yield session


def ask(db: Session, text: str, user: str = "U1", team: str = TEAM, key: str = "") -> int:
    q, _ = store.capture(db, team, key or f"k:{text}:{team}", user, text)
    assert q.id is not None
    return q.id


def test_capture_is_idempotent_per_delivery_key(db: Session) -> None:
    first, created = store.capture(db, TEAM, "trigger:1", "U1", "Is there an API?")
    again, created_again = store.capture(db, TEAM, "trigger:1", "U1", "Is there an API?")
    assert created and not created_again and first.id == again.id
    other, created_other = store.capture(db, OTHER_TEAM, "trigger:1", "U1", "Is there an API?")
    assert created_other and other.id != first.id


def test_similar_questions_rank_scope_and_filter(db: Session) -> None:
    sso = ask(db, "Does the product support single sign-on with Okta?")
    ask(db, "What does the pricing look like for fifty seats?")
    other_team = ask(db, "Okta single sign-on supported?", team=OTHER_TEAM)
    okta_only = ask(db, "Which Okta plan do we need?")
    gone = ask(db, "Single sign-on via Okta for contractors?")
    store.withdraw(db, TEAM, gone, "U1")
    found = [q.id for q, _ in store.similar_questions(db, TEAM, "okta single sign-on", limit=3)]
    assert found == [sso, okta_only]
    assert other_team not in found
    assert store.similar_questions(db, TEAM, "okta", answered_only=True) == []
    store.answer(db, TEAM, sso, "U9", "Yes, SAML.", None, "view:A")
    ((q, a),) = store.similar_questions(db, TEAM, "okta", answered_only=True)
    assert q.id == sso and a is not None and a.text == "Yes, SAML."
    assert [q.id for q, _ in store.similar_questions(db, TEAM, "okta", exclude_id=sso)] == [
        okta_only
    ]


def test_stemming_matches_word_forms(db: Session) -> None:
    qid = ask(db, "Do you integrate with HubSpot workflows?")
    assert [q.id for q, _ in store.similar_questions(db, TEAM, "integration workflow")] == [qid]


@pytest.mark.parametrize(
    "query",
    [
        'a"b',
        "okta*",
        "NEAR(okta sso)",
        "-okta",
        "okta OR",
        "AND OR NOT",
        "'; DROP TABLE question; --",
        "col:okta",
        "^okta",
        "(((",
        "%_\\",
        "",
        "   ",
        "the and of",
        "üñíçødé okta",
        "x" * 5000,
    ],
)
def test_search_never_raises_on_syntax(db: Session, query: str) -> None:
    qid = ask(db, "Okta SSO support?")
    found = store.similar_questions(db, TEAM, query)
    assert all(q.id == qid for q, _ in found)
    assert store.similar_questions(db, TEAM, "okta")[0][0].id == qid  # the table is intact


def test_terms_are_quoted_words_only() -> None:
    assert search.terms('NEAR("okta" -sso*) the AND') == ["near", "okta", "sso"]
    assert search.fts5_query(["near", "okta"]) == '"near" OR "okta"'


def test_edit_updates_the_search_index(db: Session) -> None:
    qid = ask(db, "Is there a Zapier connector?")
    store.edit(db, TEAM, qid, "U1", "Is there a Make.com connector?")
    assert store.similar_questions(db, TEAM, "zapier") == []
    assert store.similar_questions(db, TEAM, "make connector")[0][0].id == qid


def test_plus_one_counts_each_person_once_and_never_the_asker(db: Session) -> None:
    qid = ask(db, "Do you have a status page?", user="U1")
    assert votes.plus_one(db, TEAM, qid, "U2")
    assert not votes.plus_one(db, TEAM, qid, "U2")
    assert not votes.plus_one(db, TEAM, qid, "U1")
    assert votes.asked_by_count(db, qid) == 2
    with pytest.raises(store.QuestionError):
        votes.plus_one(db, OTHER_TEAM, qid, "U3")


def test_answer_records_time_to_first_answer_once(db: Session) -> None:
    qid = ask(db, "Can we self-host?")
    first, created = store.answer(db, TEAM, qid, "M1", "No.", None, "view:1")
    again, created_again = store.answer(db, TEAM, qid, "M1", "No.", None, "view:1")
    assert created and not created_again and first.id == again.id
    q = store.get(db, TEAM, qid)
    assert q is not None and q.status == "answered" and q.answered_at is not None
    answered_at = q.answered_at
    store.answer(db, TEAM, qid, "M2", "Not yet, maybe in 2027.", None, "view:2")
    q = store.get(db, TEAM, qid)
    assert q is not None and q.answered_at == answered_at
    latest = store.latest_answer(db, qid)
    assert latest is not None and latest.answerer_id == "M2"


def test_merge_moves_asker_and_votes_to_the_original(db: Session) -> None:
    original = ask(db, "Volume discounts?", user="U1")
    dup = ask(db, "Discount for 500 seats?", user="U2")
    votes.plus_one(db, TEAM, dup, "U3")
    votes.plus_one(db, TEAM, dup, "U1")  # the original's asker: not counted twice
    votes.plus_one(db, TEAM, original, "U3")
    votes.merge(db, TEAM, dup, original)
    assert votes.asked_by_count(db, original) == 3
    assert sorted(votes.voters(db, original)) == ["U2", "U3"]
    for bad in ((dup, original), (original, original), (original, 999)):
        with pytest.raises(store.QuestionError):
            votes.merge(db, TEAM, *bad)


def test_only_an_open_question_is_resolved_by_another_answer(db: Session) -> None:
    original = ask(db, "Is there an API?")
    store.answer(db, TEAM, original, "M1", "Yes, REST.", None, "v:1")
    answered = ask(db, "Do you have a REST API?", user="U2")
    store.answer(db, TEAM, answered, "M1", "Yes, documented.", None, "v:2")
    db.commit()
    with pytest.raises(store.QuestionError):
        votes.fold(db, TEAM, answered, original, "resolved")
    db.rollback()
    q = store.get(db, TEAM, answered)
    assert q is not None and q.status == "answered" and q.duplicate_of is None
    still_open = ask(db, "API rate limits?", user="U3")
    votes.fold(db, TEAM, still_open, original, "resolved")
    resolved = store.get(db, TEAM, still_open)
    assert resolved is not None and resolved.status == "resolved"


def test_only_the_asker_edits_or_withdraws(db: Session) -> None:
    qid = ask(db, "GDPR DPA available?", user="U1")
    with pytest.raises(store.QuestionError) as err:
        store.edit(db, TEAM, qid, "U2", "changed")
    assert err.value.code == "not_yours"
    with pytest.raises(store.QuestionError):
        store.withdraw(db, TEAM, qid, "U2")
    assert store.withdraw(db, TEAM, qid, "U1").status == "withdrawn"
    with pytest.raises(store.QuestionError) as err:
        store.edit(db, TEAM, qid, "U1", "again")
    assert err.value.code == "closed"


def test_queued_lists_unposted_questions_of_configured_teams(db: Session) -> None:
    qid = ask(db, "Queued question?")
    ask(db, "Other team question?", team=OTHER_TEAM)
    assert store.queued(db) == []
    workspaces.update(db, TEAM, triage_channel="C1")
    assert [q.id for q in store.queued(db)] == [qid]
    store.mark_triaged(db, qid, "C1")
    assert store.queued(db) == []


def test_common_words_only_rank_what_rarer_words_found(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite bounds the work: words in more than COMMON questions don't pick candidates."""
    monkeypatch.setattr(search, "COMMON", 2)
    monkeypatch.setattr(search, "RECENT", 4)
    pricing = [ask(db, f"Pricing question number {n}?") for n in range(4)]
    okta = ask(db, "Pricing for Okta SSO?")
    assert [q.id for q, _ in store.similar_questions(db, TEAM, "okta pricing")][0] == okta
    # Only common words: questions with all of them, else any of them (newest first window).
    both = store.similar_questions(db, TEAM, "pricing question", limit=4)
    assert {q.id for q, _ in both} == set(pricing)
    either = store.similar_questions(db, TEAM, "pricing number okta sso", limit=5)
    assert okta in {q.id for q, _ in either}
