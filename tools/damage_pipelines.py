"""Push real archive links through the real tools that damage them; write the cases to fixtures/pipelines/.

    python tools/damage_pipelines.py            # all pipelines (LibreOffice, pdftotext, pandoc … must be installed)
    python tools/damage_pipelines.py --only mail-qp-raw,fold

Each case is one link put in a sentence of a letter, the letter passed through one pipeline of real
tools, and the text that came out around the link kept: ``{"id", "link", "split", "pipeline",
"options", "text"}``. ``split`` is ``dev`` (the real-world corpus's intended links, which the repair
rules were written against) or ``heldout`` (real links from sources nobody looked at while writing
rules: fixtures/pipelines/heldout_links.tsv). Nothing here is scored: tests/test_pipelines.py and
bench/bench_pipelines.py read the cases.

The tools, and what each pipeline does (docs/damage-model.md says what each does to a link):
  lo-pdftotext, lo-pdftotext-layout, lo-pdftotext-raw, lo-pypdf, lo-mutool — a letter written as an
    OpenDocument text (justified, automatic hyphenation on or off, several fonts and column widths,
    a running header and page numbers), converted to PDF by LibreOffice headless, read back by
    poppler's pdftotext in its three modes, by pypdf and by MuPDF's mutool;
  mail-qp-raw / mail-qp-decoded — Python's email package writes the letter quoted-printable
    (several line lengths); the body is read as the raw message shows it, and decoded;
  fold — coreutils ``fold -w N`` and ``fold -s -w N``; fmt — coreutils ``fmt -w N``;
  reply-quote — a wrapped letter quoted by a reply (``> `` per line, one or two levels), some
    re-wrapped with ``fmt -p '>'``;
  pandoc-markdown / pandoc-plain / pandoc-rst — pandoc from HTML (the link as an anchor) at
    several ``--columns``; html2text — the PyPI html2text at several body widths.
"""
from __future__ import annotations

import argparse
import email.policy
import html
import json
import quopri
import random
import re
import shutil
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "fixtures" / "pipelines"

BEFORE = [
    "The information you asked for was published and is available in the web archive at",
    "As explained in our earlier reply, this is reasonably accessible to you by other means:",
    "Section 21 applies because the document can be found at",
    "You may find the archived copy of the guidance here:",
]
AFTER = [
    "and we are therefore not required to provide it.",
    "Please let us know if you cannot open it.",
    "This page was captured before the site was closed.",
    "(accessed 3 March 2024).",
]


