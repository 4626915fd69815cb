"""SQLModel tables, one module per feature; importing this package registers all of them.

Every domain row carries `team_id`; every timestamp is aware UTC (see storage.clock).
"""

from storage.models.assets import (
    Asset,
    AssetFeedback,
    ContentRequest,
    ContentRequestQuestion,
    ContentRequestVote,
)
from storage.models.coordination import HomeViewer, Lease
from storage.models.core import OutboxMessage, Receipt, RoleAssignment, Workspace
from storage.models.gaps import GapSnapshot
from storage.models.goals import Digest, DigestReaction, Goal, GoalSignal, GoalUpdate
from storage.models.installations import BOTS, INSTALLATIONS, STATES  # noqa: F401
from storage.models.meetings import MeetingSeries  # noqa: F401  (registers the meeting tables)
from storage.models.people import Holiday, Person
from storage.models.questions import (
    Answer,
    AnswerRating,
    Question,
    QuestionPost,
    QuestionReminder,
    QuestionVote,
)

__all__ = [
    "Answer",
    "AnswerRating",
    "Asset",
    "AssetFeedback",
    "ContentRequest",
    "ContentRequestQuestion",
    "ContentRequestVote",
    "Digest",
    "DigestReaction",
    "GapSnapshot",
    "Goal",
    "GoalSignal",
    "GoalUpdate",
    "Holiday",
    "HomeViewer",
    "Lease",
    "OutboxMessage",
    "Person",
    "Question",
    "QuestionPost",
    "QuestionReminder",
    "QuestionVote",
    "Receipt",
    "RoleAssignment",
    "Workspace",
]
