"""E-mailed letters (.eml): the text and HTML parts of the body; attachments are letters of their own."""

from __future__ import annotations

import email
import email.policy
import re

from .html import html_text
from .limits import MAX_EML_BYTES, MAX_PART_BYTES, check_text_size
from .records import ExtractedText, Reader, UnreadableInput
from .textscan import extract_text_links, hyperlinks, in_order

_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,60}:[ \t]?.*$")
_MAIL_HEADERS = (b"from", b"to", b"subject", b"date", b"mime-version", b"received", b"message-id", b"return-path", b"content-type")
# Attachments worth opening: letters are often sent as a PDF or Word file attached to an e-mail.
ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".html", ".htm", ".eml")


def sniff(data: bytes, suffix: str) -> bool:
    """RFC 822 headers: a header block of at least two lines naming two well-known mail headers."""
    head = data[:8192].replace(b"\r\n", b"\n")
    block = head.split(b"\n\n", 1)[0]
    lines = block.split(b"\n")
    if len(lines) < 2:
        return False
    names = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):  # folded header
            continue
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return len(names.intersection(_MAIL_HEADERS)) >= 2


def read(data: bytes, name: str | None) -> ExtractedText:
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as error:
        raise UnreadableInput(f"unreadable e-mail ({type(error).__name__})", name=name) from None
    chunks: list[str] = []
    anchors: list[tuple[str, str, int]] = []
    offset = 0
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get_content_disposition() == "attachment":
            continue
        if len(part.get_payload()) > MAX_PART_BYTES:
            # Decoding never makes a part larger than it is encoded; the cap is on what is kept.
            raise UnreadableInput(f"a text part larger than {MAX_PART_BYTES // (1024 * 1024)} MB; not a letter", name=name)
        try:
            # get_content undoes the transfer encoding, quoted-printable soft line breaks included.
            content = part.get_content()
        except (LookupError, ValueError, AssertionError):
            payload = part.get_payload(decode=True) or b""
            content = payload.decode("utf-8", "replace")
        if part.get_content_subtype() == "html":
            content, found = html_text(content)
            anchors.extend((href, shown, offset + start, offset + end) for href, shown, start, end in found)
        check_text_size(offset + len(content), name)
        chunks.append(content)
        offset += len(content) + 2
    text = "\n\n".join(chunks)
    links = extract_text_links(text) + hyperlinks(text, anchors)
    return ExtractedText("eml", text, in_order(links))


def eml_attachments(data: bytes) -> list[tuple[str, bytes]]:
    """The (file name, bytes) of an e-mail's attachments that could be letters, in order."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except Exception:  # the body was already read by read(); a damaged tail has no letters
        return []
    found = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() != "attachment":
            continue
        filename = part.get_filename() or ""
        if not filename.lower().endswith(ATTACHMENT_SUFFIXES):
            continue
        payload = part.get_payload(decode=True)
        if payload:
            found.append((filename, payload))
    return found


READER = Reader("eml", sniff=sniff, read=read, max_bytes=MAX_EML_BYTES)
