"""Generated parts of the README: the parameter reference and the benchmark table.

``python -m slacktivism.readme`` rewrites the parameter table from the
scenario declarations (``make docs``); the test suite fails if it is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from model.parameters import parameter_table

README = Path(__file__).resolve().parent.parent / "README.md"


def parameter_markdown() -> str:
    """The reference table of every dotted key."""
    rows = ["| key | allowed | default | meaning |", "|---|---|---|---|"]
    rows += [f"| `{key}` | {allowed} | {default} | {doc} |" for key, allowed, default, doc in parameter_table()]
    return "\n".join(rows)


def replace_block(path: Path, name: str, text: str) -> None:
    """Put ``text`` between ``<!-- name:start -->`` and ``<!-- name:end -->`` in ``path``."""
    content = path.read_text()
    block = f"<!-- {name}:start -->\n{text}\n<!-- {name}:end -->"
    pattern = re.compile(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", re.S)
    content, count = pattern.subn(lambda _: block, content)
    if count == 0:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(content)


def block(path: Path, name: str) -> str | None:
    """The current text between the markers, if any."""
    match = re.search(rf"<!-- {name}:start -->\n(.*?)\n<!-- {name}:end -->", path.read_text(), re.S)
    return match.group(1) if match else None


if __name__ == "__main__":
    replace_block(Path(sys.argv[1]) if len(sys.argv) > 1 else README, "params", parameter_markdown())
