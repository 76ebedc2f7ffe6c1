"""The scenario's declarations read as a table: one row per dotted key, with its type, default, range and doc.

``make docs`` writes the table into docs/parameters.md; ``bench/realism_grid.py``
describes a key's allowed values with :func:`allowed`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from model.scenario import Scenario


def parameter_table() -> list[tuple[str, str, str, str]]:
    """Rows ``(dotted key, allowed values, default, description)`` of every leaf key.

    The parameter table (docs/parameters.md) is generated from this, so the
    table cannot drift from the declarations.
    """
    rows: list[tuple[str, str, str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            ann = field.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, f"{prefix}{name}.")
                continue
            default = field.get_default(call_default_factory=True)
            if isinstance(default, BaseModel):
                default = ", ".join(f"{k}: {v}" for k, v in default.model_dump().items())
                default = "{" + default + "}"
            rows.append((f"{prefix}{name}", allowed(field), f"`{default}`", field.description or ""))

    walk(Scenario, "")
    return rows


def allowed(field: FieldInfo) -> str:
    """A field's allowed values in words: its type, bounds and choices ("number in [0, 1]")."""
    ann = field.annotation
    text = str(ann)
    if "Constant" in text:
        return "distribution: constant, uniform, normal, beta or values"
    if get_origin(ann) is Literal:
        return " / ".join(get_args(ann))
    names: dict[Any, str] = {int: "integer", float: "number", bool: "true / false", str: "text"}
    optional = type(None) in get_args(ann)
    base = next((a for a in get_args(ann) if a is not type(None)), ann) if optional else ann
    item = next(iter(get_args(base)), None)  # tuple[X, ...] -> X, Annotated[X, ...] -> X
    item = get_args(item)[0] if get_origin(item) is Annotated else item
    lists: dict[Any, str] = {int: "list of integers", float: "list of numbers", str: "list of texts"}
    kind = names.get(base) or lists.get(item, "list")
    if optional:
        kind += " (optional)"
    bounds = []
    for meta in field.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                bounds.append(f"{sign} {getattr(meta, attr)}")
    return kind + (f", {' and '.join(bounds)}" if bounds else "")
