"""Node positions computed in Python, so the browser draws a finished picture with physics off.

Why not let vis-network settle the graph: its physics took minutes for 1,500 nodes and did not
finish 5,000 in 90 s in headless Chromium. A seeded layout here is reproducible (same graph, same
picture) and costs about a second.

Two algorithms, picked by size:

* small graphs (< ``SMALL_GRAPH``) use NetworkX's ``spring_layout`` (Fruchterman–Reingold, dense
  numpy; its sparse variant above 500 nodes needs scipy, which govkg does not depend on);
* larger graphs use :func:`sampled_force_layout`, the same spring model with repulsion estimated
  from a random sample of nodes per iteration: O(n·s + m) per iteration instead of O(n²), so
  20,000 nodes lay out in a few seconds rather than minutes. The picture is a little noisier
  locally, which the user fixes by focusing on a neighbourhood (where the exact layout is used).
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import networkx as nx
import numpy as np

#: Below this many nodes the exact NetworkX spring layout is used.
SMALL_GRAPH = 400
#: Pixels of canvas per node side: the layout is scaled so nodes sit about this far apart.
SPACING_PX = 70.0
#: Added to the half-width of every component's drawing so small ones are not cramped.
SMALL_MARGIN_PX = 60.0
#: Shorter edges (the lower quartile) are stretched to at least this many pixels ...
MIN_EDGE_PX = 80.0
#: ... but a drawing is never enlarged more than this factor over its base size.
MAX_STRETCH = 3.0


def compute_layout(
    g: nx.Graph, *, seed: int = 7, iterations: int | None = None
) -> dict[Hashable, tuple[float, float]]:
    """Pixel positions for every node of ``g``, deterministic for a given ``seed``.

    Connected components are laid out one by one and packed in rows, largest first: laid out
    together, a few stray components push each other to the corners and the scaling to the
    canvas squeezes the main component into a clump.
    """
    if g.number_of_nodes() == 0:
        return {}
    simple = nx.Graph(g.to_undirected(as_view=True))
    simple.remove_edges_from(nx.selfloop_edges(simple))
    comps = sorted(
        (sorted(c, key=str) for c in nx.connected_components(simple)),
        key=lambda c: (-len(c), str(c[0])),
    )
    blocks = [_component_layout(simple.subgraph(c), c, seed, iterations) for c in comps]
    return _pack(blocks)


def _component_layout(
    g: nx.Graph, nodes: list[Hashable], seed: int, iterations: int | None
) -> dict[Hashable, tuple[float, float]]:
    """Pixel positions of one connected component, centred on 0."""
    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    if n < SMALL_GRAPH:
        raw = nx.spring_layout(g, seed=seed, iterations=iterations or 80)
        pos = np.array([raw[v] for v in nodes], dtype=float)
    else:
        pos = sampled_force_layout(g, nodes, seed=seed, iterations=iterations or 50)
    return _to_pixels(g, nodes, pos)


def _pack(blocks: list[dict[Hashable, tuple[float, float]]]) -> dict[Hashable, tuple[float, float]]:
    """Place component drawings left to right in rows (shelf packing), centred on 0."""
    gap = SPACING_PX * 1.5
    boxes = []
    for block in blocks:
        xs = [p[0] for p in block.values()]
        ys = [p[1] for p in block.values()]
        boxes.append((min(xs), min(ys), max(xs) - min(xs) + gap, max(ys) - min(ys) + gap))
    area = sum(w * h for *_, w, h in boxes)
    row_width = max(max(w for *_, w, _ in boxes), math.sqrt(area) * 1.3)
    out: dict[Hashable, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for block, (x0, y0, w, h) in zip(blocks, boxes, strict=True):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for v, (px, py) in block.items():
            out[v] = (px - x0 + x, py - y0 + y)
        x += w
        row_height = max(row_height, h)
    cx = (max(p[0] for p in out.values()) + min(p[0] for p in out.values())) / 2
    cy = (max(p[1] for p in out.values()) + min(p[1] for p in out.values())) / 2
    return {v: (round(px - cx, 1), round(py - cy, 1)) for v, (px, py) in out.items()}


def sampled_force_layout(
    g: nx.Graph, nodes: list[Hashable], *, seed: int, iterations: int, sample: int = 48
) -> np.ndarray:
    """Fruchterman–Reingold with sampled repulsion and a weak pull to the centre.

    Returns an (n, 2) array in roughly the unit square, rows in the order of ``nodes``. The pull
    to the centre keeps disconnected components (common in curated data: a lone model and its
    one source) from drifting to the edge of the canvas.
    """
    rng = np.random.default_rng(seed)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in g.edges() if u != v], dtype=np.int64)
    if edges.size == 0:
        edges = np.zeros((0, 2), dtype=np.int64)
    src, dst = edges[:, 0], edges[:, 1]
    pos = rng.random((n, 2))
    k = 1.0 / math.sqrt(n)
    s = min(sample, n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        picks = rng.choice(n, size=s, replace=False)
        dx = pos[:, 0, None] - pos[picks, 0][None, :]
        dy = pos[:, 1, None] - pos[picks, 1][None, :]
        inv = 1.0 / np.maximum(dx * dx + dy * dy, 1e-6)
        disp = np.stack(((dx * inv).sum(axis=1), (dy * inv).sum(axis=1)), axis=1)
        disp *= k * k * n / s
        d = pos[src] - pos[dst]
        dist = np.maximum(np.sqrt((d**2).sum(axis=1)), 1e-6)
        pull = d * (dist / k)[:, None]
        np.add.at(disp, src, -pull)
        np.add.at(disp, dst, pull)
        disp += (0.5 - pos) * (0.5 * k * math.sqrt(n))
        disp += _crowding(pos, k)
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    # leaves of one hub feel the same forces and can end on one spot: nudge them apart
    pos += rng.normal(scale=k * 0.05, size=pos.shape)
    return pos


def _crowding(pos: np.ndarray, k: float) -> np.ndarray:
    """Push nodes away from the centroid of their grid cell (cell side ``k``).

    Sampled repulsion misses close neighbours (they are rarely in the sample), so nodes sharing
    a cell repel each other through the cell's centroid, in O(n).
    """
    cells = np.floor(pos / k).astype(np.int64)
    keys = cells[:, 0] * 1_000_003 + cells[:, 1]
    _, cell_of, counts = np.unique(keys, return_inverse=True, return_counts=True)
    sums = np.zeros((len(counts), 2))
    np.add.at(sums, cell_of, pos)
    centroid = sums[cell_of] / counts[cell_of, None]
    return (pos - centroid) * (counts[cell_of, None] - 1) * 2.0


def _to_pixels(
    g: nx.Graph, nodes: list[Hashable], pos: np.ndarray
) -> dict[Hashable, tuple[float, float]]:
    """Scale a component's raw layout to pixels, centred on 0.

    The base scale makes the drawing ``sqrt(n) * SPACING_PX`` (+ a margin) wide. Spring layouts
    draw hubs' leaves much closer than chain links, so when the shorter edges would be under
    ``MIN_EDGE_PX`` the drawing is enlarged (up to ``MAX_STRETCH`` times) until a quarter of the
    edges reach it: stars then fan out with readable labels instead of forming a clump.
    """
    pos = pos - pos.mean(axis=0)
    extent = float(np.abs(pos).max()) or 1.0
    scale = (math.sqrt(len(nodes)) * SPACING_PX / 2 + SMALL_MARGIN_PX) / extent
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in g.edges() if u != v], dtype=np.int64)
    if len(pairs):
        lengths = np.sqrt(((pos[pairs[:, 0]] - pos[pairs[:, 1]]) ** 2).sum(axis=1))
        short = float(np.quantile(lengths, 0.25))
        if short > 0 and short * scale < MIN_EDGE_PX:
            scale = min(MIN_EDGE_PX / short, scale * MAX_STRETCH)
    scaled = pos * scale
    return {v: (float(x), float(y)) for v, (x, y) in zip(nodes, scaled, strict=True)}
