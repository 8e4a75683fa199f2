"""Word letters (.docx): body paragraphs (tables included), then footnotes, endnotes, headers and
footers, with every hyperlink's target and HYPERLINK field.

The zip is read part by part, each through a cap on its *expanded* size, and each XML part is
streamed through a parser that never builds a tree and never expands entities: memory follows the
text a letter holds, not what its XML claims to hold. Images and other parts are never inflated.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib

from .limits import (MAX_EXPANDED_BYTES, MAX_PARAGRAPH_NESTING, MAX_PART_BYTES, CappedReader,
                     check_text_size)
from .records import ExtractedText, Reader, UnreadableInput
from .textscan import extract_text_links, hyperlinks, in_order

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FIELD_URL = re.compile(r'HYPERLINK\s+"([^"]+)"', re.IGNORECASE)
_EXTRA_PART = re.compile(r"^word/(footnotes|endnotes|header\d*|footer\d*)\.xml$")
_MAIN = "word/document.xml"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Run content that stands for a character (text itself comes from <w:t>).
_CHARACTERS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "\u2011",
               f"{_W}softHyphen": "\u00ad"}


def sniff(data: bytes, suffix: str) -> bool:
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if _MAIN in archive.namelist():
                    return True
        except (zipfile.BadZipFile, ValueError, OSError) as error:
            raise UnreadableInput(f"damaged zip archive ({error})") from None
        raise UnreadableInput("a zip archive but not a Word document")
    if suffix == "docx":
        raise UnreadableInput("not a Word document (not a zip archive)")
    return False


class _NoDoctype:
    """Parser-target base: refuses a DOCTYPE. Word never writes one, and a streaming parser hands
    internal entities to its target expanded whatever it is told, so a part with a DTD (the
    "billion laughs" bomb) is refused at its first line instead."""

    def doctype(self, *args):
        from lxml import etree

        raise etree.XMLSyntaxError("a DOCTYPE in a Word part", None, 0, 0)

    def end(self, tag):
        pass

    def data(self, text):
        pass

    def close(self):
        return None


def _safe_parser(target):
    from lxml import etree  # lazy: keeps --help fast

    # No entity expansion, no DTD, no network, and libxml2's own limits on depth and text length.
    return etree.XMLParser(target=target, resolve_entities=False, load_dtd=False, no_network=True,
                           huge_tree=False)


class _Paragraphs(_NoDoctype):
    """Parser target collecting paragraph text and hyperlinks from one part, in document order.

    A paragraph's text is every <w:t> (and tab, break, hyphen) of its own runs. A paragraph nested
    in it (a text box's) is a paragraph of its own, listed after the one around it (the order of
    their start tags), its text not part of the outer one's: glued on, a box's first word ran on
    from the link before it. A text box is stored twice, as a drawing and as its VML fallback
    (`mc:Fallback`) for older readers; only the first is read, so each of its links is listed once.

    Link targets: a `w:hyperlink`'s relationship, a simple field's `w:instr`, and a complex field's
    instruction — every `w:instrText` from its `begin` to its `separate`, which Word often cuts over
    several runs.
    """

    def __init__(self, relationships: dict[str, str], name: str | None, chars_before: int):
        self.relationships = relationships
        self.name = name
        self.chars = chars_before
        self.texts: list[list[str] | None] = []  # per paragraph, filled as its pieces arrive
        self.open: list[int] = []  # indices of open paragraphs, innermost last
        self.lengths: list[int] = []  # text length so far, per open paragraph
        self.anchors: list[list] = []  # [target, paragraph, start, end]
        self.open_links: list[int | None] = []
        self.in_text = 0
        self.instruction: list[str] | None = None
        self.fields: list[list[str] | None] = []  # open complex fields: instruction pieces until `separate`
        self.fallback = 0  # depth inside mc:Fallback, whose content repeats the mc:Choice read before it

    def start(self, tag, attrib):
        if tag == _FALLBACK or self.fallback:
            self.fallback += 1
            return
        if tag == f"{_W}p":
            if len(self.open) >= MAX_PARAGRAPH_NESTING:
                raise UnreadableInput(f"paragraphs nested more than {MAX_PARAGRAPH_NESTING} deep", name=self.name)
            self.open.append(len(self.texts))
            self.texts.append([])
            self.lengths.append(0)
        elif not self.open:
            return
        elif tag == f"{_W}t":
            self.in_text += 1
        elif tag in _CHARACTERS:
            self._add(_CHARACTERS[tag])
        elif tag == f"{_W}hyperlink":
            target = self.relationships.get(attrib.get(_R_ID) or "", "")
            self.open_links.append(len(self.anchors))
            self.anchors.append([target, self.open[-1], self.lengths[-1], None])
        elif tag == f"{_W}instrText":
            self.instruction = []
        elif tag == f"{_W}fldChar":
            kind = attrib.get(f"{_W}fldCharType")
            if kind == "begin":
                self.fields.append([])
            elif kind == "separate" and self.fields:
                self._field_instruction(self.fields[-1])
                self.fields[-1] = None
            elif kind == "end" and self.fields:
                self._field_instruction(self.fields.pop())
        elif tag == f"{_W}fldSimple":
            self._field_instruction([attrib.get(f"{_W}instr") or ""])

    def _field_instruction(self, pieces: list[str] | None) -> None:
        """A field's instruction is complete: a HYPERLINK's target is a link of the letter."""
        field = _FIELD_URL.search("".join(pieces)) if pieces else None
        if field and self.open:
            self.anchors.append([field.group(1), self.open[-1], None, None])

    def end(self, tag):
        if self.fallback:
            self.fallback -= 1
            return
        if tag == f"{_W}p":
            self.open.pop()
            self.lengths.pop()
        elif not self.open:
            return
        elif tag == f"{_W}t":
            self.in_text -= 1
        elif tag == f"{_W}hyperlink" and self.open_links:
            anchor = self.anchors[self.open_links.pop()]
            # A hyperlink closed in another paragraph than it opened in shows no text of its own.
            anchor[3] = self.lengths[-1] if anchor[1] == self.open[-1] else anchor[2]
        elif tag == f"{_W}instrText" and self.instruction is not None:
            if self.fields and self.fields[-1] is not None:
                self.fields[-1].extend(self.instruction)
            else:  # an instruction outside any field Word would run: read on its own, as before
                self._field_instruction(self.instruction)
            self.instruction = None

    def data(self, text):
        if self.fallback:
            return
        if self.instruction is not None:
            self.instruction.append(text)
        elif self.in_text and self.open:
            self._add(text)

    def _add(self, text: str) -> None:
        # The innermost open paragraph holds this text (a text box's text is its own).
        self.texts[self.open[-1]].append(text)
        self.lengths[-1] += len(text)
        self.chars += len(text)
        check_text_size(self.chars, self.name)


def _read_part(archive: zipfile.ZipFile, part: str, budget: list[int], name: str | None) -> CappedReader:
    """A CappedReader over one part; ``budget`` holds the bytes all parts may still expand to."""
    stream = archive.open(part)
    return CappedReader(stream, min(MAX_PART_BYTES, budget[0]), part, name)


def _parse_part(archive: zipfile.ZipFile, part: str, target, budget: list[int], name: str | None) -> None:
    """Stream one part through ``target``; the bytes it inflated to come off ``budget``."""
    reader = _read_part(archive, part, budget, name)
    parser = _safe_parser(target)
    try:
        while chunk := reader.read(65536):
            parser.feed(chunk)
        parser.close()
    finally:
        budget[0] -= reader.count


class _Relationships(_NoDoctype):
    """Parser target for a .rels part: ``external`` maps rId to each external target (a hyperlink's
    address; an internal relationship maps to ""), ``parts`` lists internal targets in order."""

    def __init__(self, folder: str):
        self.folder = folder
        self.external: dict[str, str] = {}
        self.parts: list[str] = []

    def start(self, tag, attrib):
        if not tag.endswith("}Relationship"):
            return
        target = attrib.get("Target", "")
        if attrib.get("TargetMode") == "External":
            self.external[attrib.get("Id", "")] = target
            return
        self.external[attrib.get("Id", "")] = ""
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(self.folder, target))
        self.parts.append(path)


def _relationships(archive: zipfile.ZipFile, part: str, budget: list[int], name: str | None) -> _Relationships:
    folder, base = posixpath.split(part)
    found = _Relationships(folder)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels in archive.namelist():
        _parse_part(archive, rels, found, budget, name)
    return found


# What a damaged part raises while it is inflated and parsed (the caps raise UnreadableInput).
def _damage():
    from lxml import etree

    return (etree.LxmlError, zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, NotImplementedError,
            RuntimeError, ValueError)


def read(data: bytes, name: str | None) -> ExtractedText:
    damage = _damage()
    budget = [MAX_EXPANDED_BYTES]
    paragraphs: list[str] = []
    anchors: list[tuple[str, str, int | None, int | None]] = []
    problems: list[str] = []
    offset = 0
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UnreadableInput(f"damaged zip archive ({error})", name=name) from None
    with archive:
        # The body first (table cells included), then footnotes, endnotes, headers and footers
        # in the order the body's relationships name them: FOI responses often cite their links
        # in footnotes.
        parts, extra = [_MAIN], None
        while parts:
            part = parts.pop(0)
            try:
                relationships = _relationships(archive, part, budget, name)
                collector = _Paragraphs(relationships.external, name, offset)
                _parse_part(archive, part, collector, budget, name)
            except damage as error:
                if part == _MAIN:
                    raise UnreadableInput(f"damaged Word document ({type(error).__name__})", name=name) from None
                # The body's links are still worth having; the letter says which part was lost.
                problems.append(f"{part} is damaged ({type(error).__name__}); links in it are not listed")
                continue
            if extra is None:
                names = set(archive.namelist())
                extra = list(dict.fromkeys(p for p in relationships.parts if _EXTRA_PART.match(p) and p in names))
                parts += extra
            offset = _collect(collector, paragraphs, anchors, offset)
    text = "\n".join(paragraphs)
    links = extract_text_links(text) + hyperlinks(text, anchors)
    return ExtractedText("docx", text, in_order(links), tuple(problems))


def _collect(collector: _Paragraphs, paragraphs: list[str], anchors: list, offset: int) -> int:
    """Append one part's paragraphs, and its hyperlinks placed in the whole text; returns the
    offset where the next part's text starts."""
    first = len(paragraphs)
    starts = []
    for pieces in collector.texts:
        starts.append(offset)
        paragraphs.append("".join(pieces))
        offset += len(paragraphs[-1]) + 1
    for target, paragraph, start, end in collector.anchors:
        if start is None:
            anchors.append((target, "", None, None))
            continue
        shown = paragraphs[first + paragraph][start:end]
        anchors.append((target, shown, starts[paragraph] + start, starts[paragraph] + end))
    return offset


READER = Reader("docx", sniff=sniff, read=read, binary=True)