def load_links() -> list[dict]:
    """The corpus's intended links (dev) and the held-out list, each once, in a fixed order."""
    links: dict[str, dict] = {}
    for case in json.loads((ROOT / "fixtures" / "realworld" / "cases.json").read_text("utf-8")):
        url = case["intended"]
        if "/timeline/" in url or " " in url:
            continue
        links.setdefault(url, {"link": url, "split": "dev", "source": f"realworld:{case['id']}"})
    for line in (OUT / "heldout_links.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            url, source = line.split("\t", 1)
            links.setdefault(url, {"link": url, "split": "heldout", "source": source})
    return list(links.values())


def sentence(n: int, link: str) -> str:
    return f"Ref {n}. {BEFORE[n % len(BEFORE)]} {link} {AFTER[n % len(AFTER)]}"


def between_refs(text: str, count: int) -> dict[int, str]:
    """Each reference's text, cut out of a whole extracted document at the "Ref N." markers."""
    marks = [(m.start(), int(m.group(1))) for m in re.finditer(r"Ref[ \t\n]*(\d+)\.", text)]
    out = {}
    for i, (start, n) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        if 0 <= n < count and n not in out:
            out[n] = text[start:end].rstrip()
    return out


# ----- LibreOffice -> PDF -> extractors ---------------------------------------------------------

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="F" svg:font-family="'{font}'"/></office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:text-align="{align}" fo:margin-bottom="0.2cm"/>
  <style:text-properties style:font-name="F" fo:font-size="{size}pt" fo:language="en" fo:country="GB"
   fo:hyphenate="{hyphenate}" fo:hyphenation-remain-char-count="2" fo:hyphenation-push-char-count="2"/>
 </style:default-style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="PL"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
   fo:margin-left="{margin}cm" fo:margin-right="{margin}cm" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm"/>
  <style:header-style/><style:footer-style/></style:page-layout>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="PL">
 <style:header><text:p>Freedom of Information request FOI-2024-0113</text:p></style:header>
 <style:footer><text:p>Page <text:page-number text:select-page="current"/></text:p></style:footer>
</style:master-page></office:master-styles>
<office:body><office:text>
{paragraphs}
</office:text></office:body></office:document>
"""

# (name, font, size, margin cm, hyphenate, align): several fonts, sizes and column widths.
LAYOUTS = [
    ("serif12-hyph-justify", "Liberation Serif", 12, 2.5, True, "justify"),
    ("serif12-nohyph-justify", "Liberation Serif", 12, 2.5, False, "justify"),
    ("sans10-hyph-narrow", "Liberation Sans", 10, 6.0, True, "justify"),
    ("sans11-nohyph-left", "DejaVu Sans", 11, 4.0, False, "start"),
    ("serif11-hyph-narrow", "DejaVu Serif", 11, 5.5, True, "justify"),
    ("mono9-hyph-justify", "Liberation Mono", 9, 3.0, True, "justify"),
]

EXTRACTORS = {
    "lo-pdftotext": ["pdftotext", "-enc", "UTF-8", "{pdf}", "-"],
    "lo-pdftotext-layout": ["pdftotext", "-enc", "UTF-8", "-layout", "{pdf}", "-"],
    "lo-pdftotext-raw": ["pdftotext", "-enc", "UTF-8", "-raw", "{pdf}", "-"],
    "lo-mutool": ["mutool", "draw", "-q", "-F", "txt", "-o", "-", "{pdf}"],
}


def libreoffice_cases(links: list[dict], work: Path) -> list[dict]:
    from pypdf import PdfReader

    docs = []
    for name, font, size, margin, hyphenate, align in LAYOUTS:
        paragraphs = "\n".join(f"<text:p>{html.escape(sentence(n, item['link']))}</text:p>" for n, item in enumerate(links))
        path = work / f"{name}.fodt"
        path.write_text(FODT.format(font=font, size=size, margin=margin, hyphenate=str(hyphenate).lower(),
                                    align=align, paragraphs=paragraphs), "utf-8")
        docs.append(path)
    # One soffice call converts every document: starting LibreOffice is most of its cost.
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/profile", "--convert-to", "pdf",
                    "--outdir", str(work), *map(str, docs)], check=True, capture_output=True, timeout=900)
    cases = []
    for (name, font, size, margin, hyphenate, align), doc in zip(LAYOUTS, docs):
        pdf = doc.with_suffix(".pdf")
        options = {"layout": name, "font": font, "size": size, "margin_cm": margin, "hyphenate": hyphenate, "align": align}
        texts = {}
        for pipeline, command in EXTRACTORS.items():
            run = subprocess.run([a.replace("{pdf}", str(pdf)) for a in command], capture_output=True, timeout=300)
            texts[pipeline] = run.stdout.decode("utf-8", "replace")
        texts["lo-pypdf"] = "\n".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages)
        for pipeline, text in texts.items():
            for n, piece in between_refs(text, len(links)).items():
                cases.append({**links[n], "pipeline": pipeline, "options": options, "text": piece})
    return cases


# ----- mail ---------------------------------------------------------------------------------------

def mail_cases(links: list[dict]) -> list[dict]:
    cases = []
    for n, item in enumerate(links):
        body = "Dear requester,\n\n" + sentence(n, item["link"]) + "\n\nYours sincerely,\nInformation Rights Team\n"
        for linelen in (76, 60, 40):
            # The email package's own quoted-printable body encoder, at the line length a mailer chose.
            raw = quopri.encodestring(body.encode("utf-8")).decode("ascii") if linelen == 76 else None
            message = EmailMessage(policy=email.policy.SMTP.clone(max_line_length=linelen))
            message["Subject"] = "Your request"
            message.set_content(body, cte="quoted-printable")
            source = message.as_string()
            raw_body = source.split("\r\n\r\n", 1)[1] if "\r\n\r\n" in source else source.split("\n\n", 1)[1]
            raw_body = raw_body.replace("\r\n", "\n")
            if raw is not None and raw_body.strip() == "":
                raw_body = raw
            decoded = email.message_from_string(source, policy=email.policy.default).get_content()
            options = {"max_line_length": linelen, "cte": "quoted-printable"}
            cases.append({**item, "pipeline": "mail-qp-raw", "options": options, "text": raw_body})
            cases.append({**item, "pipeline": "mail-qp-decoded", "options": options, "text": decoded})
    return cases


# ----- coreutils, reply quoting -------------------------------------------------------------------

def _run(command: list[str], text: str) -> str:
    # fold counts bytes, not characters: it may cut a multi-byte character in two, and that is
    # what a reader then sees (U+FFFD), so keep it.
    run = subprocess.run(command, input=text.encode("utf-8"), capture_output=True, check=True)
    return run.stdout.decode("utf-8", "replace")


def wrap_cases(links: list[dict]) -> list[dict]:
    cases = []
    for n, item in enumerate(links):
        text = sentence(n, item["link"]) + "\n"
        for width in (40, 60, 72):
            cases.append({**item, "pipeline": "fold", "options": {"command": f"fold -w {width}"}, "text": _run(["fold", "-w", str(width)], text)})
            cases.append({**item, "pipeline": "fold", "options": {"command": f"fold -s -w {width}"}, "text": _run(["fold", "-s", "-w", str(width)], text)})
            cases.append({**item, "pipeline": "fmt", "options": {"command": f"fmt -w {width}"}, "text": _run(["fmt", "-w", str(width)], text)})
        for width, depth, rewrap in ((72, 1, None), (60, 2, None), (72, 1, 66), (76, 2, 60), (50, 1, 72)):
            wrapped = _run(["fold", "-s", "-w", str(width)], "On 3 March the council wrote:\n\n" + text)
            quoted = wrapped
            for _ in range(depth):
                quoted = "".join("> " + line if line.strip() else ">\n" for line in quoted.splitlines(keepends=True))
            command = f"fold -s -w {width} | quote x{depth}"
            if rewrap:
                # A mail client re-flowing the quoted text to its own width (fmt keeps the "> " prefix).
                quoted = _run(["fmt", "-p", ">", "-w", str(rewrap)], quoted)
                command += f" | fmt -p '>' -w {rewrap}"
            cases.append({**item, "pipeline": "reply-quote", "options": {"command": command}, "text": "Thanks.\n\n" + quoted})
    return cases


# ----- converters -----------------------------------------------------------------------------------

def converter_cases(links: list[dict]) -> list[dict]:
    import html2text

    cases = []
    for n, item in enumerate(links):
        link = html.escape(item["link"], quote=True)
        before, after = BEFORE[n % len(BEFORE)], AFTER[n % len(AFTER)]
        page = f"<p>Ref {n}. {before} <a href=\"{link}\">{link}</a> {after}</p>"
        for target in ("markdown", "plain", "rst"):
            for columns in (40, 72):
                out = _run(["pandoc", "-f", "html", "-t", target, f"--columns={columns}"], page)
                cases.append({**item, "pipeline": f"pandoc-{target}", "options": {"command": f"pandoc -f html -t {target} --columns={columns}"}, "text": out})
        for width in (40, 78):
            converter = html2text.HTML2Text(bodywidth=width)
            cases.append({**item, "pipeline": "html2text", "options": {"bodywidth": width}, "text": converter.handle(page)})
            converter = html2text.HTML2Text(bodywidth=width)
            bare = f"<p>Ref {n}. {before} {link} {after}</p>"  # the link typed as text, no anchor
            cases.append({**item, "pipeline": "html2text", "options": {"bodywidth": width, "anchor": False}, "text": converter.handle(bare)})
    return cases


GENERATORS = {"libreoffice": None, "mail": mail_cases, "wrap": wrap_cases, "converters": converter_cases}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(GENERATORS), help="comma-separated: " + ",".join(GENERATORS))
    args = parser.parse_args(argv)
    links = load_links()
    wanted = args.only.split(",")
    cases: list[dict] = []
    for name in wanted:
        if name == "libreoffice":
            if not shutil.which("soffice"):
                print("soffice not found", file=sys.stderr)
                return 2
            with tempfile.TemporaryDirectory() as work:
                cases += libreoffice_cases(links, Path(work))
        else:
            cases += GENERATORS[name](links)
    for number, case in enumerate(cases):
        case["id"] = f"{case['pipeline']}-{number}"
    for name in wanted:
        part = [c for c in cases if _group(c["pipeline"]) == name]
        path = OUT / f"{name}.json"
        path.write_text("[\n" + ",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in part) + "\n]\n", "utf-8")
        print(f"{path.relative_to(ROOT)}: {len(part)} cases", file=sys.stderr)
    return 0


def _group(pipeline: str) -> str:
    if pipeline.startswith("lo-"):
        return "libreoffice"
    if pipeline.startswith("mail-"):
        return "mail"
    if pipeline in ("fold", "fmt", "reply-quote"):
        return "wrap"
    return "converters"


if __name__ == "__main__":
    raise SystemExit(main())
