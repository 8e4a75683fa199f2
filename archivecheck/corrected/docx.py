"""The corrected Word letter: the same .docx with each link's text and hyperlink put right.

Word keeps a link's text and its target in several ways, and the writer handles each:

- a `w:hyperlink` whose `r:id` names an external relationship (in the part's own `.rels`);
- a `HYPERLINK` field, simple (`w:fldSimple w:instr=…`) or complex (`w:fldChar` begin, `w:instrText`
  — often cut over several runs —, separate, the shown runs, end);
- the link's text split over any number of runs (spell-check `w:proofErr`, revision marks `w:ins`,
  a change of formatting, `w:br` line breaks);
- an automatic hyperlink that stopped at a space (Word makes one as a link with a space in it is
  typed): the hyperlink covers the first part, the rest follows as plain text. The whole repaired
  link becomes the text of that one hyperlink, and its target the repaired link;
- the body, tables, text boxes, headers, footers, footnotes and endnotes.

The zip is rewritten entry by entry: every part the writer did not change is copied as it was, and
a changed part keeps its namespaces and everything but the link. The text a link spans is found
the way `extract.docx` reads it (every `w:t`, tabs and breaks as characters), one paragraph at a
time; a link the writer cannot place is left alone, and the read-back proof (`proof.py`) then
refuses the file.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
W = "{" + W_NS + "}"
R_ID = "{" + R_NS + "}id"
HYPERLINK_REL = R_NS + "/hyperlink"
_PARTS = re.compile(r"^word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml$")
# What each run child contributes to a paragraph's text, as archivecheck.extract.docx reads it.
_ONE_CHAR = {f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n", f"{W}noBreakHyphen": "\u2011",
             f"{W}softHyphen": "\u00ad"}
_FIELD_URL = re.compile(r'(HYPERLINK\s+")([^"]+)(")', re.IGNORECASE)


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                           remove_blank_text=False)


def corrected_docx(data: bytes, mapping: dict[str, str]) -> bytes:
    """The .docx `data` with every link in `mapping` (text as found → link to write) replaced, text
    and target, wherever Word keeps it. Raises ValueError when the file is not a readable .docx."""
    from lxml import etree

    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        names = source.namelist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ValueError(f"not a readable Word document ({error})") from None
    changed: dict[str, bytes] = {}
    with source:
        for name in names:
            if not _PARTS.match(name) or not mapping:
                continue
            try:
                root = etree.fromstring(source.read(name), _parser())
            except etree.LxmlError as error:
                raise ValueError(f"{name} is not readable XML ({error})") from None
            rels = _Relationships(source, name)
            if not _correct_part(root, rels, mapping):
                continue
            changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            if rels.changed:
                changed[rels.path] = rels.serialise()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                target.writestr(item, changed.pop(item.filename, None) or source.read(item.filename))
            for name, payload in changed.items():  # a .rels part the letter did not have yet
                target.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), payload,
                                compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


class _Relationships:
    """One part's relationships (`word/_rels/<part>.rels`): read, add hyperlinks, write back."""

    def __init__(self, archive: zipfile.ZipFile, part: str):
        from lxml import etree

        folder, base = part.rsplit("/", 1)
        self.path = f"{folder}/_rels/{base}.rels"
        self.changed = False
        if self.path in archive.namelist():
            self.root = etree.fromstring(archive.read(self.path), _parser())
        else:
            self.root = etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})

    def _all(self):
        return self.root.findall(f"{{{PR_NS}}}Relationship")

    def target(self, rid: str | None) -> str | None:
        """The external target of relationship `rid`, or None (none, or an internal one)."""
        for rel in self._all():
            if rel.get("Id") == rid and rel.get("TargetMode") == "External":
                return rel.get("Target")
        return None

    def hyperlink(self, url: str) -> str:
        """The id of an external hyperlink relationship to `url`, added when there is none."""
        for rel in self._all():
            if rel.get("Type") == HYPERLINK_REL and rel.get("TargetMode") == "External" and rel.get("Target") == url:
                return rel.get("Id")
        taken = {rel.get("Id") for rel in self._all()}
        number = 1
        while f"rIdArchivecheck{number}" in taken:
            number += 1
        rel = self.root.makeelement(f"{{{PR_NS}}}Relationship", {
            "Id": f"rIdArchivecheck{number}", "Type": HYPERLINK_REL, "Target": url, "TargetMode": "External"})
        self.root.append(rel)
        self.changed = True
        return rel.get("Id")

    def serialise(self) -> bytes:
        from lxml import etree

        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _correct_part(root, rels: _Relationships, mapping: dict[str, str]) -> bool:
    """Put right every link of `mapping` in one part; True when anything changed."""
    changed = False
    for paragraph in list(root.iter(f"{W}p")):
        changed |= _correct_paragraph(paragraph, rels, mapping)
    # Targets with no text of their own to match (a hyperlink over words, "the report"), or whose
    # text was put right above while the target is a damaged link of the mapping too.
    for link in root.iter(f"{W}hyperlink"):
        target = rels.target(link.get(R_ID))
        if target in mapping:
            link.set(R_ID, rels.hyperlink(mapping[target]))
            changed = True
    for simple in root.iter(f"{W}fldSimple"):
        instruction = simple.get(f"{W}instr") or ""
        new = _FIELD_URL.sub(lambda m: m.group(1) + mapping.get(m.group(2), m.group(2)) + m.group(3), instruction)
        if new != instruction:
            simple.set(f"{W}instr", new)
            changed = True
    for paragraph in root.iter(f"{W}p"):
        for field in _complex_fields(paragraph):
            url = field.url()
            if url in mapping:
                field.set_url(mapping[url])
                changed = True
    return changed


