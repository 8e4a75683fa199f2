"""Letters built to exhaust CPU or memory (#11, failure 4) and the lesser extraction faults (#11,
failure 6): each is refused with one line or read within bounds."""

from __future__ import annotations

import functools
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from archivecheck.cli import cli
from archivecheck.extract import MEMORY_CEILING_MB, UnreadableInput, extract_links

from . import hostile

LINK = hostile.LINK


@functools.lru_cache(maxsize=None)
def built(name: str, *args) -> bytes:
    return getattr(hostile, name)(*args)


def test_deeply_nested_html_is_read_in_linear_time():
    # Before: the tree-building parser ran for over 5 minutes on this letter.
    data = built("nested_html")
    start = time.perf_counter()
    found = extract_links(data, "letter.html")
    elapsed = time.perf_counter() - start
    assert [link.text for link in found.links] == [LINK]
    assert elapsed < 10, elapsed  # about 1.8 s on an idle 2-core container
    # Linear: ten times the nesting costs about ten times the time, not a hundred (a loaded
    # machine's noise allowed for).
    small = built("nested_html", 220_000)
    start = time.perf_counter()
    extract_links(small, "letter.html")
    assert elapsed < 50 * max(time.perf_counter() - start, 0.01)


@pytest.mark.parametrize("builder,args,message", [
    ("docx_paragraph_flood", (40_000_000,), "word/document.xml expands beyond 32 MB"),
    ("docx_huge_text_node", (100_000_000,), "word/document.xml expands beyond 32 MB"),
    ("docx_entity_bomb", (), "damaged Word document"),
])
def test_word_bombs_are_refused_with_one_line(builder, args, message):
    with pytest.raises(UnreadableInput) as raised:
        extract_links(built(builder, *args), "letter.docx")
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert str(raised.value).startswith("letter.docx: ")


def test_a_bomb_in_an_image_is_never_inflated():
    data = built("docx_media_bomb", 500_000_000)
    start = time.perf_counter()
    found = extract_links(data, "letter.docx")
    assert [link.text for link in found.links] == [LINK]
    assert time.perf_counter() - start < 2  # inflating 500 MB would take longer


def test_entities_are_not_expanded():
    # One entity that would expand if entities were resolved; a parser that refuses is fine too.
    xml = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "https://evil.example/x">]>'
           b'<w:document xmlns:w="' + hostile.W_NS.encode() + b'"><w:body><w:p><w:r><w:t>&e; ' + LINK.encode()
           + b'</w:t></w:r></w:p></w:body></w:document>')
    data = hostile._stream_zip({"[Content_Types].xml": hostile._CONTENT_TYPES.encode(),
                                "_rels/.rels": hostile._PACKAGE_RELS.encode(), "word/document.xml": xml})
    try:
        found = extract_links(data, "letter.docx")
    except UnreadableInput:
        return
    assert "evil.example" not in found.text


def test_a_damaged_footnotes_part_is_reported_not_dropped(tmp_path):
    found = extract_links(built("docx_bad_footnotes"), "letter.docx")
    assert [link.text for link in found.links] == [LINK]
    assert found.problems == ("word/footnotes.xml is damaged (XMLSyntaxError); links in it are not listed",)
    letter = tmp_path / "letter.docx"
    letter.write_bytes(built("docx_bad_footnotes"))
    result = CliRunner().invoke(cli, ["scan", str(letter), "--archive", "ukgwa=http://127.0.0.1:9/ukgwa/",
                                      "--archive", "wayback=http://127.0.0.1:9/web/", "--timeout", "1",
                                      "--no-progress"])
    assert "word/footnotes.xml is damaged" in result.output


def test_a_pdf_page_whose_text_is_a_bomb_is_reported_not_dropped():
    found = extract_links(built("pdf_flate_bomb", 200_000_000), "letter.pdf")
    assert found.links == ()
    assert found.problems == ("page 1: its text could not be read (LimitReachedError); links in it are not listed",)


@pytest.mark.parametrize("builder,args,name,message", [
    ("eml_huge_part", (40_000_000,), "letter.eml", "larger than 50 MB"),
    ("eml_huge_part", (20_000_000,), "letter.eml", "larger than 24 MB; not a letter in eml"),
    ("html_full_of_anchors", (17 * 1024 * 1024,), "letter.html", "larger than 16 MB; not a letter in html"),
])
def test_letters_beyond_their_format_cap_are_refused(builder, args, name, message):
    with pytest.raises(UnreadableInput, match=message):
        extract_links(built(builder, *args), name)


WORST = ("docx-31MB-of-paragraphs", "eml-17MB-base64-part", "html-16MB-of-anchors", "nested-html-2.2MB",
         "docx-1GB-text-node", "docx-billion-laughs", "pdf-1GB-flate-bomb")
# VmHWM, not ru_maxrss: the latter survives exec, so a child of a large test process would report
# its parent's size.
READ_ONE = (
    "import re, sys\n"
    "from archivecheck.extract import extract_links, UnreadableInput\n"
    "data = open(sys.argv[1], 'rb').read()\n"
    "try:\n"
    "    extract_links(data, sys.argv[2])\n"
    "except UnreadableInput:\n"
    "    pass\n"
    "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
)


@pytest.mark.parametrize("name", WORST)
def test_worst_letters_stay_under_the_memory_ceiling(name, tmp_path):
    # A child reads the letter (as bench/bench_letters.py does); its peak RSS, interpreter and
    # libraries included, is the figure the ceiling promises.
    build, filename = hostile.HOSTILE_LETTERS[name]
    path = tmp_path / filename
    path.write_bytes(build())
    out = subprocess.run([sys.executable, "-c", READ_ONE, str(path), filename], capture_output=True, text=True,
                         timeout=300, check=True)
    assert int(out.stdout.split()[-1]) / 1024 < MEMORY_CEILING_MB
