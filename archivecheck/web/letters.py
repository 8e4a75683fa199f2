"""The corrected letter: the caseworker's own document with each damaged link put right.

For a Word letter that means the same .docx — styles, headers, everything else untouched — with the
link's text replaced and its hyperlink target set to the repaired link; a link that was plain text
becomes a real hyperlink, so the reader who clicks it lands on the capture. For every other format
the letter's text is handed back with the links replaced: a PDF or an e-mail cannot be edited
faithfully, but their text can be pasted into the reply.
"""

from __future__ import annotations

import copy
import io
import re

from ..citable import link_to_write
from ..models import Result, Status

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_NOTES_PART = re.compile(r"^/word/(footnotes|endnotes)\.xml$")
# What each run child contributes to a paragraph's text, as archivecheck.extract reads it; the
# offsets must agree so that a link found by extraction is found again here.
_ONE_CHAR = {f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n", f"{W}noBreakHyphen": "\u2011",
             f"{W}softHyphen": "\u00ad"}


def replacements(inputs_and_results: list[tuple[str, Result | None]], *, accept_suggestions: bool) -> dict[str, str]:
    """Link text as found → the link to put in its place, as `citable.link_to_write` allows: a
    repaired link the archive confirmed, or (when the caseworker asks for the suggested captures)
    a broken link's suggested capture, which counts as their choice."""
    mapping = {}
    for text, result in inputs_and_results:
        if result is None:
            continue
        choice = None
        if accept_suggestions and result.status is Status.BROKEN and result.suggestion:
            choice = result.suggestion
        target = link_to_write(None, result, choice).url
        if target and target != text:
            mapping[text] = target
    return mapping


def corrected_text(text: str, spans: list[tuple[int, int, str]], mapping: dict[str, str]) -> str:
    """`text` with each (start, end, found) span whose found text is in `mapping` replaced."""
    out, last = [], 0
    for start, end, found in sorted(spans):
        if found not in mapping or start < last:
            continue
        out += [text[last:start], mapping[found]]
        last = end
    out.append(text[last:])
    return "".join(out)


def corrected_docx(data: bytes, mapping: dict[str, str]) -> bytes:
    """The .docx `data` with every link in `mapping` replaced in the body, tables, headers,
    footers, footnotes and endnotes; raises ValueError when python-docx cannot read it."""
    import docx  # python-docx, a core dependency; imported here to keep `import archivecheck.web` light

    document = docx.Document(io.BytesIO(data))
    for part in document.part.package.iter_parts():
        if not str(part.partname).startswith("/word/"):
            continue
        if hasattr(part, "element"):  # the body, headers and footers: parts python-docx parses
            _replace_in_part(part.element, part, mapping)
        elif _NOTES_PART.match(str(part.partname)):
            # python-docx keeps footnotes and endnotes as raw bytes: parse, edit, and put the bytes
            # back (Part keeps them in _blob; it has no public setter), relationships as for the body.
            from lxml import etree

            root = etree.fromstring(part.blob)
            _replace_in_part(root, part, mapping)
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _replace_in_part(root, part, mapping: dict[str, str]) -> None:
    for paragraph in list(root.iter(f"{W}p")):
        _replace_in_paragraph(paragraph, part, mapping)
    for link in root.iter(f"{W}hyperlink"):
        rel = part.rels.get(link.get(R_ID) or "")
        if rel is not None and rel.is_external and rel.target_ref in mapping:
            link.set(R_ID, part.relate_to(mapping[rel.target_ref], HYPERLINK_REL, is_external=True))


def _pieces(paragraph) -> list[tuple[object, object, int, int]]:
    """(run, child, start, end) for each text-bearing child of each run, in reading order."""
    pieces, offset = [], 0
    for run in paragraph.iter(f"{W}r"):
        for child in run:
            length = len(child.text or "") if child.tag == f"{W}t" else len(_ONE_CHAR.get(child.tag, ""))
            pieces.append((run, child, offset, offset + length))
            offset += length
    return pieces


