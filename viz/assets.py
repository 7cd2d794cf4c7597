"""The JavaScript and CSS a page inlines, read from the installed pyvis package and from viz/static.

Why inline everything: the page must work with no network at all. pyvis's own template links
Bootstrap from a CDN in every mode, and its "local" mode still loads vis-network from a CDN, so
govkg uses its own template and pastes vis-network (shipped inside the pyvis wheel) into it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pyvis
from govkg.graph.errors import GovkgError

VIS_VERSION = "9.1.2"
STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _vis_dir() -> Path:
    """The vis-network directory inside the installed pyvis (its layout moved between releases)."""
    root = Path(pyvis.__file__).resolve().parent
    for candidate in (root / "templates" / "lib", root / "lib"):
        d = candidate / f"vis-{VIS_VERSION}"
        if (d / "vis-network.min.js").is_file():
            return d
    raise GovkgError(
        f"vis-network {VIS_VERSION} not found inside pyvis at {root}; "
        "reinstall pyvis>=0.3.2,<0.4 (it ships vis-network under templates/lib)"
    )


@cache
def vis_network_js() -> str:
    """vis-network's minified JavaScript, made safe to sit inside a <script> element."""
    return script_safe((_vis_dir() / "vis-network.min.js").read_text(encoding="utf-8"))


@cache
def vis_network_css() -> str:
    """vis-network's stylesheet (its images are data: URIs, so nothing is fetched)."""
    return (_vis_dir() / "vis-network.css").read_text(encoding="utf-8")


@cache
def static_text(name: str) -> str:
    """One of govkg's own files under viz/static (the page script and stylesheet)."""
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def script_safe(text: str) -> str:
    """Stop a literal ``</script`` inside inlined code from closing the element early."""
    return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def json_for_script(value: object) -> str:
    """JSON to embed in ``<script type="application/json">``, safe against markup in labels.

    ``<``, ``>`` and ``&`` are written as unicode escapes, so a label such as
    ``</script><img onerror=...>`` stays data and never becomes markup.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
