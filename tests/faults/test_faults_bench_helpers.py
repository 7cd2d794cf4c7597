"""The benchmark helpers that ``make bench`` relies on to rewrite docs/benchmarks.md safely.

Kept with the fault tests because a benchmark run that dropped another script's section, or
misread wrk's report, would corrupt the committed results without anyone noticing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from common import parse_sizes, size_label, write_section  # noqa: E402
from http_bench import parse_wrk  # noqa: E402

DOC = """# Benchmarks

Intro paragraph.

## Visualisation

viz figures

## Load

old load figures
more old lines

## Analyses

analysis figures
"""

WRK = """Running 20s test @ http://127.0.0.1:8000/sparql?query=x
  2 threads and 16 connections
  Latency Distribution
     50%   14.27ms
     75%   16.10ms
     90%   19.00ms
     99%    1.87s
  21791 requests in 20.00s, 9.45MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   1089.54
"""


def test_write_section_replaces_only_its_own_section(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(DOC, encoding="utf-8")
    write_section("Load", "new load figures\n", doc)
    text = doc.read_text(encoding="utf-8")
    assert "old load figures" not in text and "more old lines" not in text
    assert "## Load\n\nnew load figures\n" in text
    assert text.index("## Visualisation") < text.index("## Load") < text.index("## Analyses")
    assert "viz figures" in text and "analysis figures" in text and "Intro paragraph." in text


def test_write_section_appends_a_new_section_at_the_end(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(DOC, encoding="utf-8")
    write_section("HTTP", "| a | b |\n", doc)
    text = doc.read_text(encoding="utf-8")
    assert text.endswith("## HTTP\n\n| a | b |\n")
    assert text.count("## ") == 4


def test_parse_wrk_reads_rate_latencies_and_errors() -> None:
    figures = parse_wrk(WRK)
    assert figures["rps"] == pytest.approx(1089.54)
    assert figures["p50"] == pytest.approx(14.27)
    assert figures["p99"] == pytest.approx(1870.0)
    assert figures["non2xx"] == 7 and figures["errors"] == 5


@pytest.mark.parametrize(
    ("text", "sizes"), [("10k,100k,1M", [10_000, 100_000, 1_000_000]), ("5M", [5_000_000])]
)
def test_sizes_round_trip(text: str, sizes: list[int]) -> None:
    assert parse_sizes(text) == sizes
    assert ",".join(size_label(s) for s in sizes) == text
