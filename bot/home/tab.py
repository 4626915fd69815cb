"""The Home tab's data: a person's roles and their sections of already-escaped lines."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class HomeSection:
    """A titled list of already-escaped mrkdwn lines (a feature's part of the Home tab)."""

    title: str
    lines: list[str]
    empty: str = "Nothing here yet."
    more: int = 0  # how many lines were left out


@dataclass
class HomeData:
    user_id: str
    roles: set[str]
    sections: list[HomeSection] = field(default_factory=list)

    @property
    def main_role(self) -> str:
        for role in ("admin", "leader", "marketer", "rep"):
            if role in self.roles:
                return role
        return "member"


def cap(lines: list[str], limit: int) -> tuple[list[str], int]:
    """At most `limit` lines, and how many were left out."""
    return lines[:limit], max(0, len(lines) - limit)
