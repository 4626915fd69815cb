"""SQLModel tables, one module per feature; importing this package registers all of them.

Every domain row carries `team_id`; every timestamp is aware UTC (see storage.clock).
"""

from storage.models.assets import Asset, AssetFeedback, ContentRequest, ContentRequestVote
from storage.models.coordination import HomeViewer, Lease
from storage.models.core import OutboxMessage, Receipt, RoleAssignment, Workspace
from storage.models.goals import Digest, DigestReaction, Goal, GoalUpdate
from storage.models.installations import BOTS, INSTALLATIONS, STATES  # noqa: F401
from storage.models.meetings import MeetingSeries  # noqa: F401  (registers the meeting tables)
from storage.models.questions import Answer, Question, QuestionVote

__all__ = [
    "Answer",
    "Asset",
    "AssetFeedback",
    "ContentRequest",
    "ContentRequestVote",
    "Digest",
    "DigestReaction",
    "Goal",
    "GoalUpdate",
    "HomeViewer",
    "Lease",
    "OutboxMessage",
    "Question",
    "QuestionVote",
    "Receipt",
    "RoleAssignment",
    "Workspace",
]
