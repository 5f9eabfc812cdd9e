"""One kit for the files people write for the bot (case content, rosters, declarations): read
a file's text, parse it as YAML or CSV into a :class:`Document` that can find the line of any
value, check it with a pydantic schema, and report every problem as one :class:`FileError`
naming the file, the line and the field.

Bounds on input belong here: a file's size in :func:`decode`, YAML's aliases in the YAML
loader, the length of a field in the field types of :mod:`bot.domain.files.fields`.
"""

from bot.domain.files.csv_files import parse_csv
from bot.domain.files.documents import Document, Location, decode, read_text
from bot.domain.files.errors import FileError
from bot.domain.files.schemas import (
    FieldProblem,
    FileModel,
    Problems,
    check,
    check_all,
    problem,
)
from bot.domain.files.yaml_files import parse_yaml

__all__ = [
    "Document",
    "FieldProblem",
    "FileError",
    "FileModel",
    "Location",
    "Problems",
    "check",
    "check_all",
    "decode",
    "parse_csv",
    "parse_yaml",
    "problem",
    "read_text",
]
