"""Lineage checks that need the whole snapshot: which declared base links form cycles.

Why strongly connected components: a model's lineage must end at a base model; a cycle
(A is based on B, B on A) has no base, and following it would loop forever in every lineage
question. The links inside a strongly connected component of more than one model are exactly
the links on some cycle, and scipy finds the components of two million nodes in well under a
second from two integer arrays.

    >>> import numpy as np
    >>> cycle_edges(4, np.array([0, 1, 2]), np.array([1, 0, 3])).tolist()
    [True, True, False]
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components


def cycle_edges(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """A boolean mask over the links ``src[i] → dst[i]``: True where the link is on a cycle."""
    if len(src) == 0:
        return np.zeros(0, dtype=bool)
    graph = csr_array((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    _, labels = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(labels)
    return (labels[src] == labels[dst]) & (sizes[labels[src]] > 1)
