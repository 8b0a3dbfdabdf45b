"""Loading documents as plain text with their source and title."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm"}


@dataclass
class Document:
    source: str
    title: str
    text: str
    metadata: dict = field(default_factory=dict)


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page; headings become Markdown headings so the splitter can use them."""

    SKIP = {"script", "style", "nav", "footer", "noscript", "template"}
    BLOCKS = {"p", "div", "section", "article", "li", "tr", "br", "pre", "table", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data.strip()
        elif not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    parser = _TextExtractor()
    parser.feed(html)
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    text = re.sub(r"\n\s*\n\s*", "\n\n", text).strip()
    return parser.title, text


def load_file(path: Path, root: Path) -> Document:
    raw = path.read_text(encoding="utf-8", errors="replace")
    source = path.relative_to(root).as_posix()
    if path.suffix.lower() in {".html", ".htm"}:
        title, text = html_to_text(raw)
    else:
        text = raw.replace("\r\n", "\n")
        heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        title = heading.group(1).strip() if heading else ""
    return Document(source=source, title=title or path.stem, text=text, metadata={"suffix": path.suffix.lower()})


def load_folder(root: Path) -> list[Document]:
    """Every supported file under root, in a stable order (hidden folders skipped)."""
    files = sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    return [load_file(p, root) for p in files]
