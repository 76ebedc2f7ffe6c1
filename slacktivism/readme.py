"""Generated parts of the documentation: the parameter reference, the benchmark and claims tables.

A generated block sits between ``<!-- name:start -->`` and ``<!-- name:end -->`` in one of the
documents: ``README.md``, a page of the docs site (``docs/*.md``) or ``model/ODD.md``. Given the repository's folder,
:func:`replace_block` finds the one document that holds the block's markers, so a block can move
between pages without touching the benches that write it.

``python -m slacktivism.readme`` rewrites the parameter table from the
scenario declarations (``make docs``); the test suite fails if it is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from model.parameters import parameter_table

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def parameter_markdown() -> str:
    """The reference table of every dotted key."""
    rows = ["| key | allowed | default | meaning |", "|---|---|---|---|"]
    rows += [f"| `{key}` | {allowed} | {default} | {doc} |" for key, allowed, default, doc in parameter_table()]
    return "\n".join(rows)


def documents(root: Path) -> list[Path]:
    """The documents that may hold generated blocks: the README, the docs site's pages and the ODD."""
    candidates = [root / "README.md", *sorted((root / "docs").rglob("*.md")), root / "model" / "ODD.md"]
    return [p for p in candidates if p.is_file()]


def block_file(root: Path, name: str) -> Path:
    """The one document under ``root`` that holds the markers of block ``name``."""
    holders = [p for p in documents(root) if f"<!-- {name}:start -->" in p.read_text()]
    if len(holders) != 1:
        where = ", ".join(str(p.relative_to(root)) for p in holders) or "none of README.md, docs/*.md, model/ODD.md"
        raise ValueError(f"block {name!r} must be in exactly one document under {root} (found in {where})")
    return holders[0]


def replace_block(path: Path, name: str, text: str) -> None:
    """Put ``text`` between ``<!-- name:start -->`` and ``<!-- name:end -->`` in ``path``.

    ``path`` is a file (the block is appended if the file has no markers yet) or a folder, in which
    case the block goes to the one document under it that holds the markers (:func:`block_file`).
    """
    path = block_file(path, name) if path.is_dir() else path
    content = path.read_text()
    block = f"<!-- {name}:start -->\n{text}\n<!-- {name}:end -->"
    pattern = re.compile(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", re.S)
    content, count = pattern.subn(lambda _: block, content)
    if count == 0:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(content)


def block(path: Path, name: str) -> str | None:
    """The current text between the markers, if any (``path`` a file, or a folder as in :func:`replace_block`)."""
    path = block_file(path, name) if path.is_dir() else path
    match = re.search(rf"<!-- {name}:start -->\n(.*?)\n<!-- {name}:end -->", path.read_text(), re.S)
    return match.group(1) if match else None


if __name__ == "__main__":
    replace_block(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT, "params", parameter_markdown())
