"""Reading scenario files: read, fill defaults, validate, freeze.

The only module of ``model`` that reads YAML. It turns every failure into a
:class:`ScenarioError` whose one-line message has the form
``FILE:LINE: dotted.key: what is wrong (got X; allowed ...)``, so that the
command line can print it and exit 2 without a traceback.

YAML is parsed with PyYAML's safe loader. Anchors and aliases are refused:
a scenario has no use for them, and refusing them makes an alias bomb
("billion laughs") harmless.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from model.scenario import Scenario

#: Scenario files larger than this are refused before parsing.
MAX_FILE_BYTES = 4 * 1024 * 1024

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ScenarioError(ValueError):
    """A scenario that cannot run; ``str(error)`` is one line for the user."""

    def __init__(self, source: str, line: int | None, key: str, problem: str):
        self.source, self.line, self.key, self.problem = source, line, key, problem
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


def shipped_scenarios() -> list[str]:
    """The names of the scenarios that ship with the package (``baseline``, ``cases/save_darfur``, ...).

    They are package data of the ``scenarios`` package, found through :mod:`importlib.resources`, so
    they are there in a checkout and in an installed wheel alike. Case data files (``*.data.yaml``) and
    sweep files (``sweeps/``) are not scenarios and are not listed.
    """
    root = resources.files("scenarios")
    names = [entry.name[:-5] for entry in root.iterdir() if entry.name.endswith(".yaml")]
    cases = root / "cases"
    if cases.is_dir():
        names += [f"cases/{entry.name[:-5]}" for entry in cases.iterdir()
                  if entry.name.endswith(".yaml") and not entry.name.endswith(".data.yaml")]
    return sorted(names)


def shipped_file(name: str) -> Path | None:
    """The path of a YAML file shipped in the ``scenarios`` package (``baseline`` or ``baseline.yaml``), if any.

    Returns ``None`` when no such file ships. The path is a real file: the package is installed as
    files (a wheel unpacked into ``site-packages``, or the checkout), never imported from a zip.
    """
    if not name or Path(name).is_absolute() or ".." in Path(name).parts:
        return None
    entry = resources.files("scenarios").joinpath(*Path(name if name.endswith(".yaml") else name + ".yaml").parts)
    return Path(str(entry)) if entry.is_file() else None


def find_scenario(path: str | os.PathLike) -> str:
    """A scenario's file: ``path`` itself if it exists, else the shipped scenario of that name.

    A file on disk always wins, so ``scenarios/baseline.yaml`` in a checkout and ``baseline`` anywhere
    both work. A name that is neither raises one line naming the closest shipped scenario.
    """
    source = str(path)
    if Path(source).exists():
        return source
    shipped = shipped_file(source)
    if shipped is not None:
        return str(shipped)
    if "/" in source or os.sep in source or source.endswith((".yaml", ".yml")):
        return source  # a path that is not there: read_text says so
    names = shipped_scenarios()
    close = difflib.get_close_matches(source, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ScenarioError(source, None, "", f"no such file or shipped scenario ({hint}shipped: {', '.join(names)})")


def load_scenario(path: str | os.PathLike, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Read, validate and freeze a scenario file.

    Args:
        path: a YAML scenario file, or the name of a shipped scenario (``baseline``,
            ``cases/save_darfur``; :func:`shipped_scenarios` lists them). A file on disk wins.
        overrides: dotted keys to values (``{"network.n_users": 500}``); a
            value may be any YAML value, mappings included, and is validated
            like the file.

    Returns:
        The immutable :class:`~model.scenario.Scenario`.

    Raises:
        ScenarioError: with a one-line message naming file, line and key.
    """
    source = find_scenario(path)
    text = read_text(source)
    data, lines = parse_yaml(text, source)
    data = dict(data)
    for key, value in (overrides or {}).items():
        set_dotted(data, key, value, source)
    _resolve_paths(data, Path(source).resolve().parent)
    return validate(data, source, lines)


def parse_override(assignment: str) -> tuple[str, Any]:
    """Parse one ``--set dotted.key=value``; the value is read as YAML."""
    key, sep, raw = assignment.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ScenarioError("--set", None, assignment, "expected dotted.key=value")
    try:
        value = yaml.load(raw, Loader=_Loader) if raw.strip() else None
        _refuse_aliases(raw, "--set")
    except yaml.YAMLError as exc:
        raise ScenarioError("--set", None, key, f"value is not valid YAML ({first_line(exc)})") from None
    return key, value


