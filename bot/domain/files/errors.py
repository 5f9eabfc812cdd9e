"""The one error of every checked file: which file, which line, which field, what is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class FileError(ValueError):
    """A file is invalid. ``problem`` says what is wrong in words its author reads, naming the
    field (``urgency: must be from 1 (most urgent) to 5``, ``given_name is missing``);
    ``field_name`` names it for programs. Both ``line`` and ``field_name`` are ``None`` where the
    problem belongs to no one line or field (a file that cannot be read, a check across fields).
    ``code`` and ``params`` say the same for programs that word it in their reader's language
    (:mod:`bot.text.problems`).
    """

    def __init__(
        self,
        path: Path,
        line: int | None,
        field_name: str | None,
        problem: str,
        *,
        code: str = "invalid",
        params: dict[str, Any] | None = None,
    ) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.field_name, self.problem = path, line, field_name, problem
        self.code, self.params = code, params or {}
