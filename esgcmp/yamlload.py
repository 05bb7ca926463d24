"""Safe YAML loading that remembers where each mapping stood.

Catalog errors must name the file and line, so every mapping is loaded as a
:class:`LineDict` carrying its line. Duplicate keys, which PyYAML silently lets the last
one win, are errors. Only plain data is built: any explicit tag (``!!int``,
``!!python/...``) is an error, and so are anchors and aliases, which a hand-written
catalog never needs and which can expand into a huge document (the "billion laughs"
attack).

Plain scalars mean what a person reading them would think. YAML 1.1 retypes some of them
silently (``012`` is octal 10, ``1:30`` is 90, ``no`` is false, ``2001-02-03`` a date);
esgcmp reads numbers as YAML 1.2 does (``1e5`` and ``1.7e308`` are numbers), keeps dates
as text, and refuses the forms whose meaning differs between the two, with the fix.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from .model import LineDict

try:  # the C parser is several times faster; the constructor stays in Python
    from yaml import CSafeLoader as _FastBase
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _FastBase  # type: ignore[assignment]

MAX_DEPTH = 32
_DECIMAL = re.compile(r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")

# Implicit types (YAML 1.2's core schema, with underscores in numbers as YAML 1.1 allows).
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?
                        |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
                        |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""", re.X)
AMBIGUOUS_TAG = "tag:esgcmp,2026:ambiguous"
# Plain scalars YAML 1.1 would retype, and what to write instead.
_AMBIGUOUS = [
    (re.compile(r"^[-+]?0[0-9_]+$"), "has a leading zero, which YAML 1.1 reads as an octal "
     "number", "write the number without the leading zero, or quote it if it is text"),
    (re.compile(r"^[-+]?0[xXoObB][0-9a-fA-F_]+$"), "is a hexadecimal, octal or binary number "
     "in YAML", "write the number in decimal, or quote it if it is text"),
    (re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$"), "is a base-60 number "
     "in YAML 1.1 (1:30 is 90)", "quote it if it is text"),
    (re.compile(r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)$"), "is true or false "
     "in YAML 1.1 and text in YAML 1.2", "write true or false, or quote it if it is text"),
]


class YamlProblem(Exception):
    """A YAML document that esgcmp will not load, with the 1-based line."""

    def __init__(self, message: str, line: int | None) -> None:
        self.message = message
        self.line = line
        super().__init__(message)