# -- a paragraph's own text ----------------------------------------------------------------------

def _own_runs(paragraph) -> list:
    """The runs whose nearest paragraph is `paragraph` (a text box's runs belong to its own
    paragraphs), in document order."""
    return [run for run in paragraph.iter(f"{W}r") if _nearest(run, f"{W}p") is paragraph]


def _nearest(node, tag):
    parent = node.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _length(child) -> int:
    if child.tag == f"{W}t":
        return len(child.text or "")
    return len(_ONE_CHAR.get(child.tag, ""))


def _pieces(paragraph) -> list[tuple[object, object, int, int]]:
    """(run, child, start, end) for each text-bearing child of the paragraph's own runs."""
    pieces, offset = [], 0
    for run in _own_runs(paragraph):
        for child in run:
            length = _length(child)
            if length:
                pieces.append((run, child, offset, offset + length))
                offset += length
    return pieces


def _text(pieces) -> str:
    return "".join((child.text or "") if child.tag == f"{W}t" else _ONE_CHAR[child.tag] for _, child, _, _ in pieces)


def _correct_paragraph(paragraph, rels: _Relationships, mapping: dict[str, str]) -> bool:
    changed = False
    done_until = 0
    # One replacement at a time, re-reading the paragraph after each: every edit moves offsets.
    while True:
        text = _text(_pieces(paragraph))
        hits = []
        for found in mapping:
            at = find_whole(text, found, done_until)
            if at >= 0:
                hits.append((at, -len(found), found))
        if not hits:
            return changed
        start, _, found = min(hits)
        _replace(paragraph, start, start + len(found), mapping[found], rels)
        changed = True
        done_until = start + len(mapping[found])


def _continues(ch: str) -> bool:
    return ch.isalnum() or ch == "/"


def find_whole(text: str, found: str, start: int = 0) -> int:
    """Where `found` stands in `text` from `start` as a whole link, not as the start or the end of
    a longer one (a letter citing both ".../a" and ".../a/b" must not have the second cut): -1 if
    nowhere. The link finder never stops before a letter, digit or slash, nor starts after one."""
    at = text.find(found, start)
    while at >= 0:
        end = at + len(found)
        if not (end < len(text) and _continues(text[end]) and _continues(found[-1:] or " ")) and \
                not (at > 0 and _continues(text[at - 1]) and _continues(found[:1] or " ")):
            return at
        at = text.find(found, at + 1)
    return -1


def _replace(paragraph, start: int, end: int, url: str, rels: _Relationships) -> None:
    """Replace the paragraph's characters [start, end) by `url`, as one hyperlink to `url`."""
    _split_at(paragraph, start)
    _split_at(paragraph, end)
    inside = [(run, child) for run, child, s, e in _pieces(paragraph) if s >= start and e <= end]
    runs = list(dict.fromkeys(run for run, _ in inside))
    first = runs[0]
    fields = [f for f in _complex_fields(paragraph) if f.shows(first)]
    hyperlink = next((h for h in (_nearest_within(run, f"{W}hyperlink", paragraph) for run in runs) if h is not None),
                     None)
    simple = _nearest_within(first, f"{W}fldSimple", paragraph)
    new_run = _text_run(first, url)
    if hyperlink is not None and _nearest_within(first, f"{W}hyperlink", paragraph) is not hyperlink:
        # The damaged link starts before the hyperlink that covers the rest of it: the whole
        # link's text goes at the hyperlink's start.
        hyperlink.insert(_first_run_index(hyperlink), new_run)
    else:
        first.addprevious(new_run)
    for run, child in inside:
        run.remove(child)
    for run in runs:
        if all(child.tag == f"{W}rPr" for child in run):
            run.getparent().remove(run)
    if hyperlink is not None:
        if hyperlink.get(R_ID) is not None or hyperlink.get(f"{W}anchor") is None:
            hyperlink.set(R_ID, rels.hyperlink(url))
    elif simple is not None and _FIELD_URL.search(simple.get(f"{W}instr") or ""):
        simple.set(f"{W}instr", _FIELD_URL.sub(lambda m: m.group(1) + url + m.group(3), simple.get(f"{W}instr"), 1))
    elif fields and fields[-1].url() is not None:
        fields[-1].set_url(url)
    else:
        _wrap_in_hyperlink(new_run, rels.hyperlink(url))
    _drop_empty(paragraph)


