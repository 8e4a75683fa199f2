"""Hostile letters, built on demand (too large or too dangerous to keep in the repository): shared
by the hostile-input tests and bench/bench_letters.py, which measures time and peak RSS for each."""

from __future__ import annotations

import io
import zipfile
import zlib

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LINK = "https://www.gov.uk/government/publications/foi-guidance"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')


def nested_html(size: int = 2_200_000) -> bytes:
    """A document of ``size`` bytes that is one link inside ~size/11 nested <div>s."""
    depth = (size - 200) // 11
    return (b"<html><body>" + b"<div>" * depth + b"<p>See " + LINK.encode() + b"</p>"
            + b"</div>" * depth + b"</body></html>")


def _stream_zip(parts: dict[str, object]) -> bytes:
    """A zip whose members are bytes, or (chunk, count) pairs written as ``chunk * count`` without
    ever holding the expanded member in memory (so a bomb costs the builder nothing)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            if isinstance(body, bytes):
                archive.writestr(name, body)
                continue
            (head, chunk, count, tail) = body
            with archive.open(name, "w", force_zip64=True) as member:
                member.write(head)
                for _ in range(count):
                    member.write(chunk)
                member.write(tail)
    return out.getvalue()


def _docx(document_body: object, extra: dict[str, object] | None = None) -> bytes:
    parts: dict[str, object] = {"[Content_Types].xml": _CONTENT_TYPES.encode(), "_rels/.rels": _PACKAGE_RELS.encode()}
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
    tail = b"</w:body></w:document>"
    if isinstance(document_body, bytes):
        parts["word/document.xml"] = head + document_body + tail
    else:
        chunk, count = document_body
        parts["word/document.xml"] = (head, chunk, count, tail)
    parts.update(extra or {})
    return _stream_zip(parts)


def docx_paragraph_flood(expanded: int = 210_000_000) -> bytes:
    """A small .docx whose document.xml expands to ``expanded`` bytes of paragraphs."""
    para = f"<w:p><w:r><w:t>Paragraph text with {LINK} in it.</w:t></w:r></w:p>".encode()
    return _docx((para, expanded // len(para)))


def docx_huge_text_node(size: int = 1_000_000_000) -> bytes:
    """A .docx with one <w:t> of ``size`` bytes."""
    parts: dict[str, object] = {"[Content_Types].xml": _CONTENT_TYPES.encode(), "_rels/.rels": _PACKAGE_RELS.encode()}
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode()
    parts["word/document.xml"] = (head, b"a" * 1_000_000, size // 1_000_000, b"</w:t></w:r></w:p></w:body></w:document>")
    return _stream_zip(parts)


def docx_media_bomb(size: int = 2_000_000_000) -> bytes:
    """A readable .docx carrying a ``size``-byte image of zeros (a zip bomb in word/media)."""
    body = f"<w:p><w:r><w:t>See {LINK}</w:t></w:r></w:p>".encode()
    return _docx(body, {"word/media/image1.png": (b"", b"\0" * 1_000_000, size // 1_000_000, b"")})


def docx_entity_bomb() -> bytes:
    """A .docx whose document.xml declares 'billion laughs' entities."""
    lol = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE w:document [<!ENTITY l0 "lol">{lol}]>'
    xml = (f'<?xml version="1.0"?>{doctype}<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r>'
           f'<w:t>&l9; {LINK}</w:t></w:r></w:p></w:body></w:document>').encode()
    return _stream_zip({"[Content_Types].xml": _CONTENT_TYPES.encode(), "_rels/.rels": _PACKAGE_RELS.encode(),
                        "word/document.xml": xml})


def docx_bad_footnotes() -> bytes:
    """A .docx with a link in the body and a footnotes part that is not well-formed XML."""
    body = f"<w:p><w:r><w:t>See {LINK}</w:t></w:r></w:p>".encode()
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
    return _docx(body, {"word/_rels/document.xml.rels": rels,
                        "word/footnotes.xml": b"<w:footnotes xmlns:w='x'><w:footnote><w:p>unclosed"})


def pdf_flate_bomb(size: int = 1_000_000_000) -> bytes:
    """A one-page PDF whose content stream inflates to ``size`` bytes."""
    compressor = zlib.compressobj(9)
    text = f"BT /F1 12 Tf 72 720 Td ({LINK}) Tj ET\n".encode()
    stream = compressor.compress(text)
    block = b" " * 1_000_000
    for _ in range(size // len(block)):
        stream += compressor.compress(block)
    stream += compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def eml_huge_part(size: int = 40_000_000) -> bytes:
    """An e-mail with one base64 text part that decodes to ``size`` bytes."""
    import base64

    body = base64.encodebytes((f"See {LINK}\n" + "word " * (size // 5)).encode())
    return (b"From: a@example.org\nTo: b@example.org\nSubject: x\nMIME-Version: 1.0\n"
            b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + body)


def text_full_of_links(size: int = 50 * 1024 * 1024 - 1) -> bytes:
    """A plain-text letter of ``size`` bytes with a link every hundred-odd bytes."""
    line = f"Dear requester, the guidance is at {LINK}/page and more words follow here.\n".encode()
    return line * (size // len(line))


def html_full_of_anchors(size: int = 50 * 1024 * 1024 - 1) -> bytes:
    """An HTML letter of ``size`` bytes that is nothing but hyperlinks showing other links."""
    anchor = f'<a href="{LINK}/target">https://www.gov.uk/shown</a> '.encode()
    return b"<html><body><p>" + anchor * ((size - 40) // len(anchor)) + b"</p></body></html>"


HOSTILE_LETTERS = {
    "nested-html-2.2MB": (nested_html, "letter.html"),
    "docx-210MB-of-paragraphs": (docx_paragraph_flood, "letter.docx"),
    "docx-1GB-text-node": (docx_huge_text_node, "letter.docx"),
    "docx-2GB-media-bomb": (docx_media_bomb, "letter.docx"),
    "docx-billion-laughs": (docx_entity_bomb, "letter.docx"),
    "pdf-1GB-flate-bomb": (pdf_flate_bomb, "letter.pdf"),
    "eml-40MB-base64-part": (eml_huge_part, "letter.eml"),
    # The worst letters the caps still let through: these set the memory ceiling.
    "docx-31MB-of-paragraphs": (lambda: docx_paragraph_flood(31 * 1024 * 1024), "letter.docx"),
    "eml-17MB-base64-part": (lambda: eml_huge_part(17_000_000), "letter.eml"),
    "txt-50MB-of-links": (text_full_of_links, "letter.txt"),
    "html-16MB-of-anchors": (lambda: html_full_of_anchors(16 * 1024 * 1024 - 1), "letter.html"),
}
