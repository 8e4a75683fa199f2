"""Test helpers: build a letter in every input format from its text, and a small in-memory index.

Binary formats are generated at test time so the corpus stays readable text. The PDF writer is
deliberately tiny (Helvetica, WinAnsi, one text object a page, optional link annotations): enough
for pypdf's text layer, which is what letters arrive through.
"""

from __future__ import annotations

import html
import io
import re
from email.message import EmailMessage

FORMATS = ("txt", "md", "stdin", "html", "docx", "pdf", "eml")


def build_letter(text: str, fmt: str, *, hyperlinks: list[tuple[str, str]] | None = None) -> tuple[bytes, str | None]:
    """``text`` as a letter in ``fmt``; returns (bytes, file name or None for stdin).

    ``hyperlinks``: (target, displayed text) pairs appended as real hyperlinks/annotations.
    """
    hyperlinks = hyperlinks or []
    if fmt in ("txt", "md"):
        return text.encode("utf-8"), f"letter.{fmt}"
    if fmt == "stdin":
        return text.encode("utf-8"), None
    if fmt == "html":
        return build_html(text, hyperlinks), "letter.html"
    if fmt == "docx":
        return build_docx(text, hyperlinks), "letter.docx"
    if fmt == "pdf":
        return build_pdf(text.split("\n"), links=[target for target, _ in hyperlinks]), "letter.pdf"
    if fmt == "eml":
        return build_eml(text, hyperlinks), "letter.eml"
    raise ValueError(fmt)


def build_html(text: str, hyperlinks: list[tuple[str, str]]) -> bytes:
    paragraphs = [html.escape(p).replace("\n", "<br>") for p in text.split("\n\n")]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    anchors = "\n".join(f'<p><a href="{html.escape(t)}">{html.escape(s)}</a></p>' for t, s in hyperlinks)
    return f"<!DOCTYPE html>\n<html><head><title>Letter</title></head><body>\n{body}\n{anchors}\n</body></html>\n".encode()


def build_docx(text: str, hyperlinks: list[tuple[str, str]]) -> bytes:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.oxml import OxmlElement

    document = docx.Document()
    for block in text.split("\n\n"):
        paragraph = document.add_paragraph()
        for number, line in enumerate(block.split("\n")):
            run = paragraph.add_run(line)
            if number < block.count("\n"):
                run.add_break()
    for target, shown in hyperlinks:
        paragraph = document.add_paragraph("See ")
        rid = paragraph.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rid)
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = shown
        run.append(t)
        link.append(run)
        paragraph._p.append(link)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf_string(line: str) -> bytes:
    raw = line.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def build_pdf(lines: list[str], *, links: list[str] | None = None, per_page: int = 55, text: bool = True) -> bytes:
    """A minimal PDF: ``lines`` of Helvetica text, ``per_page`` a page; ``links`` as URI annotations
    on the first page. ``text=False`` draws nothing (a scan without a text layer)."""
    links = links or []
    pages = [lines[i : i + per_page] for i in range(0, max(len(lines), 1), per_page)] or [[]]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled below
    pages_id = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids = []
    for number, page_lines in enumerate(pages):
        if text:
            ops = [b"BT /F1 9 Tf 11 TL 40 800 Td"]
            for line in page_lines:
                ops.append(_pdf_string(line) + b" Tj T*")
            ops.append(b"ET")
            stream = b"\n".join(ops)
        else:
            stream = b"0 0 m 100 100 l S"
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        annots = b""
        if number == 0 and links:
            ids = []
            for index, uri in enumerate(links):
                y = 100 + 15 * index
                ids.append(add(
                    b"<< /Type /Annot /Subtype /Link /Rect [40 %d 300 %d] /Border [0 0 0] /A << /S /URI /URI %s >> >>"
                    % (y, y + 12, _pdf_string(uri))
                ))
            annots = b" /Annots [" + b" ".join(b"%d 0 R" % i for i in ids) + b"]"
        page_ids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R%s >>"
            % (pages_id, font, content, annots)
        ))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % i for i in page_ids), len(page_ids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref))
    return out.getvalue()


def build_eml(text: str, hyperlinks: list[tuple[str, str]]) -> bytes:
    """A reply as a mail client sends it: quoted-printable text (soft line breaks every 76
    characters cut long links) plus an HTML alternative."""
    message = EmailMessage()
    message["From"] = "FOI Team <foi@example.org.uk>"
    message["To"] = "requester@example.com"
    message["Subject"] = "Your request IC-252019-Z2Y2"
    message["Date"] = "Wed, 23 Aug 2023 10:00:00 +0100"
    message.set_content(text, cte="quoted-printable")
    anchors = "".join(f'<p><a href="{html.escape(t)}">{html.escape(s)}</a></p>' for t, s in hyperlinks)
    message.add_alternative(build_html(text, []).decode().replace("</body>", anchors + "</body>"), subtype="html", cte="quoted-printable")
    return message.as_bytes()


def wrap(text: str, width: int) -> str:
    """Cut ``text`` every ``width`` characters, as a fixed-width text layer does."""
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


class FakeIndex:
    """In-memory ArchiveIndex: holds the given original URLs (in any archive)."""

    _ARCHIVE = re.compile(r"^https?://(?:webarchive\.nationalarchives\.gov\.uk/(?:ukgwa/)?|web\.archive\.org/web/)\d{4,14}(?:[a-z]{2}_)?/")

    def __init__(self, originals: list[str], *, reachable: bool = True):
        self.originals = list(originals)
        self.reachable = reachable
        self.asked: list[str] = []

    def _original(self, url: str) -> str:
        return self._ARCHIVE.sub("", url)

    def holds(self, url: str) -> bool | None:
        self.asked.append(url)
        if not self.reachable:
            return None
        return self._original(url) in self.originals

    def originals_under(self, url_prefix: str) -> list[str] | None:
        self.asked.append("prefix:" + url_prefix)
        if not self.reachable:
            return None
        prefix = self._original(url_prefix)
        return [o for o in self.originals if o.startswith(prefix)]
