"""What a knowledge gap is: the report's plain data (kept as JSON in the gap snapshot)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unanswered:
    id: int
    text: str
    tags: str | None
    votes: int
    missed: int

    @property
    def demand(self) -> int:
        return 1 + self.votes + self.missed


@dataclass(frozen=True)
class RequestRef:
    id: int
    status: str
    what: str
    question_ids: tuple[int, ...]


@dataclass
class Gap:
    key: str  # "tag:pricing" or "term:okta": stable across refreshes of the same data
    label: str
    kind: str  # "tag" or "terms"
    questions: int = 0
    votes: int = 0
    missed: int = 0
    question_ids: list[int] = field(default_factory=list)
    samples: list[tuple[int, str]] = field(default_factory=list)
    feedback: int = 0
    feedback_samples: list[tuple[str, str]] = field(default_factory=list)
    requests: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def demand(self) -> int:
        return self.questions + self.votes + self.missed

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gap:
        gap = cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
        gap.samples = [(int(i), str(t)) for i, t in gap.samples]
        gap.feedback_samples = [(str(m), str(a)) for m, a in gap.feedback_samples]
        gap.requests = [(int(i), str(s), str(w)) for i, s, w in gap.requests]
        return gap
