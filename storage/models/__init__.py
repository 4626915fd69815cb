"""SQLModel tables, one module per feature; importing this package registers all of them.

Every domain row carries `team_id`; every timestamp is aware UTC (see bot.clock).
"""

from storage.models.core import OutboxMessage, Receipt, RoleAssignment, Workspace
from storage.models.questions import Answer, Question, QuestionVote

__all__ = [
    "Answer",
    "OutboxMessage",
    "Question",
    "QuestionVote",
    "Receipt",
    "RoleAssignment",
    "Workspace",
]
