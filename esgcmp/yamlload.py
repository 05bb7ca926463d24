"""Safe YAML loading that remembers where each mapping stood.

Catalog errors must name the file and line, so every mapping is loaded as a
:class:`LineDict` carrying its line. Duplicate keys, which PyYAML silently lets the last
one win, are errors. Only plain data is built: a tag that asks for a Python object is an
error, and so are anchors and aliases, which a hand-written catalog never needs and which
can expand into a huge document (the "billion laughs" attack).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml

from .model import LineDict

try:  # the C parser is several times faster; the constructor stays in Python
    from yaml import CSafeLoader as _FastBase
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _FastBase  # type: ignore[assignment]

MAX_DEPTH = 32
_DECIMAL = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")


class YamlProblem(Exception):
    """A YAML document that esgcmp will not load, with the 1-based line."""

    def __init__(self, message: str, line: int | None) -> None:
        self.message = message
        self.line = line
        super().__init__(message)


class _Checks:
    """Constructor hooks shared by both loaders; compose_node runs in the Python one only."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlProblem("YAML aliases (*name) are not allowed in a catalog",
                              event.start_mark.line + 1)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels",
                                  event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_line_mapping(self, node: yaml.MappingNode) -> Any:
        data = LineDict()
        data.line = node.start_mark.line + 1
        yield data
        self.flatten_mapping(node)
        key_lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlProblem("a mapping key must be a plain value",
                                  key_node.start_mark.line + 1) from None
            line = key_node.start_mark.line + 1
            if key in key_lines:
                raise YamlProblem(f"duplicate key '{key}' (first given at line {key_lines[key]})",
                                  line)
            key_lines[key] = line
            data[key] = self.construct_object(value_node, deep=True)

    def construct_decimal(self, node: yaml.ScalarNode) -> Any:
        """A plain decimal number as the Decimal of its text, so that its printed
        precision survives (``13.20`` keeps two places; a float would keep one)."""
        text = node.value
        if _DECIMAL.match(text):
            return Decimal(text)
        return self.construct_yaml_float(node)  # .inf, .nan, 1_000.5, 1:30.5

    def construct_undefined(self, node: yaml.Node) -> Any:
        raise YamlProblem(f"YAML tag '{node.tag}' is not allowed (a catalog holds plain data only)",
                          node.start_mark.line + 1)


class _FastLoader(_Checks, _FastBase):  # type: ignore[misc,valid-type]
    pass


class _CheckingLoader(_Checks, yaml.SafeLoader):
    pass


for _cls in (_FastLoader, _CheckingLoader):
    _cls.add_constructor("tag:yaml.org,2002:map", _cls.construct_line_mapping)
    _cls.add_constructor("tag:yaml.org,2002:float", _cls.construct_decimal)
    _cls.add_constructor(None, _cls.construct_undefined)

# The C composer cannot be hooked, so a document that may hold an anchor or alias is
# read by the pure-Python loader, which refuses them with their line.
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,])[&*][^\s\]},]", re.M)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEEP_INDENT = re.compile(r"^ {%d,}\S" % (4 * MAX_DEPTH), re.M)


def _needs_checking(text: str) -> bool:
    """Whether the text may hold aliases or deep nesting (which crashes the C parser)."""
    if _MAYBE_ALIAS.search(text) or _DEEP_INDENT.search(text):
        return True
    depth = 0
    for bracket in _NOT_BRACKET.sub("", text):
        depth = depth + 1 if bracket in "[{" else depth - 1
        if depth > MAX_DEPTH:
            return True
    return False


def load_yaml(text: str) -> Any:
    """Parse one YAML document into plain Python data with LineDict mappings."""
    loader_class = _CheckingLoader if _needs_checking(text) else _FastLoader
    try:
        loader = loader_class(text)  # the pure-Python reader checks characters here
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}".replace("\n", " "), None) from exc
    try:
        return loader.get_single_data()
    except YamlProblem:
        raise
    except RecursionError:
        raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels", None) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(f"YAML syntax error: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}".replace("\n", " "), None) from exc
    finally:
        loader.dispose()


def key_line(text: str, mapping_line: int, key: str) -> int | None:
    """The 1-based line of ``key`` in the mapping that starts on ``mapping_line``, found
    again in the text (an error's path only: loaded mappings keep their own line, not
    each key's, to stay small)."""
    try:
        root = yaml.compose(text, Loader=_CheckingLoader)
    except (yaml.YAMLError, YamlProblem, RecursionError):
        return None
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            if node.start_mark.line + 1 == mapping_line:
                for key_node, _value in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                        return key_node.start_mark.line + 1
            stack.extend(value for pair in node.value for value in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None
