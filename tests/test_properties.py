"""Property-based hostile input (#11 item 7): random bytes, random text and random damage fed to
extract and repair. Nothing raises but UnreadableInput, every call ends in bounded time, and
repair never invents a character its input lacked, except the documented ones: a hyphen or a
slash put back where a line break took it, a digit of a timestamp (here offline, so no archive
supplies one), the scheme and separators of a link written without one, and the letters a PDF
ligature glyph stands for."""
from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings, strategies as st

from archivecheck.extract import UnreadableInput, extract_links
from archivecheck.repair import repair_link

SUFFIXES = ["letter.txt", "letter.md", "letter.html", "letter.docx", "letter.pdf", "letter.eml", None]
GOOD = [
    "https://webarchive.nationalarchives.gov.uk/ukgwa/20220201210413mp_/https://ico.org.uk/media/action-weve-taken/"
    "audits-and-advisory-visits/4018997/metropolitan-police-service-executive-summary-v1_0.pdf",
    "https://web.archive.org/web/20190101000000/https://www.gov.uk/government/publications/annual-report-2019",
    "https://www.gov.uk/government/publications/foi-guidance",
]
# Documented repairs may add these: line-break hyphens and slashes, timestamp digits, a scheme.
ALLOWED_NEW = set("-/0123456789") | set("https://") | set("www.")
def spelled_out(text: str) -> set[str]:
    """The letters a PDF ligature glyph in `text` stands for ('\ufb00' is 'ff'): the `ligature`
    repair writes them out, so they are not invented."""
    from archivecheck.repair.clean import _LIGATURES

    return set("".join(_LIGATURES.get(ch, "") for ch in text))


BOUND = 5.0  # seconds for one call on inputs of these sizes; generous for a loaded machine
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(data=st.binary(max_size=4096), name=st.sampled_from(SUFFIXES))
def test_random_bytes_are_read_or_refused(data, name):
    start = time.perf_counter()
    try:
        found = extract_links(data, name)
    except UnreadableInput as error:
        assert "\n" not in str(error)
    else:
        for link in found.links:
            if link.start is not None:
                assert 0 <= link.start <= link.end <= len(found.text)
    assert time.perf_counter() - start < BOUND


MARKUP = st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<a href='https://x.org/a'>", "</a>", "<br>",
                          "<script>", "</script>", "<!--", "-->", "&amp;", "<![CDATA[", "]]>", "\n", " "])


@FAST
@given(pieces=st.lists(st.one_of(MARKUP, st.sampled_from(GOOD), st.text(max_size=20)), max_size=60),
       name=st.sampled_from(["letter.html", "letter.md", "letter.txt", None]))
def test_random_text_and_markup_are_read(pieces, name):
    text = "".join(pieces)
    start = time.perf_counter()
    try:
        found = extract_links(text.encode("utf-8", "surrogatepass"), name)
    except UnreadableInput:
        return
    assert time.perf_counter() - start < BOUND
    for link in found.links:
        if link.source == "text":
            assert found.text[link.start:link.end] == link.text


def _damage(link: str, cuts: list[tuple[int, str]]) -> str:
    """``link`` with breaks put in at the given places, as wrapping, PDF conversion and mail
    clients do: a line break, a space, a hyphen and a line break, a line break with indentation."""
    out = link
    for position, kind in sorted(cuts, reverse=True):
        position %= len(out) + 1
        out = out[:position] + kind + out[position:]
    return out


@FAST
@given(link=st.sampled_from(GOOD),
       cuts=st.lists(st.tuples(st.integers(0, 400), st.sampled_from(["\n", " ", "-\n", "\n  ", "\u00ad", "> "])),
                     max_size=4))
def test_repair_of_damaged_links_invents_nothing(link, cuts):
    damaged = _damage(link, cuts)
    start = time.perf_counter()
    repaired = repair_link(damaged)
    assert time.perf_counter() - start < BOUND
    invented = set(repaired.url) - set(damaged) - spelled_out(damaged) - ALLOWED_NEW
    assert not invented, (damaged, repaired.url, invented)


@FAST
@given(text=st.text(max_size=300))
def test_repair_of_any_text_invents_nothing(text):
    start = time.perf_counter()
    repaired = repair_link(text)
    assert time.perf_counter() - start < BOUND
    assert not set(repaired.url) - set(text) - spelled_out(text) - ALLOWED_NEW, (text, repaired.url)
