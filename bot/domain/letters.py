"""Model letters: Jinja2 texts that content authors write and activists sign.

A model letter is plain text in paragraphs separated by a blank line. A paragraph wrapped whole
in ``*…*`` is set in italics (a salutation), one wrapped in ``**…**`` in bold (a heading), as the
seed letter writes them. Inside, only the documented placeholders may appear, as ``{{ name }}``:
no filter, no attribute, no call and no statement (``{% … %}``), so an author cannot reach
Python. Templates are compiled in Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment` all the
same, and their structure is decided before any value is put in: a name that looks like
``**markup**`` stays text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

PLACEHOLDERS: tuple[str, ...] = (
    "name",
    "title",
    "place",
    "date",
    "salutation",
    "target_name",
    "target_title",
)
"""What a model letter may use: the writer's name, title and place (each may be empty), the
date of the letter, and the target's salutation, name and title, in the letter's language."""

MAX_LETTER_LENGTH = 8_000
"""Characters of a model letter at most: a letter of two pages, as the seed's."""

MAX_PARAGRAPHS = 40

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


class Emphasis(StrEnum):
    """How a paragraph is set."""

    NONE = ""
    ITALIC = "italic"
    BOLD = "bold"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of a letter, as plain text, with its emphasis."""

    text: str
    emphasis: Emphasis = Emphasis.NONE


class LetterProblem(ValueError):
    """A model letter that cannot be used; ``line`` is the line of the letter at fault;
    ``kind`` and ``params`` say the same for programs that word it themselves: ``length``
    (``count``, ``limit``), ``empty``, ``paragraphs`` (``limit``), ``syntax``,
    ``placeholder`` (``name``), ``statement`` or ``expression``."""

    def __init__(
        self, problem: str, line: int | None = None, *, kind: str = "invalid", **params: object
    ) -> None:
        super().__init__(problem if line is None else f"{problem} (the letter's line {line})")
        self.problem, self.line, self.kind, self.params = problem, line, kind, params


@functools.cache
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        autoescape=False,  # plain text: documents and Telegram escape it where they need to
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


def _check_node(node: nodes.Node) -> None:
    """Refuse anything but text and plain placeholders."""
    if isinstance(node, nodes.Template | nodes.Output | nodes.TemplateData):
        for child in node.iter_child_nodes():
            _check_node(child)
        return
    if isinstance(node, nodes.Name) and node.ctx == "load":
        if node.name not in PLACEHOLDERS:
            raise LetterProblem(
                f"unknown placeholder {node.name!r} (allowed: {', '.join(PLACEHOLDERS)})",
                node.lineno,
                kind="placeholder",
                name=node.name,
            )
        return
    if isinstance(node, nodes.Stmt):
        raise LetterProblem(
            "a statement ({% … %}) is not allowed in a letter", node.lineno, kind="statement"
        )
    raise LetterProblem(
        "only plain placeholders such as {{ name }} are allowed: no filter, attribute, "
        "call or expression",
        node.lineno,
        kind="expression",
    )


def _split(source: str) -> list[tuple[str, int]]:
    """The paragraphs of ``source`` with the line each starts on."""
    paragraphs, line, start = [], 1, 0
    text = source.replace("\r\n", "\n")
    for match in [*_BLANK_LINE.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            leading = chunk[: len(chunk) - len(chunk.lstrip())].count("\n")
            paragraphs.append((stripped, line + leading))
        if match:
            line += text[start : match.end()].count("\n")
            start = match.end()
    return paragraphs


def _emphasis(paragraph: str) -> tuple[str, Emphasis]:
    for marks, emphasis in (("**", Emphasis.BOLD), ("*", Emphasis.ITALIC)):
        inner = paragraph[len(marks) : -len(marks)]
        if (
            len(paragraph) > 2 * len(marks)
            and paragraph.startswith(marks)
            and paragraph.endswith(marks)
            and not inner.startswith("*")
            and not inner.endswith("*")
        ):
            return inner.strip(), emphasis
    return paragraph, Emphasis.NONE


@dataclass(frozen=True, slots=True)
class ModelLetter:
    """A checked model letter: its paragraphs as compiled templates."""

    source: str
    parts: tuple[tuple[str, Emphasis], ...]

    def render(self, values: Mapping[str, str]) -> list[Paragraph]:
        """The letter with ``values`` put in; a placeholder not given is empty. A paragraph
        left empty (one that held only an empty placeholder) is dropped."""
        given = {name: str(values.get(name, "")) for name in PLACEHOLDERS}
        paragraphs = []
        for source, emphasis in self.parts:
            text = " ".join(_compiled(source).render(given).split())
            if text:
                paragraphs.append(Paragraph(text, emphasis))
        return paragraphs


@functools.lru_cache(maxsize=512)
def _compiled(source: str):  # type: ignore[no-untyped-def]
    return _environment().from_string(source)


def check_letter(source: str) -> ModelLetter:
    """``source`` as a model letter, or :class:`LetterProblem`."""
    if len(source) > MAX_LETTER_LENGTH:
        raise LetterProblem(
            f"the letter has {len(source)} characters; at most {MAX_LETTER_LENGTH} are allowed",
            kind="length",
            count=len(source),
            limit=MAX_LETTER_LENGTH,
        )
    paragraphs = _split(source)
    if not paragraphs:
        raise LetterProblem("the letter is empty", kind="empty")
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise LetterProblem(
            f"the letter has more than {MAX_PARAGRAPHS} paragraphs",
            kind="paragraphs",
            limit=MAX_PARAGRAPHS,
        )
    parts = []
    for text, line in paragraphs:
        inner, emphasis = _emphasis(text)
        try:
            tree = _environment().parse(inner)
        except TemplateSyntaxError as error:
            at = line + (error.lineno or 1) - 1
            raise LetterProblem(
                f"not a valid template: {error.message}", at, kind="syntax"
            ) from None
        try:
            _check_node(tree)
        except LetterProblem as problem:
            at = line + (problem.line or 1) - 1
            raise LetterProblem(problem.problem, at, kind=problem.kind, **problem.params) from None
        parts.append((inner, emphasis))
    return ModelLetter(source, tuple(parts))
