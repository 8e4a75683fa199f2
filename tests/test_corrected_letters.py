"""The corrected letter (#18): what goes in (citable), Word's many ways of keeping a link, the
read-back proof, HTML and e-mail edited in place, a PDF's text, and "not fully checked".

The Word letters are fixtures/letters/word/*.docx, made by build_word_letters.py the way Word and
LibreOffice store links; every corrected file a test makes goes through `assert_proven`.
"""

from __future__ import annotations

import difflib
import email
import email.policy
import io
import re
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from archivecheck.cli import cli
from archivecheck.corrected import correct_letter, corrected_eml, corrected_html
from archivecheck.extract import extract_links
from archivecheck.repair import repair_link
from tests.corrected_proof import assert_proven, docx_hyperlinks, docx_parts
from tests.reference import REFERENCE_LINK
from tests.repair_formats import build_pdf
from tests.test_web import _finished, _submit, web  # noqa: F401  (the served page on the local archive)

WORD = Path(__file__).resolve().parent.parent / "fixtures" / "letters" / "word"
URL = REFERENCE_LINK
HEAD, TAIL = URL.split("20220201210413")
FIRST, REST = f"{HEAD}2022020121041", f"3{TAIL}"
TYPED = f"{FIRST} {REST}"
INTACT = "https://assets.publishing.service.gov.uk/media/622f4e48d3bf7f5a8a4e5c1b/Greenbook-chapter-11-11Mar22.pdf"


def _as_confirmed(data: bytes, name: str) -> tuple[dict[str, str], object]:
    """The letter's links whose repair is the reference link, mapped to it, as if the archive had
    confirmed each (the served and scanned tests below have the local archive do it)."""
    extracted = extract_links(data, name)
    mapping = {link.text: URL for link in extracted.links if link.text != URL and repair_link(link.text).url == URL}
    return mapping, extracted


def _corrected(name: str) -> tuple[bytes, bytes]:
    data = (WORD / name).read_bytes()
    mapping, extracted = _as_confirmed(data, name)
    assert mapping, f"{name}: no damaged link found"
    corrected = correct_letter(data, name, extracted, mapping)
    assert corrected.refused is None and corrected.data is not None and corrected.kind == "docx"
    assert_proven(data, name, corrected.data, mapping)
    return data, corrected.data


def _part_text(data: bytes, part: str) -> str:
    from lxml import etree

    root = etree.fromstring(docx_parts(data)[part])
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return "".join(t.text or "" for t in root.iter(f"{w}t"))


