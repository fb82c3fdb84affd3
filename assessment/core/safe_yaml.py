"""YAML from users, read safely: one place for every YAML file the project accepts.

Questionnaires, column-mapping files, CRM mapping files and version mappings are all YAML
written by people, often uploaded through the web. :func:`load` reads them with PyYAML's
safe loader (no Python objects) and adds what the safe loader lacks:

* duplicate keys are refused instead of silently keeping the last one;
* keys must be plain values (a list or mapping as a key is refused, not a crash);
* alias bombs ("billion laughs"), aliases that refer to themselves and absurd nesting are
  refused before anything is built, so a small file cannot expand into gigabytes;
* the work is bounded whatever the shape of the text: a first pass reads only the event
  stream (libyaml's C parser where PyYAML has it) and stops at :data:`MAX_DEPTH` levels of
  nesting or :data:`MAX_EVENTS` events, before any node is composed — the pure-Python
  scanner needs time quadratic in the nesting depth, so a 10 KB file of brackets used to
  keep a core busy for seconds;
* with ``aliases=False`` anchors and aliases are refused outright (files with no use for
  them);
* with ``booleans=False`` the YAML 1.1 words ``yes``/``no``/``on``/``off`` stay texts
  (mapping files map survey answers such as "Yes" and "No").

Every refusal is a :class:`YamlProblem` with the line and column where known.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_VALUES = 100_000
"""Most values a document may expand to once aliases are resolved (standard: ~5,000)."""

MAX_EVENTS = 30_000
"""Most parser events (scalars, collection starts and ends…) one document may have.

The whole standard questionnaire, every element and translation file together, is about
17,500 events; one file is under 3,000."""

MAX_DEPTH = 64
"""Deepest nesting of collections accepted (the standard questionnaire uses 6 levels)."""

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(ValueError):
    """A YAML document that cannot be accepted; ``where`` is "line L, column C" or empty."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader refusing duplicate and non-scalar keys."""


class _TextLoader(_UniqueKeyLoader):
    """As :class:`_UniqueKeyLoader`, but yes/no/on/off are texts, not booleans."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, str | int | float | bool | None):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "a key must be a plain value, not a list or mapping",
                key_node.start_mark,
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Recursive(Exception):
    pass


def _expanded_size(root: yaml.Node) -> int:
    """How many values the node tree stands for with aliases expanded (stops past the limit)."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise _Recursive
        in_progress.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child)
                if total > MAX_VALUES:
                    break
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
                if total > MAX_VALUES:
                    break
        in_progress.discard(key)
        sizes[key] = total
        return total

    return size(root)


def _where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _check_events(text: str, loader: type[Any], aliases: bool) -> None:
    """Read the event stream only and refuse a document past the limits (cheap, bounded)."""
    parser = loader(text)
    depth = events = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            events += 1
            if events > MAX_EVENTS:
                raise YamlProblem(
                    "",
                    f"the YAML has more than {MAX_EVENTS:,} values and structures; "
                    "split it or shorten it",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlProblem(
                        _mark(event), f"the YAML is nested more than {MAX_DEPTH} levels deep"
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif not aliases and (
                isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)
            ):
                raise YamlProblem(_mark(event), "anchors and aliases (*name) are not allowed")
    finally:
        parser.dispose()


def _mark(event: yaml.Event) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def load(text: str, *, booleans: bool = True, aliases: bool = True) -> Any:
    """Parse one YAML document safely; raise :class:`YamlProblem` on anything unacceptable.

    ``booleans=False`` keeps yes/no/on/off as texts; ``aliases=False`` refuses anchors and
    aliases.
    """
    loader = _UniqueKeyLoader if booleans else _TextLoader
    try:
        _check_events(text, loader, aliases)
    except RecursionError:
        raise YamlProblem("", "the YAML is nested too deeply") from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        if "nesting depth" in problem:  # libyaml's own limit, met while scanning ahead
            raise YamlProblem(
                _where(exc), f"the YAML is nested more than {MAX_DEPTH} levels deep"
            ) from exc
        raise YamlProblem(_where(exc), f"invalid YAML: {problem}") from exc
    try:
        reader = loader(text)
    except yaml.YAMLError as exc:  # the reader checks the characters at once
        raise YamlProblem(_where(exc), f"invalid YAML: {exc}") from exc
    try:
        root = reader.get_single_node()
        if root is None:
            return None
        if _expanded_size(root) > MAX_VALUES:
            raise YamlProblem(
                "",
                f"the YAML expands to more than {MAX_VALUES:,} values once anchors and aliases "
                "are resolved; write it out without repeated aliases",
            )
        return reader.construct_document(root)
    except _Recursive:
        raise YamlProblem(
            "", "an alias refers to itself (recursive YAML structures are not allowed)"
        ) from None
    except RecursionError:
        raise YamlProblem("", "the YAML is nested too deeply") from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem(_where(exc), f"invalid YAML: {problem}") from exc
    finally:
        reader.dispose()
