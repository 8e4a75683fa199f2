"""The corrected e-mail letter: the same message with the links in its text and HTML parts put right.

The message is not re-serialised (the `email` package would refold headers, re-encode every part
and renumber nothing it need not, but change bytes all the same): its raw bytes are walked part by
part, MIME boundaries found as RFC 2046 writes them, and only the body of each text part that
holds a link of the mapping is replaced — decoded with its own transfer encoding and charset,
corrected (plain text as text, HTML with `markup`), encoded back the same way. Headers,
attachments, the preamble and every other part keep their bytes.
"""

from __future__ import annotations

import base64
import email
import email.policy
import quopri
from email import quoprimime
import re

from .docx import find_whole
from .markup import corrected_markup

_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def corrected_eml(data: bytes, mapping: dict[str, str]) -> bytes:
    """The message `data` with each link of `mapping` put right in its text and HTML parts."""
    return _correct_entity(data, mapping, top=True)


def _split_head(entity: bytes) -> tuple[bytes, bytes]:
    found = _BLANK_LINE.search(entity)
    if not found:
        return entity, b""
    return entity[:found.end()], entity[found.end():]


def _correct_entity(entity: bytes, mapping: dict[str, str], *, top: bool = False) -> bytes:
    head, body = _split_head(entity)
    headers = email.message_from_bytes(head, policy=email.policy.compat32)
    maintype = headers.get_content_maintype()
    if maintype == "multipart":
        boundary = headers.get_boundary()
        if not boundary:
            return entity
        return head + _correct_multipart(body, boundary.encode("latin-1"), mapping)
    if maintype != "text" or (headers.get_content_disposition() == "attachment" and not top):
        return entity
    subtype = headers.get_content_subtype()
    if subtype not in ("plain", "html"):
        return entity
    return head + _correct_text_body(body, headers, subtype, mapping)


def _correct_multipart(body: bytes, boundary: bytes, mapping: dict[str, str]) -> bytes:
    # Delimiter lines: "--boundary" at a line start, "--boundary--" closing; each part's bytes run
    # from after the delimiter line's break to the line break before the next delimiter.
    delimiter = re.compile(rb"(^|\r?\n)--" + re.escape(boundary) + rb"(--)?[ \t]*(?=\r?\n|$)", re.MULTILINE)
    out, last, part_start = [], 0, None
    for found in delimiter.finditer(body):
        if part_start is not None:
            out.append(body[last:part_start])
            out.append(_correct_entity(body[part_start:found.start()], mapping))
            last = found.start()
        if found.group(2):  # the closing delimiter: the epilogue follows as it is
            part_start = None
            break
        line_end = body.find(b"\n", found.end())
        part_start = len(body) if line_end < 0 else line_end + 1
    out.append(body[last:])
    return b"".join(out)


def _line_ending(raw: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in raw else b"\n"


def _correct_text_body(body: bytes, headers, subtype: str, mapping: dict[str, str]) -> bytes:
    encoding = (headers.get("Content-Transfer-Encoding") or "7bit").strip().lower()
    charset = headers.get_content_charset() or "us-ascii"
    try:
        "".encode(charset)
    except LookupError:
        return body
    if encoding == "quoted-printable":
        raw = quopri.decodestring(body)
    elif encoding == "base64":
        try:
            raw = base64.b64decode(body)
        except ValueError:
            return body
    else:
        raw = body
    try:
        text = raw.decode(charset)
    except UnicodeDecodeError:
        return body
    if subtype == "html":
        fixed = corrected_markup(text, mapping)
    else:
        fixed = _replace_links(text, mapping)
    if fixed == text:
        return body
    new = fixed.encode(charset, "xmlcharrefreplace" if subtype == "html" else "replace")
    eol = _line_ending(body)
    if encoding == "quoted-printable":
        # The standard library's mail encoder (soft breaks at 76 columns), as most mailers write it.
        plain = new.replace(b"\r\n", b"\n").decode("ascii", "surrogateescape")
        encoded = quoprimime.body_encode(plain, 76).encode("ascii", "surrogateescape").replace(b"\n", eol)
    elif encoding == "base64":
        encoded = base64.encodebytes(new).replace(b"\n", eol)
    else:
        encoded = new
    # The part's last line break belongs to the boundary that follows: keep the original's.
    if body.endswith(eol) and not encoded.endswith(eol):
        encoded += eol
    elif not body.endswith(eol) and encoded.endswith(eol):
        encoded = encoded[: -len(eol)]
    return encoded


def _replace_links(text: str, mapping: dict[str, str]) -> str:
    """Plain text with each link of `mapping` replaced, found as in the extracted text: the e-mail
    reader decodes quoted-printable first, so a soft line break no longer cuts a link here."""
    for found in sorted(mapping, key=len, reverse=True):
        # A mail client's line ending inside a link the reader saw with "\n".
        for form in dict.fromkeys((found, found.replace("\n", "\r\n"))):
            out, last = [], 0
            at = find_whole(text, form)
            while at >= 0:
                out += [text[last:at], mapping[found]]
                last = at + len(form)
                at = find_whole(text, form, last)
            text = "".join(out) + text[last:]
    return text