def read_text(source: str) -> str:
    """Read a small UTF-8 text file, or raise a :class:`ScenarioError`."""
    path = Path(source)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError(source, None, "", "no such file") from None
    except OSError as exc:
        raise ScenarioError(source, None, "", f"cannot read ({exc.strerror})") from None
    if path.is_dir():
        raise ScenarioError(source, None, "", "is a directory, not a scenario file")
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            source, None, "", f"file is too big ({size} bytes; allowed up to {MAX_FILE_BYTES})"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(source, None, "", f"cannot read ({exc.strerror})") from None
    if b"\x00" in raw:
        raise ScenarioError(source, None, "", "is a binary file, not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(source, None, "", f"is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise ScenarioError(source, None, "", "file is empty")
    return text


def parse_yaml(text: str, source: str) -> tuple[dict, dict[str, int]]:
    """Parse YAML safely; return the mapping and a dotted-key -> line map."""
    try:
        _refuse_aliases(text, source)
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(source, line, "", f"not valid YAML ({first_line(exc)})") from None
    if not isinstance(data, dict):
        raise ScenarioError(
            source, 1, "", f"a scenario must be a mapping of keys (got {type(data).__name__})"
        )
    lines: dict[str, int] = {}
    if node is not None:  # an empty document has no nodes (and is refused above as not a mapping)
        _record_lines(node, "", lines)
    return data, lines


def validate(data: dict, source: str, lines: Mapping[str, int] | None = None) -> Scenario:
    """Validate a raw mapping into a frozen scenario, or raise one clear error."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise first_error(exc, source, lines or {}) from None


def known_keys(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every dotted key, sections included (``network``, ``network.kind``, ...)."""
    keys = []
    for name, field in model.model_fields.items():
        key = prefix + name
        keys.append(key)
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            keys.extend(known_keys(ann, key + "."))
    return keys


# --------------------------------------------------------------------------


def _refuse_aliases(text: str, source: str) -> None:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ScenarioError(
                source, event.start_mark.line + 1 if event.start_mark else None, "",
                "YAML anchors and aliases are not allowed in scenario files",
            )


def _record_lines(node: yaml.Node, prefix: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            lines[key] = key_node.start_mark.line + 1
            _record_lines(value_node, key + ".", lines)


def set_dotted(data: dict, key: str, value: Any, source: str) -> None:
    """Set a dotted key in a raw scenario mapping (unknown keys are refused with a suggestion)."""
    if key not in known_keys():
        raise ScenarioError(source, None, key, f"--set names an unknown key{suggest_key(key)}")
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
        node[part] = child = dict(child)
        node = child
    node[parts[-1]] = value


def _resolve_paths(data: dict, base: Path) -> None:
    network = data.get("network")
    if isinstance(network, dict) and isinstance(network.get("path"), str):
        path = Path(network["path"]).expanduser()
        if not path.is_absolute():
            network["path"] = str((base / path).resolve())


def suggest_key(key: str) -> str:
    """"; did you mean KEY?" for the closest known key, or ""."""
    close = difflib.get_close_matches(key, known_keys(), n=1, cutoff=0.6)
    if not close:
        leaf = key.rsplit(".", 1)[-1]
        close = [k for k in known_keys() if k.rsplit(".", 1)[-1] == leaf][:1]
    return f"; did you mean {close[0]}?" if close else ""


_KEY_IN_MESSAGE = re.compile(r"\b([a-z_]+\.[a-z_]+(?:\.[a-z_]+)*)\b")


def first_error(exc: ValidationError, source: str, lines: Mapping[str, int]) -> ScenarioError:
    """The first validation error as a one-line :class:`ScenarioError` with file, line and key."""
    err = exc.errors(include_url=False)[0]
    # Drop the union tags pydantic puts in the location ("normal", "function-after[...]").
    parts = [str(item) for item in err["loc"] if not _is_tag(item)]
    key = ".".join(p for p in parts if not p.isdigit())
    message = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    kind = err["type"]
    if kind == "extra_forbidden":
        problem = f"unknown key{suggest_key(key)}"
    elif kind == "missing":
        problem = "is required"
    elif kind == "union_tag_invalid" or kind == "union_tag_not_found":
        tag = got.get("dist") if isinstance(got, dict) else got
        problem = f"dist must be one of {', '.join(sorted(_TAGS))} (got {_show(tag)})"
    elif kind == "literal_error":
        allowed = message.removeprefix("Input should be ")
        problem = f"not an allowed value (got {_show(got)}; allowed {allowed})"
    elif (m := _KEY_IN_MESSAGE.search(message)) and (not key or m.group(1).startswith(key + ".")):
        key = m.group(1)
        problem = message.removeprefix(key + " ")
    elif kind == "value_error":
        problem = message
    else:
        problem = f"{_lower_first(message)} (got {_show(got)})"
    line = None
    probe = key
    while probe and line is None:
        line = lines.get(probe)
        probe = probe.rpartition(".")[0]
    return ScenarioError(source, line, key, problem)


_TAGS = {"constant", "uniform", "normal", "beta", "values"}


def _is_tag(item: Any) -> bool:
    return isinstance(item, str) and (item in _TAGS or "[" in item)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def first_line(exc: Exception) -> str:
    """The first line of an exception's message (its type name if it has none), for one-line errors."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
