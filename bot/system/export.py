"""`lockstep export`: stream a feature's rows to CSV or JSON for analysis in a spreadsheet."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import IO, Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select


@dataclass(frozen=True)
class Export:
    """One exportable thing: a table, the column `--since` filters on, the columns to write."""

    model: type[SQLModel]
    time_column: str
    columns: tuple[str, ...]
    # Columns computed in SQL (a correlated count, say), by name; each also appears in `columns`.
    computed: dict[str, Callable[[], Any]] = field(default_factory=dict)


def exports() -> dict[str, Export]:
    """Everything `lockstep export` knows, by name (features add theirs here)."""
    from storage.models.assets import AssetFeedback, ContentRequest
    from storage.models.goals import Goal, GoalUpdate
    from storage.models.meetings import PostedAgenda
    from storage.models.questions import Answer, Question, QuestionVote

    def plus_ones() -> Any:
        return (
            select(func.count(col(QuestionVote.id)))
            .where(col(QuestionVote.question_id) == col(Question.id))
            .scalar_subquery()
        )

    return {
        "feedback": Export(
            AssetFeedback, "created_at",
            ("id", "team_id", "created_at", "asset_id", "asset_name", "user_id", "with_prospect",
             "rating", "deal_stage", "worked", "missing", "request_id"),
        ),
        "requests": Export(
            ContentRequest, "created_at",
            ("id", "team_id", "created_at", "requester_id", "what", "why", "deal_stage",
             "desired_date", "question_refs", "status", "priority", "owner_id", "expected_date",
             "decline_reason", "asset_id", "delivered_at"),
        ),
        "goals": Export(
            Goal, "created_at",
            ("id", "team_id", "created_at", "name", "unit", "target", "current_value",
             "start_date", "end_date", "sales_owner", "marketing_owner", "channel", "archived"),
        ),
        "goal-updates": Export(
            GoalUpdate, "created_at",
            ("id", "team_id", "created_at", "goal_id", "value", "delta", "note", "user_id"),
        ),
        "agendas": Export(
            PostedAgenda, "meeting_at",
            ("id", "team_id", "meeting_at", "series_id", "channel", "ts", "revision", "sections"),
        ),
        "questions": Export(
            Question, "created_at",
            ("id", "team_id", "created_at", "asker_id", "text", "prospect", "segment", "stage",
             "tags", "urgency", "status", "plus_ones", "answered_at", "duplicate_of",
             "source_channel", "source_permalink", "triage_channel", "updated_at"),
            {"plus_ones": plus_ones},
        ),
        "answers": Export(
            Answer, "created_at",
            ("id", "team_id", "created_at", "question_id", "answerer_id", "text", "link"),
        ),
    }  # fmt: skip


def _filtered(spec: Export, since: date | None, computed: bool = False) -> Any:
    extra = [make().label(name) for name, make in spec.computed.items()] if computed else []
    stmt = select(spec.model, *extra)
    if since is not None:
        column = col(getattr(spec.model, spec.time_column))
        stmt = stmt.where(column >= datetime.combine(since, time.min, tzinfo=UTC))
    return stmt


def count(session: Session, spec: Export, since: date | None) -> int:
    sub = _filtered(spec, since).subquery()
    return int(session.exec(select(func.count()).select_from(sub)).one())


def rows(session: Session, spec: Export, since: date | None) -> Iterator[dict[str, Any]]:
    """The rows oldest first, streamed in batches (memory stays flat for large tables)."""
    order = col(getattr(spec.model, spec.time_column))
    stmt = _filtered(spec, since, computed=True).order_by(order)
    for found in session.exec(stmt.execution_options(yield_per=1000)):
        row, *values = found if spec.computed else (found,)
        extra = dict(zip(spec.computed, values, strict=True))
        yield {
            name: _plain(extra[name] if name in extra else getattr(row, name))
            for name in spec.columns
        }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def write(
    out: IO[str],
    fmt: str,
    columns: tuple[str, ...],
    items: Iterator[dict[str, Any]],
    tick: Callable[[], None] = lambda: None,
) -> int:
    """Write `items` as CSV (with a header) or a JSON array; returns how many were written."""
    written = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns))
        writer.writeheader()
        for item in items:
            writer.writerow(item)
            written += 1
            tick()
        return written
    out.write("[")
    for item in items:
        out.write(
            ("," if written else "") + "\n" + json.dumps(item, ensure_ascii=False, default=str)
        )
        written += 1
        tick()
    out.write("\n]\n")
    return written