class _Checks:
    """Constructor hooks shared by both loaders; compose_node runs in the Python one only."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem("YAML aliases (*name) are not allowed in a catalog",
                              event.start_mark.line + 1)
        if getattr(event, "anchor", None) is not None:
            raise YamlProblem(f"YAML anchors (&{event.anchor}) are not allowed in a catalog",
                              event.start_mark.line + 1)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise YamlProblem(f"YAML tag '{tag}' is not allowed in a catalog (a catalog holds "
                              "plain data only); write the value without it, or quote it",
                              event.start_mark.line + 1)
        # the depth counts mappings and lists, the document's top level included
        nested = isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
        if not nested:
            return super().compose_node(parent, index)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
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
            if (node.flow_style and value_node.value == ""  # (the cheap test first)
                    and _split_number(key_node, value_node)):
                raise YamlProblem(
                    f"'{key_node.value}' follows a comma in a {{...}} mapping, so YAML reads "
                    "a number with a thousands separator (1,000) as two entries; write the "
                    "number without separators (1000)", key_node.start_mark.line + 1)
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
        text = node.value.replace("_", "")
        if _DECIMAL.match(text):
            try:
                return Decimal(text)
            except InvalidOperation:  # an exponent beyond what a Decimal holds
                raise YamlProblem(f"'{node.value}' is beyond the numbers esgcmp reads",
                                  node.start_mark.line + 1) from None
        return self.construct_yaml_float(node)  # .inf, .nan

    def construct_ambiguous(self, node: yaml.ScalarNode) -> Any:
        for pattern, meaning, fix in _AMBIGUOUS:
            if pattern.match(node.value):
                raise YamlProblem(f"'{node.value}' {meaning}; {fix}", node.start_mark.line + 1)
        raise YamlProblem(f"'{node.value}' is ambiguous; quote it",  # pragma: no cover, no mutate
                          node.start_mark.line + 1)  # pragma: no mutate

    def construct_undefined(self, node: yaml.Node) -> Any:
        raise YamlProblem(f"YAML tag '{node.tag}' is not allowed (a catalog holds plain data only)",
                          node.start_mark.line + 1)


def _split_number(key: yaml.Node, value: yaml.Node) -> bool:
    """Whether a flow-mapping entry is the tail of a number split at its thousands
    separator: ``{value: 1,000}`` is ``{value: 1, 000: null}``."""
    return (isinstance(key, yaml.ScalarNode) and not key.style  # plain: None, or '' in C
            and key.value.isascii() and key.value.isdigit()
            and isinstance(value, yaml.ScalarNode) and value.value == ""
            and not value.style)


class _FastLoader(_Checks, _FastBase):  # type: ignore[misc,valid-type]
    pass


class _CheckingLoader(_Checks, yaml.SafeLoader):
    pass


for _cls in (_FastLoader, _CheckingLoader):
    _cls.yaml_implicit_resolvers = {}
    for _tag, _pattern, _first in (
            ("tag:yaml.org,2002:bool", _BOOL, "tTfF"),
            ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
            ("tag:yaml.org,2002:int", _INT, "-+0123456789"),
            ("tag:yaml.org,2002:float", _FLOAT, "-+0123456789."),
            *((AMBIGUOUS_TAG, _p, "-+0123456789yYnNoO") for _p, _m, _f in _AMBIGUOUS)):
        _cls.add_implicit_resolver(_tag, _pattern, list(_first))
    # Only the plain-data constructors stay; any other tag reaches construct_undefined.
    _cls.yaml_constructors = {
        "tag:yaml.org,2002:null": _cls.construct_yaml_null,
        "tag:yaml.org,2002:bool": _cls.construct_yaml_bool,
        "tag:yaml.org,2002:int": _cls.construct_yaml_int,
        "tag:yaml.org,2002:float": _cls.construct_decimal,
        "tag:yaml.org,2002:str": _cls.construct_yaml_str,
        "tag:yaml.org,2002:seq": _cls.construct_yaml_seq,
        "tag:yaml.org,2002:map": _cls.construct_line_mapping,
        AMBIGUOUS_TAG: _cls.construct_ambiguous,
        None: _cls.construct_undefined,
    }

# The C composer cannot be hooked, so a document that may hold an anchor or alias is
# read by the pure-Python loader, which refuses them with their line.
_SIGIL = re.compile(r"[&*!]")  # an anchor, an alias or a tag starts with one
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# Each block level takes at least one column of indentation or of a "- " / "? "
# indicator, and each flow level one bracket: a document whose deepest line starts this
# far in, plus its deepest brackets, may be nested past the limit.
_LEADING = "^[ \t?:-]{%d,}"


def _needs_checking(text: str) -> bool:
    """Whether the text may hold tags, anchors, aliases or nesting past MAX_DEPTH (which
    only the checking loader sees, and which crashes the C parser when deep enough)."""
    if _maybe_alias(text):
        return True
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", text):
        depth = depth + 1 if bracket in "[{" else depth - 1
        deepest = max(deepest, depth)
    room = MAX_DEPTH - 1 - deepest  # columns of block nesting that stay within the limit
    return room <= 0 or re.search(_LEADING % room, text, re.M) is not None


def _maybe_alias(text: str) -> bool:
    """Whether a sigil (``&``, ``*``, ``!``) starts a token: after the start of a line, a
    space or ``[{,:``, and followed by a character that is not a space or ``]},``. (The
    pattern ``(?:^|[\\s\\[{,:])[&*!][^\\s\\]},]`` says the same; looking only at the
    sigils, of which a catalog has few, is several times faster on a large file.)"""
    end = len(text) - 1
    for match in _SIGIL.finditer(text):
        at = match.start()
        if at == end:
            continue
        before, after = text[at - 1] if at else "\n", text[at + 1]
        if ((before.isspace() or before in "[{,:")
                and not (after.isspace() or after in "]},")):
            return True
    return False


def load_yaml(text: str) -> Any:
    """Parse one YAML document into plain Python data with LineDict mappings."""
    loader_class = _CheckingLoader if _needs_checking(text) else _FastLoader
    try:
        loader = loader_class(text)  # the pure-Python reader checks characters here
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise YamlProblem(f"character {_codepoint(exc.character)} is not allowed in YAML "
                          "(control characters cannot be written in a catalog)", line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}".replace("\n", " "), None) from exc
    try:
        return loader.get_single_data()
    except YamlProblem:
        raise
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise YamlProblem(f"character {_codepoint(exc.character)} is not allowed in YAML "
                          "(control characters cannot be written in a catalog)", line) from None
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


def _codepoint(character: Any) -> str:
    code = character if isinstance(character, int) else ord(character)
    return f"U+{code:04X}"


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
