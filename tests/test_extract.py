"""extract_links / detect_format: every format, hyperlink targets, locations, unreadable input."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from archivecheck.errors import ArchiveCheckError, InputError
from archivecheck.extract import UnreadableInput, detect_format, extract_links
from archivecheck.repair import repair_link

from .reference import REFERENCE_LINK
from .repair_formats import build_letter, build_pdf

LETTERS = Path(__file__).parent.parent / "fixtures" / "letters"
STEM = "ico-foi-response-IC-252019-Z2Y2"
REF_OUT = REFERENCE_LINK


@pytest.mark.parametrize("suffix,fmt,line", [("md", "md", 19), ("txt", "txt", 38), ("html", "html", 40), ("docx", "docx", 29), ("pdf", "pdf", 29), ("eml", "eml", 19)])
def test_reference_letter_in_every_format(suffix, fmt, line):
    data = (LETTERS / f"{STEM}.{suffix}").read_bytes()
    assert detect_format(data, None) == fmt or (fmt, detect_format(data, None)) in {("md", "txt"), ("txt", "md")}
    extracted = extract_links(data, f"letter.{suffix}")
    assert extracted.format == fmt
    first = extracted.links[0]
    assert first.line == line and first.source == "text"
    assert first.page == (1 if fmt == "pdf" else None)
    assert extracted.text[first.start : first.end] == first.text
    assert repair_link(first.text).url == REF_OUT


def test_format_is_detected_by_content_not_suffix():
    pdf = (LETTERS / f"{STEM}.pdf").read_bytes()
    docx = (LETTERS / f"{STEM}.docx").read_bytes()
    eml = (LETTERS / f"{STEM}.eml").read_bytes()
    assert detect_format(pdf, "letter.txt") == "pdf"
    assert detect_format(docx, "letter.bin") == "docx"
    assert detect_format(eml, None) == "eml"
    assert detect_format(b"<html><body><p>hi</p></body></html>", "x.txt") == "html"


@pytest.mark.parametrize("fmt", ["html", "docx", "eml"])
def test_hyperlink_target_and_shown_text_are_both_reported(fmt):
    target = "https://webarchive.nationalarchives.gov.uk/ukgwa/20230101120000/https://www.gov.uk/guidance/foi"
    shown = "https://www.gov.uk/guidance/foi"
    data, name = build_letter("Dear requester,\n\nPlease read the guidance.", fmt, hyperlinks=[(target, shown), ("https://ico.org.uk/", "our website"), (shown, shown)])
    links = extract_links(data, name).links
    hyperlinks = [link for link in links if link.source == "hyperlink"]
    assert [(h.text, h.target_mismatch) for h in hyperlinks] == [(target, shown), ("https://ico.org.uk/", None)]
    assert shown in [link.text for link in links if link.source == "text"]


def test_pdf_annotations_and_pages():
    lines = ["Page one text."] + [""] * 60 + ["The guidance: https://www.gov.uk/government/", "publications/foi-guidance"]
    data = build_pdf(lines, links=["https://ico.org.uk/annotated-only"])
    links = extract_links(data, "x.pdf").links
    assert [(l.text, l.page, l.source) for l in links] == [
        ("https://ico.org.uk/annotated-only", 1, "annotation"),
        ("https://www.gov.uk/government/\npublications/foi-guidance", 2, "text"),
    ]
    assert links[1].line == 6 or links[1].line is not None


def test_eml_quoted_printable_soft_breaks_are_undone():
    long = "https://www.gov.uk/government/publications/" + "a-very-long-slug-" * 8 + "end"
    data, name = build_letter(f"See:\n\n{long}\n", "eml")
    assert b"=\n" in data or b"=\r\n" in data  # the link really was soft-broken
    assert long in [l.text for l in extract_links(data, name).links]


@pytest.mark.parametrize("data,name", [
    (b"\x00\x01\x02\x03" * 100, "x.txt"),
    (bytes(range(256)) * 40, None),
    (b"this is not a zip", "letter.docx"),
    (b"PK\x03\x04 broken zip", "letter.docx"),
    (b"not a pdf at all", "letter.pdf"),
    (b"%PDF-1.7\n garbage \x00\x01", "letter.pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "letter.doc"),
])
def test_unreadable_input_raises_one_clear_error(data, name, capsys):
    with pytest.raises(UnreadableInput) as raised:
        extract_links(data, name)
    assert isinstance(raised.value, InputError) and isinstance(raised.value, ArchiveCheckError)
    assert "\n" not in str(raised.value)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_zip_that_is_not_a_word_document():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableInput, match="not a Word document"):
        extract_links(buffer.getvalue(), "letter.docx")


@pytest.mark.parametrize("data,name", [(b"", "x.txt"), (b"   \n\n", None), (build_pdf(["x"], text=False), "scan.pdf"), (b"no links at all", None)])
def test_empty_input_and_pdf_without_text_give_no_links(data, name):
    assert extract_links(data, name).links == ()


def test_fifty_megabytes_of_text_is_fast_and_bounded():
    # Run in a subprocess so peak RSS belongs to this job alone.
    code = (
        "import resource, time\n"
        "from archivecheck.extract import extract_links\n"
        "block = (b'Dear requester, here is the link https://www.gov.uk/government/publications/foi-guidance and more '\n"
        "         b'words on the line that go on ' * 3 + b'\\n') \n"
        "data = block * (50_000_000 // len(block))\n"
        "start = time.perf_counter()\n"
        "links = extract_links(data, 'big.txt').links\n"
        "print(len(links), time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True).stdout.split()
    count, seconds, rss_kb = int(out[0]), float(out[1]), int(out[2])
    assert count > 100_000
    assert seconds < 120
    assert rss_kb < 600_000  # generous: FoundLink records for 500k links dominate


def test_binary_garbage_with_long_lines_does_not_hang():
    start = time.perf_counter()
    extract_links(b"https://" + b"a" * 2_000_000 + b" " + b"x-" * 500_000, None)
    assert time.perf_counter() - start < 20


def _docx_with_header_and_footnote(header_text: str, footnote_text: str) -> bytes:
    """A Word file with a link in its header and another in a footnote (python-docx writes the
    header; the footnotes part is added by hand, as Word would store it)."""
    import io
    import zipfile

    import docx

    document = docx.Document()
    document.add_paragraph("Our response is set out below.")
    document.sections[0].header.paragraphs[0].text = header_text
    buf = io.BytesIO()
    document.save(buf)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 f'<w:footnotes xmlns:w="{w}"><w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">'
                 f'{footnote_text}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                                    b"</Relationships>")
            dst.writestr(item, data)
        dst.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def test_docx_links_in_headers_and_footnotes_are_found():
    header = "https://www.gov.uk/government/organisations/information-commissioners-office"
    footnote = ("See https://webarchive.nationalarchives.gov.uk/ukgwa/20220201210413mp_/https://ico.org.uk/"
                "media/action-weve-taken/audits-and-advisory-visits/4018997/"
                "metropolitan-police-service-executive-summary-v1_0.pdf")
    extracted = extract_links(_docx_with_header_and_footnote(header, footnote), "letter.docx")
    texts = [link.text for link in extracted.links]
    assert header in texts
    assert footnote.removeprefix("See ") in texts