def _no_damage_left(data: bytes) -> None:
    """Every copy of the link's tail in every part belongs to a whole reference link."""
    for part in docx_parts(data):
        if re.match(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml$", part):
            text = _part_text(data, part)
            assert text.count("3mp_/https://ico.org.uk") == text.count(URL), part
            assert "2022020121041 " not in text and "\\_" not in text, part


@pytest.mark.parametrize("name", sorted(p.name for p in WORD.glob("*.docx") if "intact" not in p.name))
def test_every_word_letter_is_corrected_text_and_target(name):
    _, out = _corrected(name)
    _no_damage_left(out)
    links = [(part, target, shown) for part, target, shown in docx_hyperlinks(out) if "ico.org.uk" in (target or "")]
    assert links, "no hyperlink to the link in the corrected letter"
    for part, target, shown in links:
        assert (target, shown) == (URL, URL), part
    docx.Document(io.BytesIO(out))  # python-docx opens it


def test_an_automatic_hyperlink_cut_at_the_space_becomes_one_hyperlink_over_the_whole_link():
    _, out = _corrected("word-autolink-at-space.docx")
    document = docx.Document(io.BytesIO(out))
    paragraph = document.paragraphs[1]
    assert paragraph.text == f"The audit summary is at {URL} and is unchanged."
    assert [(h.address, h.text) for h in paragraph.hyperlinks] == [(URL, URL)]
    # Formatting kept: the link keeps Word's Hyperlink style, the text after it its bold.
    assert paragraph.hyperlinks[0].runs[0].style.name == "Hyperlink" or \
        b'w:rStyle w:val="Hyperlink"' in docx_parts(out)["word/document.xml"]
    assert [run.bold for run in paragraph.runs if run.text == " and is unchanged."] == [True]
    assert document.paragraphs[0].text == "Dear requester," and document.paragraphs[2].text == "Yours sincerely,"


def test_a_hyperlink_over_a_line_break_gets_its_target_fixed_too():
    data, out = _corrected("word-hyperlink-over-line-break.docx")
    paragraph = docx.Document(io.BytesIO(out)).paragraphs[1]
    assert paragraph.text == f"{URL} (PDF)."
    assert [(h.address, h.text) for h in paragraph.hyperlinks] == [(URL, URL)]
    assert [target for _, target, _ in docx_hyperlinks(data)] != [URL]  # it was damaged


def test_fields_and_tracked_changes_keep_their_switches_and_revisions():
    _, out = _corrected("word-fields-and-revisions.docx")
    xml = docx_parts(out)["word/document.xml"].decode()
    assert f'HYPERLINK "{URL}" \\o "Audit summary"' in xml  # the complex field's instruction, switch kept
    assert f'w:instr=" HYPERLINK &quot;{URL}&quot; "' in xml  # the simple field in the table
    assert "<w:delText>https://www.example.org/old</w:delText>" in xml  # the tracked deletion stays
    assert [target for _, target, _ in docx_hyperlinks(out)].count(URL) == 3


def test_links_in_notes_headers_footers_and_both_copies_of_a_text_box_are_corrected():
    _, out = _corrected("word-notes-frames-headers.docx")
    for part in ("word/footnotes.xml", "word/endnotes.xml", "word/header1.xml", "word/footer1.xml"):
        assert URL in _part_text(out, part), part
    body = _part_text(out, "word/document.xml")
    assert body.count(URL) == 2  # the text box as a drawing and as its VML fallback
    assert ("word/header1.xml", URL, URL) in docx_hyperlinks(out)


def test_letters_written_by_libreoffice_are_corrected():
    _, out = _corrected("lo-plain.docx")  # a link in plain text becomes a hyperlink
    assert [(h.address, h.text) for p in docx.Document(io.BytesIO(out)).paragraphs for h in p.hyperlinks] == [(URL, URL)]
    _, out = _corrected("lo-notes.docx")
    assert URL in _part_text(out, "word/footnotes.xml")


def test_an_intact_link_is_left_byte_for_byte():
    data = (WORD / "word-intact-link.docx").read_bytes()
    extracted = extract_links(data, "word-intact-link.docx")
    corrected = correct_letter(data, "word-intact-link.docx", extracted, {})
    assert corrected.changes == () and corrected.refused is None
    assert docx_parts(corrected.data)["word/document.xml"] == docx_parts(data)["word/document.xml"]
    assert_proven(data, "word-intact-link.docx", corrected.data, {})


def _two_paragraph_letter() -> bytes:
    """A link cut in two by the Enter key: half in one paragraph, half in the next. No hyperlink
    can span two paragraphs, so the writer cannot correct it."""
    document = docx.Document()
    document.add_paragraph("The summary is at " + FIRST)
    document.add_paragraph(REST + " for you.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_proof_refuses_a_file_the_writer_could_not_correct():
    data = _two_paragraph_letter()
    mapping, extracted = _as_confirmed(data, "split.docx")
    corrected = correct_letter(data, "split.docx", extracted, mapping)
    assert corrected.data is None
    assert corrected.refused.startswith("The link https://webarchive.nationalarchives.gov.uk/ukgwa/2022020121041 3mp_/")
    assert corrected.refused.endswith("could not be put right in the corrected file: it still reads as written.")


# -- HTML and e-mail: edited in place, a byte diff shows only the links changed -------------------

HTML = (b"<!DOCTYPE html>\n<html><head><meta charset=\"windows-1252\"><title>R\xe9ponse</title></head><body>\r\n"
        b"<p class=\"x\">Dear requester &mdash; caf\xe9,</p>\r\n"
        b"<p>The summary is at <a href=\"" + FIRST.encode() + b"\" target=_blank>" + FIRST.encode()
        + b"</a> " + REST.encode() + b" for you.</p>\r\n"
        b"<p>Also <a href='" + TYPED.replace("_", "&#95;").encode() + b"'>the report</a> and "
        + FIRST.encode() + b"<br>\r\n" + REST.encode() + b".</p>\r\n</body></html>\r\n")


def _changed_spans(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [(before[i1:i2], after[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def test_an_html_letter_comes_back_with_only_its_links_changed():
    mapping, extracted = _as_confirmed(HTML, "letter.html")
    out = correct_letter(HTML, "letter.html", extracted, mapping)
    assert out.kind == "html" and out.data is not None
    assert_proven(HTML, "letter.html", out.data, mapping)
    expected = (HTML.replace(b'href="' + FIRST.encode() + b'"', b'href="' + URL.encode() + b'"')
                .replace(FIRST.encode() + b"</a> " + REST.encode(), URL.encode() + b"</a>")
                .replace(b"'" + TYPED.replace("_", "&#95;").encode() + b"'", b"'" + URL.encode() + b"'")
                .replace(FIRST.encode() + b"<br>\r\n" + REST.encode(), URL.encode()))
    # The byte diff: the file is the original with exactly the links' spans replaced (the cp1252
    # bytes, the entities, the CRLFs and the unquoted attribute elsewhere untouched).
    assert out.data == expected
    assert len(_changed_spans(HTML, out.data)) >= 4


def _mail() -> bytes:
    message = EmailMessage()
    message["From"] = "FOI Team <foi@example.org.uk>"
    message["To"] = "requester@example.com"
    message["Subject"] = "Your request IC-252019-Z2Y2 \u2014 response"
    message["Date"] = "Wed, 23 Aug 2023 10:00:00 +0100"
    message.set_content(f"Dear requester,\n\nThe summary is at {TYPED} for you.\n\nCaf\u00e9 regards\n",
                        cte="quoted-printable")
    message.add_alternative(f'<p>The summary is at <a href="{FIRST}">{FIRST}</a> {REST} for you.</p>'
                            "<p>Caf\u00e9 regards</p>", subtype="html", cte="base64")
    message.add_attachment(b"%PDF-1.4 not really\x00\xff" * 50, maintype="application", subtype="pdf",
                           filename="annex.pdf")
    return message.as_bytes()


def test_an_email_comes_back_with_its_parts_and_attachment_and_only_links_changed():
    data = _mail()
    mapping, extracted = _as_confirmed(data, "letter.eml")
    out = correct_letter(data, "letter.eml", extracted, mapping)
    assert out.kind == "eml" and out.data is not None
    assert_proven(data, "letter.eml", out.data, mapping)
    before = email.message_from_bytes(data, policy=email.policy.default)
    after = email.message_from_bytes(out.data, policy=email.policy.default)
    assert after.items() == before.items()  # headers as they were
    parts = list(zip(before.walk(), after.walk()))
    text, html, attachment = [(b, a) for b, a in parts if not b.is_multipart()]
    assert text[1].get_content() == text[0].get_content().replace(TYPED, URL)
    assert text[1]["Content-Transfer-Encoding"] == "quoted-printable"
    assert html[1].get_content() == html[0].get_content().replace(f"{FIRST}\">{FIRST}</a> {REST}", f"{URL}\">{URL}</a>")
    assert html[1]["Content-Transfer-Encoding"] == "base64"
    assert attachment[1].get_payload(decode=True) == attachment[0].get_payload(decode=True)
    # The byte diff: the headers, the attachment and the boundaries are the same bytes.
    head = data[: data.index(b"\n\n")]
    assert out.data.startswith(head)
    tail = data[data.index(b'Content-Disposition: attachment'):]
    assert out.data.endswith(tail)


def test_html_and_eml_writers_leave_a_letter_without_changes_identical():
    assert corrected_html(HTML, {}) == HTML
    mail = _mail()
    assert corrected_eml(mail, {}) == mail


# -- through the page and the scan, against the local archive -------------------------------------

def _serve(client, data: bytes, name: str) -> tuple[dict, str, object]:
    response = _submit(client, upload=(io.BytesIO(data), name))
    location = response.headers["Location"]
    record = _finished(client, location, timeout=60)
    page = client.get(location).get_data(as_text=True)
    return record, page, client.get(location + "/letter")


def test_served_autolink_letter_gives_one_hyperlink_to_the_verified_link(web):  # noqa: F811
    client, _ = web
    data = (WORD / "word-autolink-at-space.docx").read_bytes()
    record, page, letter = _serve(client, data, "word-autolink-at-space.docx")
    assert [(r["status"], r["url"]) for r in record["results"]] == [("ok", URL)]
    assert record["fully_checked"] is True and record["corrected_letter"]["offered"] is True
    assert letter.status_code == 200
    assert_proven(data, "letter.docx", letter.data, {TYPED: URL})
    paragraph = docx.Document(io.BytesIO(letter.data)).paragraphs[1]
    assert [(h.address, h.text) for h in paragraph.hyperlinks] == [(URL, URL)]
    assert "Download the corrected letter (.docx)" in page and "becomes" in page
    assert "Evidence record to print or save as PDF" in page  # the section after the letter is kept


def test_served_line_break_letter_has_its_target_fixed(web):  # noqa: F811
    client, _ = web
    data = (WORD / "word-hyperlink-over-line-break.docx").read_bytes()
    record, _, letter = _serve(client, data, "word-hyperlink-over-line-break.docx")
    assert {r["status"] for r in record["results"]} == {"ok"} and {r["url"] for r in record["results"]} == {URL}
    found = {link.text: URL for link in extract_links(data, "l.docx").links}
    assert_proven(data, "l.docx", letter.data, found)
    assert [(h.address, h.text) for h in docx.Document(io.BytesIO(letter.data)).paragraphs[1].hyperlinks] == [(URL, URL)]


def test_served_intact_link_no_archive_holds_is_not_rewritten(web):  # noqa: F811
    client, _ = web
    data = (WORD / "word-intact-link.docx").read_bytes()
    record, page, letter = _serve(client, data, "word-intact-link.docx")
    [result] = record["results"]
    assert result["input"] == INTACT and result["status"] != "ok"
    assert record["corrected_letter"]["changes"] == []
    assert docx_parts(letter.data)["word/document.xml"] == docx_parts(data)["word/document.xml"]
    assert "No link is changed" in page and "The link works" not in page


def test_served_letter_the_writer_cannot_correct_says_which_link_and_why(web):  # noqa: F811
    client, _ = web
    record, page, letter = _serve(client, _two_paragraph_letter(), "split.docx")
    assert [r["status"] for r in record["results"]] == ["ok"]
    assert letter.status_code == 404 and record["corrected_letter"]["offered"] is False
    sentence = record["corrected_letter"]["refused"]
    assert sentence.endswith("could not be put right in the corrected file: it still reads as written.")
    assert "No corrected letter is offered. " + sentence.replace("\u2026", "\u2026") in page.replace("&#39;", "'")


def _pdf_with_unreadable_page() -> bytes:
    """Page 1 holds the damaged link; page 2's content uses a filter the reader lacks."""
    lines = ["Dear requester,", f"See {TYPED}"] + [""] * 60 + ["Page two: https://www.gov.uk/guidance/foi-page-two"]
    pdf = build_pdf(lines)
    second = list(re.finditer(rb"<< /Length (\d+) >>\nstream\n", pdf))[1]
    return pdf[:second.start()] + b"<< /Length %s /Filter /NoSuchFilter >>\nstream\n" % second.group(1) + pdf[second.end():]


def test_served_pdf_with_an_unreadable_page_is_not_fully_checked(web):  # noqa: F811
    client, _ = web
    record, page, letter = _serve(client, _pdf_with_unreadable_page(), "letter.pdf")
    assert [(r["status"], r["url"], r["found_in"]) for r in record["results"]] == [("ok", URL, "letter.pdf, page 1, line 2")]
    assert record["fully_checked"] is False and record["not_read"][0].startswith("page 2: its text could not be read")
    assert "Not fully checked" in page and "The link works" not in page
    assert "cannot be edited in place" in page
    assert letter.data.decode().count(URL) == 1 and record["corrected_letter"]["in_place"] is False
    evidence = client.get(f"/checks/{record['id']}/evidence.md").get_data(as_text=True)
    assert "**Not fully checked:**" in evidence and "page 2" in evidence


def _invoke(local_archive, fast_config, *args):
    return CliRunner().invoke(cli, ["--config", str(fast_config), *local_archive.cli_args(), *args])


def test_scan_writes_the_corrected_letters_under_the_same_rule(local_archive, fast_config, tmp_path):
    names = ["word-autolink-at-space.docx", "word-hyperlink-over-line-break.docx", "word-intact-link.docx"]
    result = _invoke(local_archive, fast_config, "scan", "--no-progress", "--corrected", str(tmp_path),
                     *(str(WORD / name) for name in names))
    assert result.exit_code == 1, result.output  # the intact link is held by no archive
    for name in names[:2]:
        original = (WORD / name).read_bytes()
        out = (tmp_path / name.replace(".docx", "-corrected.docx")).read_bytes()
        assert_proven(original, name, out, {link.text: URL for link in extract_links(original, name).links})
        assert [(t, s) for _, t, s in docx_hyperlinks(out)] == [(URL, URL)]
    intact = (tmp_path / "word-intact-link-corrected.docx").read_bytes()
    assert docx_parts(intact)["word/document.xml"] == docx_parts((WORD / names[2]).read_bytes())["word/document.xml"]
    assert "1 link changed" in result.stderr and "0 links changed" in result.stderr


def test_scan_of_a_pdf_with_an_unreadable_page_exits_3_and_reports_page_one(local_archive, fast_config, tmp_path):
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(_pdf_with_unreadable_page())
    result = _invoke(local_archive, fast_config, "scan", "--no-progress", "--corrected", str(tmp_path / "out"), str(letter))
    assert result.exit_code == 3, result.output
    assert "NOT FULLY CHECKED, could not be read: page 2" in result.stdout and "\u2713 OK" in result.stdout
    assert "a PDF cannot be edited in place" in result.stderr
    assert URL in (tmp_path / "out" / "letter-corrected.txt").read_text()
    markdown = _invoke(local_archive, fast_config, "scan", "--no-progress", "--format", "markdown", str(letter))
    assert markdown.exit_code == 3 and "**Not fully checked:**" in markdown.stdout


def test_a_link_that_begins_another_is_not_cut_out_of_it():
    # The letter cites a damaged link and, elsewhere, a longer one that starts with the same text:
    # only the damaged one is rewritten, in every writer.
    short, longer = "https://www.gov.uk/guidance/foi", "https://www.gov.uk/guidance/foi/section-21"
    mapping = {short: "https://www.gov.uk/guidance/foi-fixed"}
    text = f"See {short} and {longer} today.\n"
    html_letter = f"<p>See <a href=\"{short}\">{short}</a> and <a href=\"{longer}\">{longer}</a> today.</p>".encode()
    assert corrected_html(html_letter, mapping).decode().count(longer) == 2
    document = docx.Document()
    document.add_paragraph(text.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    from archivecheck.corrected import corrected_docx

    out = corrected_docx(buffer.getvalue(), mapping)
    assert docx.Document(io.BytesIO(out)).paragraphs[0].text == \
        f"See https://www.gov.uk/guidance/foi-fixed and {longer} today."
    assert_proven(buffer.getvalue(), "letter.docx", out, mapping)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "Links"
    message.set_content(text)
    fixed = email.message_from_bytes(corrected_eml(message.as_bytes(), mapping), policy=email.policy.default)
    assert fixed.get_content() == f"See https://www.gov.uk/guidance/foi-fixed and {longer} today.\n"


@pytest.mark.parametrize("suffix", ["html", "eml"])
def test_served_html_and_email_letters_come_back_as_edited_files(web, suffix):  # noqa: F811
    # The reference letter as a web page, and as an e-mail whose link Safe Links wrapped.
    client, _ = web
    name = f"ico-foi-response-IC-252019-Z2Y2.{suffix}"
    data = (WORD.parent / name).read_bytes()
    record, page, letter = _serve(client, data, name)
    assert {(r["status"], r["url"]) for r in record["results"]} == {("ok", URL)}
    assert letter.status_code == 200 and record["corrected_letter"]["type"] == suffix
    assert letter.headers["Content-Disposition"].endswith(f'-corrected.{suffix}"')
    found = {link.text: URL for link in extract_links(data, name).links}
    assert_proven(data, name, letter.data, found)
    # Every link the letter held (the e-mail holds it in its text and its HTML part) is now the link.
    assert [link.text for link in extract_links(letter.data, name).links] == [URL] * len(extract_links(data, name).links)
    assert f"Download the corrected letter (.{suffix})" in page


def test_served_email_with_an_attachment_not_read_is_not_fully_checked(web):  # noqa: F811
    client, _ = web
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "foi@example.org", "requester@example.org", "Response"
    message.set_content(f"Dear requester,\n\nThe summary is at {URL} for you.\n")
    message.add_attachment(b"not a zip", maintype="application", subtype="octet-stream", filename="annex.docx")
    record, page, letter = _serve(client, message.as_bytes(), "reply.eml")
    assert [r["status"] for r in record["results"]] == ["ok"]
    assert record["fully_checked"] is False and "annex.docx could not be read" in record["not_read"][0]
    assert "Not fully checked" in page and "The link works" not in page
    evidence = client.get(f"/checks/{record['id']}/evidence").get_data(as_text=True)
    assert "Not fully checked" in evidence and "annex.docx" in evidence


def test_a_word_the_finder_glued_onto_a_link_stays_in_the_letter():
    # "intro" on the next line was read as the end of the fragment; the person chose the reading
    # without it: the link is written, the word kept where it was.
    wb = "https://web.archive.org/web/20230101000000/"
    letter = f"Section:\n{wb}https://www.example.org/page.html#section\nintro\n"
    data = letter.encode()
    extracted = extract_links(data, "letter.txt")
    [found] = [link.text for link in extracted.links]
    assert found.endswith("\nintro")
    chosen = f"{wb}https://www.example.org/page.html#section"
    mapping = {found: chosen.replace("20230101000000", "20230101000001")}
    out = correct_letter(data, "letter.txt", extracted, mapping)
    assert out.refused is None
    assert out.data.decode() == letter.replace("20230101000000", "20230101000001")
    assert_proven(data, "letter.txt", out.data, mapping)
    document = docx.Document()
    for line in letter.strip().split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    extracted = extract_links(buffer.getvalue(), "letter.docx")
    mapping = {link.text: mapping[found] for link in extracted.links}
    out = correct_letter(buffer.getvalue(), "letter.docx", extracted, mapping)
    assert out.refused is None
    assert [p.text for p in docx.Document(io.BytesIO(out.data)).paragraphs] == \
        ["Section:", mapping[found], "intro"]


def test_a_letter_the_writer_cannot_parse_is_refused_with_a_sentence():
    # The writer given a .docx cut short (its zip unreadable): the letter is refused with a sentence,
    # never an exception on the page.
    data = (WORD / "word-autolink-at-space.docx").read_bytes()
    mapping, extracted = _as_confirmed(data, "letter.docx")
    corrected = correct_letter(data[: len(data) // 2], "letter.docx", extracted, mapping)
    assert corrected.data is None and corrected.refused.startswith("The corrected file could not be written (")