def _nearest_within(node, tag, stop):
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return parent
        parent = parent.getparent()
    return None


def _first_run_index(container) -> int:
    for index, child in enumerate(container):
        if child.tag not in (f"{W}rPr", f"{W}proofErr", f"{W}bookmarkStart", f"{W}bookmarkEnd"):
            return index
    return len(container)


# Run containers a hyperlink may not stand in (the schema's EG_ContentRunContent): a new hyperlink
# is lifted out of them, the container cut in two around it.
_RUN_ONLY = (f"{W}ins", f"{W}smartTag", f"{W}customXml", f"{W}moveTo")


def _wrap_in_hyperlink(run, rid: str) -> None:
    """Make `run` the text of a new hyperlink, in place."""
    parent = run.getparent()
    while parent.tag in _RUN_ONLY:
        after = list(parent)[parent.index(run) + 1:]
        if after:
            tail = parent.makeelement(parent.tag, dict(parent.attrib))
            tail.extend(after)
            parent.addnext(tail)
        parent.addnext(run)
        if not any(True for _ in parent.iter(f"{W}r")):
            parent.getparent().remove(parent)
        parent = run.getparent()
    link = run.makeelement(f"{W}hyperlink", {}, nsmap={"r": R_NS})
    link.set(R_ID, rid)
    run.addprevious(link)
    link.append(run)


def _drop_empty(paragraph) -> None:
    """Containers the edit emptied of text (the plain-text rest of a cut hyperlink, a revision
    mark around it) go with it; a hyperlink with no run would be a link with nothing to click."""
    for tag in (f"{W}hyperlink", f"{W}ins", f"{W}smartTag"):
        for element in list(paragraph.iter(tag)):
            if not any(True for _ in element.iter(f"{W}r")) and len(element) == sum(
                    1 for child in element if child.tag in (f"{W}proofErr", f"{W}rPr", f"{W}smartTagPr")):
                element.getparent().remove(element)


def _split_at(paragraph, at: int) -> None:
    """Split the run holding character `at` so that `at` starts a run of its own."""
    for run, child, s, e in _pieces(paragraph):
        if s < at < e:
            second = copy.deepcopy(run)
            run.addnext(second)
            offset = _run_start(paragraph, run)
            _keep(run, 0, at - offset, first=True)
            _keep(second, at - offset, None, first=False)
            return


def _run_start(paragraph, run) -> int:
    return next(s for r, _, s, _ in _pieces(paragraph) if r is run)


def _keep(run, start: int, end: int | None, *, first: bool) -> None:
    """Cut `run` down to its characters [start, end). A zero-width child (a drawing, a field
    character, a footnote reference) stays with the first half only, so a split never doubles it."""
    offset = 0
    for child in list(run):
        if child.tag == f"{W}rPr":
            continue
        length = _length(child)
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
    """A run showing `url` with `template`'s formatting."""
    run = template.makeelement(f"{W}r", {})
    props = template.find(f"{W}rPr")
    if props is not None:
        run.append(copy.deepcopy(props))
    t = run.makeelement(f"{W}t", {})
    t.text = url
    run.append(t)
    return run


# -- complex fields ------------------------------------------------------------------------------

class _Field:
    """A complex field opened in a paragraph: its instruction's `w:instrText` elements and the
    runs that show its result."""

    def __init__(self):
        self.instructions: list = []
        self.result_runs: list = []

    def instruction(self) -> str:
        return "".join(element.text or "" for element in self.instructions)

    def url(self) -> str | None:
        found = _FIELD_URL.search(self.instruction())
        return found.group(2) if found else None

    def set_url(self, url: str) -> None:
        # The instruction is often cut over several runs: written whole into the first.
        new = _FIELD_URL.sub(lambda m: m.group(1) + url + m.group(3), self.instruction(), 1)
        self.instructions[0].text = new
        self.instructions[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        for element in self.instructions[1:]:
            element.text = ""

    def shows(self, run) -> bool:
        return any(r is run for r in self.result_runs)


def _complex_fields(paragraph) -> list[_Field]:
    """The HYPERLINK-capable complex fields begun in this paragraph, outermost first."""
    fields: list[_Field] = []
    stack: list[tuple[_Field, str]] = []
    for run in _own_runs(paragraph):
        for child in run:
            if child.tag == f"{W}fldChar":
                kind = child.get(f"{W}fldCharType")
                if kind == "begin":
                    field = _Field()
                    fields.append(field)
                    stack.append((field, "instruction"))
                elif kind == "separate" and stack:
                    stack[-1] = (stack[-1][0], "result")
                elif kind == "end" and stack:
                    stack.pop()
            elif child.tag == f"{W}instrText" and stack:
                stack[-1][0].instructions.append(child)
            elif _length(child) and stack:
                for field, state in stack:
                    if state == "result" and (not field.result_runs or field.result_runs[-1] is not run):
                        field.result_runs.append(run)
    return [field for field in fields if field.instructions]