def _text(pieces) -> str:
    return "".join((c.text or "") if c.tag == f"{W}t" else _ONE_CHAR.get(c.tag, "") for _, c, _, _ in pieces)


def _replace_in_paragraph(paragraph, part, mapping: dict[str, str]) -> None:
    # One replacement at a time, re-reading the paragraph after each: every edit moves offsets.
    done_until = 0
    while True:
        pieces = _pieces(paragraph)
        text = _text(pieces)
        hits = [(text.find(found, done_until), found) for found in mapping if text.find(found, done_until) >= 0]
        if not hits:
            return
        start, found = min(hits)
        end = start + len(found)
        runs = [run for run, _, s, e in pieces if s < end and e > start and e > s]
        if not runs or any(r.getparent() is not runs[0].getparent() for r in runs):
            return  # a link split across a field or a hyperlink boundary: leave it, never mangle
        first_start = next(s for r, _, s, _ in pieces if r is runs[0])
        last_start = next(s for r, _, s, _ in pieces if r is runs[-1])
        # Split so that the link's characters fill whole runs, from after_first to stop.
        _, after_first = _split_run(runs[0], start - first_start)
        if runs[-1] is runs[0]:
            stop, _ = _split_run(after_first, end - start)
        else:
            stop, _ = _split_run(runs[-1], end - last_start)
        doomed, node = [], after_first
        while node is not None:
            doomed.append(node)
            if node is stop:
                break
            node = node.getnext()
        new_run = _text_run(runs[0], mapping[found])
        parent = after_first.getparent()
        if parent.tag == f"{W}hyperlink":
            parent.insert(parent.index(after_first), new_run)
        else:
            # Declare the usual "r" prefix: a notes part parsed by hand may not have it yet.
            link = parent.makeelement(f"{W}hyperlink", {}, nsmap={"r": R_ID[1:].split("}")[0]})
            link.set(R_ID, part.relate_to(mapping[found], HYPERLINK_REL, is_external=True))
            link.append(new_run)
            parent.insert(parent.index(after_first), link)
        for node in doomed:
            parent.remove(node)
        for run in paragraph.iter(f"{W}r"):
            if _is_empty(run) and run.getparent() is not None:
                run.getparent().remove(run)
        done_until = start + len(mapping[found])


def _split_run(run, at: int):
    """Split `run` so the first keeps its first `at` characters; returns (first, second), both
    carrying the run's formatting. The second is inserted right after the first."""
    second = copy.deepcopy(run)
    run.addnext(second)
    _keep(run, 0, at, first=True)
    _keep(second, at, None, first=False)
    return run, second


def _keep(run, start: int, end: int | None, *, first: bool) -> None:
    """Cut `run` down to its characters [start, end). A zero-width child (a drawing, a field
    character) stays with the first half only, so a split never duplicates it."""
    offset = 0
    for child in list(run):
        if child.tag == f"{W}rPr":
            continue
        length = len(child.text or "") if child.tag == f"{W}t" else len(_ONE_CHAR.get(child.tag, ""))
        lo, hi = offset, offset + length
        offset = hi
        if child.tag == f"{W}t":
            keep_from = max(start, lo) - lo
            keep_to = (min(end, hi) if end is not None else hi) - lo
            if keep_to <= keep_from:
                run.remove(child)
            else:
                child.text = (child.text or "")[keep_from:keep_to]
                child.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        elif length:
            if lo < start or (end is not None and lo >= end):
                run.remove(child)
        elif not first:
            run.remove(child)


def _text_run(template, url: str):
    run = template.makeelement(f"{W}r", {})
    props = template.find(f"{W}rPr")
    if props is not None:
        run.append(copy.deepcopy(props))
    t = run.makeelement(f"{W}t", {})
    t.text = url
    run.append(t)
    return run


def _is_empty(run) -> bool:
    return all(child.tag == f"{W}rPr" for child in run)
