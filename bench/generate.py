"""Seeded synthetic govkg graphs (10k / 100k / 1M triples) for benchmarks.

Why synthetic: the curated data is a few thousand triples; the benchmarks must show how the
store, the projection and the analyses behave at the scale a fuller public record (Epoch AI,
Ecosystem Graphs imports) would reach. The generator follows the govkg ontology and the
curated compiler's shape so every analysis has real work to do:

- developers, agencies, testing agreements (issued by agencies, some with an end date) and
  voluntary commitments, all in the entities graph;
- models with release dates, weights access, families and **base-model lineage chains several
  levels deep** (a model's base is drawn from recent models, so chains of 5-10 steps form), each
  with a gk:ModelRelease statement;
- participations of developers in agreements and commitments (signed, participates,
  negotiating, declined), pre- and post-deployment evaluations by agencies, regulatory actions;
- one named graph per source, each statement carrying ``dcterms:source``.

The same ``(triples, seed)`` always gives the same quads. The output format follows the
extension: ``.nq`` keeps the named graphs, ``.nt`` writes the same statements as plain triples
(what the load benchmark feeds to every contender). 5M triples take about 25 s.

    .venv/bin/python bench/generate.py 100000 --seed 1 --out var/synthetic-100k.nq
    .venv/bin/python bench/generate.py 1000000 --out var/bench/synthetic-1m.nt
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from govkg.ontology import ENTITIES_GRAPH, GK, GKC, ID, SOURCE, STATEMENT  # noqa: E402

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCT_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
ENTITIES = ox.NamedNode(str(ENTITIES_GRAPH))

#: Roughly how many triples one model brings with it (entity, release statement, share of
#: evaluations, participations and actions); used to size the populations from a target.
TRIPLES_PER_MODEL = 13
WEIGHTS = [
    ("api-access", 0.40),
    ("open-weights-restricted", 0.25),
    ("open-weights-unrestricted", 0.2),
    ("open-weights-noncommercial", 0.05),
    ("hosted-access", 0.05),
    ("unreleased", 0.05),
]
STATUSES = [("signed", 0.5), ("participates", 0.2), ("negotiating", 0.15), ("declined", 0.15)]
ACTION_TYPES = ["request", "pressure", "order", "investigation", "negotiation", "publication"]
START = date(2022, 1, 1)
SPAN_DAYS = (date(2026, 10, 1) - START).days


def gk(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(GK[name]))


def concept(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(GKC[name]))


def entity(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(ID[name]))


def day(value: date) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=XSD_DATE)


def pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def generate(triples: int, seed: int = 1) -> Iterator[ox.Quad]:
    """Quads of a synthetic govkg graph of ``triples`` triples (overshooting by a few at most)."""
    rng = random.Random(seed)
    n_models = max(20, triples // TRIPLES_PER_MODEL)
    n_devs = max(5, n_models // 40)
    n_agencies = max(3, n_models // 400)
    n_agreements = max(2, n_models // 300)
    n_commitments = max(1, n_models // 1000)
    statements_per_source = 50
    count = 0
    source_index = 0
    in_source = statements_per_source

    def new_source() -> ox.NamedNode:
        nonlocal source_index, in_source
        if in_source >= statements_per_source:
            source_index += 1
            in_source = 0
        in_source += 1
        return ox.NamedNode(str(SOURCE[f"syn-{source_index}"]))

    def graph_of(source: ox.NamedNode) -> ox.NamedNode:
        return ox.NamedNode(source.value.replace("/source/", "/graph/"))

    def typed(node: ox.NamedNode, cls: str, text: str) -> Iterator[ox.Quad]:
        yield ox.Quad(node, RDF_TYPE, gk(cls), ENTITIES)
        yield ox.Quad(node, LABEL, ox.Literal(text, language="en"), ENTITIES)

    def statement(cls: str, facts: list[tuple[str, ox.NamedNode | ox.Literal]]) -> list[ox.Quad]:
        source = new_source()
        g = graph_of(source)
        node = ox.NamedNode(str(STATEMENT[f"syn-{source_index}/{in_source}"]))
        quads = [ox.Quad(node, RDF_TYPE, gk(cls), g), ox.Quad(node, DCT_SOURCE, source, g)]
        quads += [ox.Quad(node, gk(p), o, g) for p, o in facts]
        return quads

    out: list[ox.Quad] = []
    devs = [entity(f"syn-dev-{i}") for i in range(n_devs)]
    agencies = [entity(f"syn-agency-{i}") for i in range(n_agencies)]
    agreements = [entity(f"syn-agreement-{i}") for i in range(n_agreements)]
    commitments = [entity(f"syn-commitment-{i}") for i in range(n_commitments)]
    for i, node in enumerate(devs):
        out += typed(node, "AIDeveloper", f"Developer {i}")
    for i, node in enumerate(agencies):
        out += typed(node, "Agency", f"Agency {i}")
    for i, node in enumerate(commitments):
        out += typed(node, "VoluntaryCommitment", f"Commitment {i}")
    for i, node in enumerate(agreements):
        out += typed(node, "TestingAgreement", f"Testing agreement {i}")
        begins = START + timedelta(days=rng.randrange(SPAN_DAYS))
        out.append(ox.Quad(node, gk("validFrom"), day(begins), ENTITIES))
        out.append(ox.Quad(node, gk("issuedBy"), rng.choice(agencies), ENTITIES))
        if rng.random() < 0.3:
            ends = begins + timedelta(days=rng.randrange(180, 900))
            out.append(ox.Quad(node, gk("validUntil"), day(ends), ENTITIES))
    for dev in devs:
        for instrument in rng.sample(agreements + commitments, k=min(2, len(agreements))):
            facts: list[tuple[str, ox.NamedNode | ox.Literal]] = [
                ("participant", dev),
                ("instrument", instrument),
                ("participationStatus", concept(pick(rng, STATUSES))),
                ("validFrom", day(START + timedelta(days=rng.randrange(SPAN_DAYS)))),
            ]
            out += statement("Participation", facts)
    yield from out
    count += len(out)

    models: list[tuple[ox.NamedNode, date]] = []
    for i in itertools.count():
        node = entity(f"syn-model-{i}")
        released = START + timedelta(days=int(SPAN_DAYS * min(1.0, i / n_models)))
        dev = rng.choice(devs)
        quads = list(typed(node, "AIModel", f"Model {i}"))
        facts = [
            ("developedBy", dev),
            ("releaseDate", day(released)),
            ("weightsAccess", concept(pick(rng, WEIGHTS))),
            ("partOfFamily", entity(f"syn-family-{i // 25}")),
        ]
        if models and rng.random() < 0.6:
            base, _ = models[-1 - rng.randrange(min(30, len(models)))]
            facts.append(("baseModel", base))
        release = statement("ModelRelease", [("model", node), ("date", day(released))])
        g = release[0].graph_name
        quads += release + [ox.Quad(node, gk(p), o, g) for p, o in facts]
        if i % 25 == 0:
            family = entity(f"syn-family-{i // 25}")
            quads += typed(family, "ModelFamily", f"Family {i // 25}")
        if rng.random() < 0.1:
            pre = rng.random() < 0.7
            when = released + timedelta(days=-rng.randrange(1, 40) if pre else rng.randrange(1, 90))
            stage = "pre-deployment" if pre else "post-deployment"
            quads += statement(
                "ModelEvaluation",
                [
                    ("evaluatedModel", node),
                    ("evaluator", rng.choice(agencies)),
                    ("deploymentStage", concept(stage)),
                    ("date", day(when)),
                ],
            )
        if rng.random() < 0.15:
            quads += statement(
                "RegulatoryAction",
                [
                    ("actor", rng.choice(agencies)),
                    ("target", rng.choice([node, dev])),
                    ("actionType", concept(rng.choice(ACTION_TYPES))),
                    ("date", day(released + timedelta(days=rng.randrange(1, 200)))),
                ],
            )
        models.append((node, released))
        count += len(quads)
        yield from quads
        if count >= triples:
            break


def write(triples: int, seed: int, out: Path) -> Path:
    """Write the graph to ``out`` (N-Triples for ``.nt``, else N-Quads) via a temporary file.

    Why the temporary file: benchmarks cache these files by name, so a generation killed
    half-way must not leave a truncated file under the final name.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    quads = generate(triples, seed)
    with partial.open("wb") as handle:
        if out.suffix == ".nt":
            plain = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
            ox.serialize(plain, handle, format=ox.RdfFormat.N_TRIPLES)
        else:
            ox.serialize(quads, handle, format=ox.RdfFormat.N_QUADS)
    partial.replace(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help=".nq or .nt file to write")
    args = parser.parse_args()
    write(args.triples, args.seed, args.out)


if __name__ == "__main__":
    main()
