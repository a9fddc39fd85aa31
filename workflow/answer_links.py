"""Where a published case's public answer is read: publishing knows its page, workflow asks
(the reporters of a closed duplicate are sent the original's answer)."""

from __future__ import annotations

from collections.abc import Callable

AnswerPath = Callable[[int], str]
_answer_paths: list[AnswerPath] = []


def register_answer_path(path: AnswerPath) -> None:
    """Name the public page of a published case's answer, by case id (once, at start-up)."""
    _answer_paths[:] = [path]


def answer_path(case_id: int) -> str:
    """The path of the case's public answer; "" when no app publishes answers."""
    return _answer_paths[0](case_id) if _answer_paths else ""
