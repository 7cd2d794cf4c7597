"""Reading a document for drafting: plain text, HTML or PDF, checked before it is trusted.

Why so careful: ``govkg draft`` is pointed at whatever an analyst downloaded. A file that is
empty, binary, huge or in an unknown encoding must give one clear error naming the file (exit
code 1, nothing written), never a traceback or a draft of garbage. The checks run in this order:

1. the size, from ``stat`` and before a byte is read (:data:`MAX_BYTES`, 20 MB);
2. empty or whitespace-only;
3. the kind, from the first bytes (``%PDF-``) or the suffix (``.html``, ``.htm``, ``.xhtml``);
4. for text and HTML: a UTF-16 byte-order mark is honoured; otherwise NUL bytes mean binary;
   then UTF-8 (a BOM is dropped); then, for HTML, the charset the document declares
   (``<meta charset>`` or ``http-equiv``); otherwise an error;
5. for PDF: pypdf extracts the text; a PDF without extractable text is an error.

The result is a :class:`Document`: the plain text every offset of the draft refers to, and the
metadata the container itself carries (HTML ``<meta>`` tags, the PDF's document information).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govkg.graph.draft.html_text import html_to_text
from govkg.graph.errors import InputError

#: The largest file ``govkg draft`` reads: news articles and policy documents are far smaller;
#: anything bigger is almost certainly not what the analyst meant to draft from.
MAX_BYTES = 20 * 1024 * 1024
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass
class Document:
    """A document's text (what offsets count) and the metadata its container declares."""

    path: Path
    kind: str  # "text" | "html" | "pdf"
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None


def read_document(path: Path) -> Document:
    """Read ``path`` as text, HTML or PDF; raise :class:`InputError` naming it when unusable."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror})") from None
    if not path.is_file():
        raise InputError(f"{name}: not a regular file")
    if size > MAX_BYTES:
        raise InputError(
            f"{name}: the file is {size / 1e6:.1f} MB; govkg draft reads at most "
            f"{MAX_BYTES // (1024 * 1024)} MB (split the document or draft from an excerpt)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror})") from None
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if data.startswith(b"%PDF-"):
        return _read_pdf(path, data)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # a byte-order mark names the encoding: UTF-16 text is not binary
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise InputError(
                f"{name}: the text starts with a UTF-16 mark but is not UTF-16"
            ) from None
    is_html = path.suffix.lower() in HTML_SUFFIXES or looks_like_html(data)
    if b"\x00" in data:
        raise InputError(f"{name}: this is a binary file, not text, HTML or PDF")
    text, encoding = decode(data, name, html=is_html)
    if is_html:
        body, meta = html_to_text(text)
        doc = Document(path, "html", body, meta, encoding)
    else:
        doc = Document(path, "text", text.replace("\r\n", "\n").replace("\r", "\n"), {}, encoding)
    if not doc.text.strip():
        raise InputError(f"{name}: the document has no text to draft from")
    return doc


def looks_like_html(data: bytes) -> bool:
    """True when the first bytes are an HTML doctype or ``<html>`` tag.

    >>> looks_like_html(b"  <!DOCTYPE html><html>"), looks_like_html(b"Meta signs")
    (True, False)
    """
    head = data[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def decode(data: bytes, name: str, *, html: bool) -> tuple[str, str]:
    """UTF-8 (BOM dropped), else the charset an HTML document declares, else an error.

    >>> decode("Café".encode("utf-8"), "a.txt", html=False)
    ('Café', 'utf-8')
    >>> decode(b'<meta charset="windows-1252"><p>Caf\\xe9', "a.html", html=True)[0][-4:]
    'Café'
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if html:
        match = _DECLARED_CHARSET.search(data[:4096])
        if match:
            label = match.group(1).decode("ascii", "replace")
            try:
                codec = codecs.lookup(label).name
            except LookupError:
                raise InputError(
                    f"{name}: the document declares the unknown charset {label!r}"
                ) from None
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: the bytes at offset {exc.start} are not valid {label} "
                    "(the charset the document declares)"
                ) from None
    raise InputError(
        f"{name}: the text is not UTF-8 (invalid byte at offset {utf8_error.start}) and declares "
        "no charset; convert it to UTF-8 first (e.g. iconv -f WINDOWS-1252 -t UTF-8)"
    )


def _read_pdf(path: Path, data: bytes) -> Document:
    """The text of every page (pypdf), with lines of one paragraph joined."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    name = str(path)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(f"{name}: the PDF is encrypted; decrypt it first")
        pages = [page.extract_text() or "" for page in reader.pages]
        info: Mapping[str, Any] = reader.metadata or {}
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"{name}: not a readable PDF ({exc})") from None
    text = "\n\n".join(join_pdf_lines(p) for p in pages if p.strip())
    if not text.strip():
        raise InputError(f"{name}: the PDF has no extractable text (a scan needs OCR first)")
    meta = {}
    title = info.get("/Title")
    if isinstance(title, str) and title.strip():
        meta["title"] = title.strip()
    author = info.get("/Author")
    if isinstance(author, str) and author.strip():
        meta["author"] = author.strip()
    return Document(path, "pdf", text, meta, None)


def join_pdf_lines(page: str) -> str:
    """Join the wrapped lines of a PDF page into paragraphs.

    PDF text comes as laid-out lines; a sentence wrapped over two lines must become one line
    again or it would be split in two. A line is taken as wrapped when it is nearly as long as
    the page's longest line (at least 75%); short lines (headings, bylines, the last line of
    a paragraph) end their paragraph.

    >>> join_pdf_lines("A long line of text that wraps over\\nto the next one.\\nShort\\nEnd.")
    'A long line of text that wraps over to the next one.\\nShort\\nEnd.'
    """
    lines = [line.rstrip() for line in page.splitlines()]
    if not lines:
        return ""
    longest = max(len(line) for line in lines)
    out: list[str] = []
    previous = ""
    for line in lines:
        if out and line.strip() and len(previous) >= 0.75 * longest:
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line)
        previous = line
    return "\n".join(out)
