"""The text of a message body written as HTML, as LinkedIn's export writes some of them (InMail, sponsored messages and
messages from its newer editor: ``<p class="spinmail-quill-editor__spin-break">Hi</p>``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A body counts as HTML only when it begins with one of these tags, as LinkedIn's HTML bodies do, or breaks its lines
# with <br> ("Hi Zed,<br><br>I came across…"): "1 < 2", "<3" or "wrap it in <p>" in a plain message stays as written.
_HTML_TAG = re.compile(
    r"</?(?:p|br|div|span|a|b|i|u|em|strong|ul|ol|li|html|body|head|table|tr|td|th|h[1-6]|img|font|blockquote|hr)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Blocks start and end on a line of their own; a <br> is a line break of its own (Quill's empty line is <p><br></p>).
_BLOCKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "ul", "ol"})
_HIDDEN = frozenset({"script", "style", "head", "title"})


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def _new_line(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._new_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self._new_line()

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        text = re.sub(r"\s+", " ", data)  # line ends in HTML source are spaces
        if text.strip() or (self.parts and not self.parts[-1].endswith("\n")):
            self.parts.append(text)


def html_to_text(text: str) -> str:
    """``text`` itself when it is not HTML; else its text: tags gone, entities decoded, one line per paragraph or line
    break, no blank lines at either end and never more than one in a row."""
    if "<" not in text or (_HTML_TAG.match(text.lstrip()) is None and _BR.search(text) is None):
        return text
    parser = _TextOf()
    parser.feed(text)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    joined = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", joined)
