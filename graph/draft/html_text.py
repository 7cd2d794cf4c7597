"""HTML to plain text for drafting, with the standard library's ``html.parser``.

Why the standard library: drafting needs the article's words in reading order with paragraph
breaks, and the metadata in ``<meta>`` tags; not a DOM. Page furniture that is not the article
(``script``, ``style``, ``nav``, ``header``, ``footer``, ``aside``, ``form``, ``noscript``,
``template``) is dropped; each block element (``p``, ``h1``-``h6``, ``li``, ``tr``, ``div``, ...)
starts a new paragraph, so sentences never run across blocks.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Elements whose content is not the article.
SKIPPED = frozenset(
    {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg"}
)
#: Elements that start a new paragraph.
BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
        "ul", "ol", "tr", "table", "blockquote", "pre", "figcaption", "dd", "dt", "br", "hr",
        "title", "body",
    }
)  # fmt: skip
#: ``<meta>`` names and properties read as metadata, by the field they give.
META_FIELDS = {
    "title": ("og:title", "citation_title", "dc.title", "twitter:title"),
    "published": (
        "article:published_time", "citation_date", "citation_publication_date", "dc.date",
        "date", "pubdate", "publishdate", "og:published_time", "datepublished",
    ),
    "publisher": ("og:site_name", "citation_publisher", "dc.publisher", "publisher", "author"),
}  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


class _TextParser(HTMLParser):
    """Collects paragraphs of visible article text, the ``<title>``, ``<h1>`` and ``<meta>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.in_head_title = False
        self.in_h1 = False
        self.meta: dict[str, str] = {}
        self.head_title = ""
        self.h1 = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skip_depth += 1
            return
        if tag == "meta":
            self._meta(dict(attrs))
            return
        if tag in BLOCKS:
            self._flush()
        if tag == "title":
            self.in_head_title = True
        if tag == "h1":
            self.in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "title":
            self.in_head_title = False
            self.current = []  # the <title> is metadata, not article text
            return
        if tag == "h1":
            self.in_h1 = False
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.in_head_title:
            self.head_title += data
            return
        if self.in_h1:
            self.h1 += data
        self.current.append(data)

    def _meta(self, attrs: dict[str, str | None]) -> None:
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        content = (attrs.get("content") or "").strip()
        if not key or not content:
            return
        for fieldname, keys in META_FIELDS.items():
            if key in keys and fieldname not in self.meta:
                self.meta[fieldname] = content

    def _flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.current)).strip()
        if text:
            self.paragraphs.append(text)
        self.current = []


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """The article text (paragraphs separated by a blank line) and the metadata found.

    >>> text, meta = html_to_text(
    ...     '<html><head><title>T | Site</title><meta property="og:site_name" content="Site">'
    ...     '<script>var x;</script></head><body><nav>Home</nav><h1>Meta signs</h1>'
    ...     '<p>Meta signed the <b>code</b> on Friday.</p></body></html>')
    >>> text
    'Meta signs\\n\\nMeta signed the code on Friday.'
    >>> meta == {"publisher": "Site", "title": "Meta signs"}
    True
    """
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    parser._flush()
    meta = dict(parser.meta)
    if "title" not in meta:
        heading = _SPACES.sub(" ", parser.h1).strip() or _SPACES.sub(" ", parser.head_title).strip()
        if heading:
            meta["title"] = heading
    return "\n\n".join(parser.paragraphs), meta
