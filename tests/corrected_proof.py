"""Test helpers for corrected letters: the read-back proof, and a second reader of a .docx's links.

`assert_proven` runs the product's read-back proof (`corrected.prove`, the scan's readers) on a
corrected file; every test that produces a corrected file calls it. `docx_hyperlinks` reads a
.docx's hyperlinks straight from its XML — relationships, simple and complex fields — without the
product's reader, so a test does not only check the writer with the reader it was written against.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from archivecheck.corrected import prove
from archivecheck.extract import extract_links

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def assert_proven(original: bytes, name: str, corrected: bytes, mapping: dict[str, str]) -> None:
    """The corrected file reads back with every link as meant (raises AssertionError with the
    proof's sentence otherwise)."""
    refused = prove(extract_links(original, name), corrected, name, mapping)
    assert refused is None, refused


def docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _visible(element) -> str:
    return "".join(t.text or "" if t.tag == f"{W}t" else "\n" for t in element.iter(f"{W}t", f"{W}br"))


def docx_hyperlinks(data: bytes) -> list[tuple[str, str, str]]:
    """(part, target, visible text) of every w:hyperlink and HYPERLINK field in the letter's parts."""
    parts = docx_parts(data)
    found = []
    for name in sorted(parts):
        if not re.match(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml$", name):
            continue
        root = etree.fromstring(parts[name])
        rels_name = name.replace("word/", "word/_rels/") + ".rels"
        rels = {}
        if rels_name in parts:
            rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(parts[rels_name]).iter(f"{PR}Relationship")}
        for link in root.iter(f"{W}hyperlink"):
            found.append((name, rels.get(link.get(R_ID)), _visible(link)))
        for simple in root.iter(f"{W}fldSimple"):
            target = re.search(r'HYPERLINK\s+"([^"]+)"', simple.get(f"{W}instr") or "")
            if target:
                found.append((name, target.group(1), _visible(simple)))
        for paragraph in root.iter(f"{W}p"):
            instruction, shown, state = "", "", None
            for run in paragraph.iter(f"{W}r"):
                for child in run:
                    if child.tag == f"{W}fldChar":
                        kind = child.get(f"{W}fldCharType")
                        if kind == "begin":
                            instruction, shown, state = "", "", "instruction"
                        elif kind == "separate":
                            state = "result"
                        elif kind == "end" and state:
                            target = re.search(r'HYPERLINK\s+"([^"]+)"', instruction)
                            if target:
                                found.append((name, target.group(1), shown))
                            state = None
                    elif child.tag == f"{W}instrText" and state == "instruction":
                        instruction += child.text or ""
                    elif child.tag in (f"{W}t", f"{W}br") and state == "result":
                        shown += child.text or "" if child.tag == f"{W}t" else "\n"
    return found
