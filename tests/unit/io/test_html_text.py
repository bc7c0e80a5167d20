"""The text of a LinkedIn message body written as HTML; plain bodies stay exactly as written."""

from __future__ import annotations

import pytest

from netdesk.io.html_text import html_to_text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ('<p class="spinmail-quill-editor__spin-break">Hi</p><p class="x">R&amp;D <b>now</b></p>', "Hi\nR&D now"),
        ("<p>Hi</p> <p><br></p>\n<p>Second</p>", "Hi\n\nSecond"),  # Quill's empty line is kept, once
        ("a<br/>b<BR>c", "a\nb\nc"),
        ("<html><head><style>p{color:red}</style></head><body><div>Offer&nbsp;now</div></body></html>", "Offer now"),
        ("1 < 2 & 3 > 2", "1 < 2 & 3 > 2"),
        ("I <3 you &amp; <bold> claims", "I <3 you &amp; <bold> claims"),
        ("Line one\nLine two", "Line one\nLine two"),
        ("Wrap it in <p> and close with </p>, as usual", "Wrap it in <p> and close with </p>, as usual"),
        ("  <div>Offer</div>", "Offer"),
    ],
)
def test_html_to_text(body: str, text: str) -> None:
    assert html_to_text(body) == text
