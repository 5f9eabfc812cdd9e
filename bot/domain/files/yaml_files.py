"""YAML files: libyaml's parser for speed, and the line of a location found again only when a
problem needs it, so that a file that passes pays nothing for lines.

Aliases (``*name``) are bounded: a document that would hold more than :data:`MAX_VALUES`
values once its aliases are expanded (a "billion laughs"), or a value that contains itself, is
refused before anything is built from it.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import yaml

from bot.domain.files.documents import Document, Location
from bot.domain.files.errors import FileError

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it: ten times faster on a large content folder."""

_NULL = "tag:yaml.org,2002:null"

MAX_VALUES = 200_000
"""Values a document may hold, aliases expanded: a large roster holds some ten thousand."""


class _Unbounded(yaml.YAMLError):
    """A document whose aliases would expand beyond reason."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document over :data:`MAX_VALUES` values once aliases are expanded, or with a
    value inside itself; each distinct node is looked at once (no recursion, no expansion)."""
    sizes: dict[int, int] = {}
    path: set[int] = set()  # the nodes being counted: their descendants are on the stack
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, counted = stack.pop()
        key = id(node)
        if counted:
            path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_VALUES:
                raise _Unbounded(f"more than {MAX_VALUES:,} values once its aliases are expanded")
            continue
        if key in sizes:
            continue
        if key in path:
            raise _Unbounded("a value contains itself through an alias")
        path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader, where a key given an empty value is a key not given, and a key may
    appear once in a mapping."""

    def get_single_data(self) -> Any:
        """The document, once its size with aliases expanded is known to be bounded."""
        node = self.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return self.construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        given = [(key, value) for key, value in node.value if value.tag != _NULL]
        node.value = list(given)  # merging keys (<<) rewrites the node's list, not this one
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        if len(mapping) < len(given):  # a key given twice, or keys merged in
            _refuse_a_key_given_twice(given)
        return mapping


def _refuse_a_key_given_twice(pairs: list[tuple[yaml.Node, yaml.Node]]) -> None:
    seen: set[str] = set()
    for key, _ in pairs:
        if isinstance(key, yaml.ScalarNode) and key.value != "<<":
            if key.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key.value!r} is given twice", key.start_mark
                )
            seen.add(key.value)


def _line_of(text: str, where: Location) -> int:
    """The line of the value at ``where``: of its key in a mapping, of the item in a list, and
    of the innermost mapping found where a key is missing."""
    node = yaml.compose(text, Loader=_SafeLoader)
    line = node.start_mark.line + 1
    for part in where:
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode):
            found = [(key, value) for key, value in node.value if key.value == str(part)]
            if not found:
                break
            key, node = found[0]
            line = key.start_mark.line + 1
        else:
            break
    return line


def parse_yaml(path: Path, text: str) -> Document:
    """The data of a YAML file; a syntax error names its line."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise FileError(
            path, line, "YAML", f"not valid YAML: {error.problem}", code="yaml"
        ) from None
    except _Unbounded as error:
        raise FileError(path, None, "YAML", f"not read as YAML: {error}", code="yaml") from None
    except RecursionError:
        raise FileError(
            path, None, "YAML", "not read as YAML: values nested too deeply", code="yaml"
        ) from None
    except yaml.YAMLError as error:
        raise FileError(path, None, "YAML", f"not valid YAML: {error}", code="yaml") from None
    if data is None:
        raise FileError(path, None, None, "the file is empty", code="empty_file")
    return Document(path, data, partial(_line_of, text))
