"""Reading a real follower graph from a SNAP-style edge list.

The one file the simulation reads itself, because ``network.kind: edgelist``
names data, not code. Format: one edge a line, two integer ids separated by
whitespace, a comma or a tab; lines starting with ``#`` or ``%`` are comments.
An edge ``u v`` means "u follows v" (SNAP's convention for directed graphs);
on an undirected network it is a mutual tie. Ids are mapped to users
``0 .. n-1`` in ascending id order.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from model.network import READERS, FollowerGraph, from_edges, unique_sorted
from model.scenario_files import first_line


class EdgeListError(ValueError):
    """An edge list that cannot be read; the message is one line."""


def read_edgelist(path: str | Path, *, directed: bool) -> FollowerGraph:
    """Read an edge list into a follower graph."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise EdgeListError(f"{path}: cannot read edge list ({exc.strerror})") from None
    if b"\x00" in head:
        raise EdgeListError(f"{path}: edge list is a binary file")
    first = next((line for line in head.decode("utf-8", "replace").splitlines()
                  if line.strip() and line.lstrip()[0] not in "#%"), "")
    delimiter = "," if "," in first else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "input contained no data": reported below
            pairs = np.loadtxt(path, comments=("#", "%"), delimiter=delimiter, dtype=np.int64,
                               usecols=(0, 1), ndmin=2, encoding="utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise EdgeListError(f"{path}: not a two-column integer edge list ({first_line(exc)})") from None
    if len(pairs) == 0:
        raise EdgeListError(f"{path}: edge list has no edges")
    ids = unique_sorted(pairs.ravel())
    u = np.searchsorted(ids, pairs[:, 0])
    v = np.searchsorted(ids, pairs[:, 1])
    return from_edges(len(ids), u, v, directed=directed)


def read_network(net) -> FollowerGraph:
    """The graph of a scenario's ``network`` section of kind ``edgelist`` (registered in ``model.network.READERS``)."""
    return read_edgelist(net.path, directed=net.directed)


READERS["edgelist"] = read_network
