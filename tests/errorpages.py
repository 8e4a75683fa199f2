"""The labelled error-page set (fixtures/errorpages/): loading, and judging each page as a capture.

Pages stored as `visible-text` have no markup (their corpus kept text only); their first line is the
page's title and first heading (fixtures/errorpages/README.md), so they are judged as the HTML
`<title>{first line}</title><h1>{first line}</h1><p>{the rest}</p>` — the only shape we give them —
unless their text is a JSON or XML document (an API's answer), which is its own whole body and is
judged as served.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from archivecheck.judge import judge_document

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "errorpages"


@dataclass(frozen=True)
class LabelledPage:
    file: str
    label: str  # "error" | "ordinary"
    content: str  # "html" | "html-fragment" | "visible-text"
    http_status: int | None
    body: bytes
    # A batch of pages added after the rules were last written (labels.json "batch"): judged and
    # reported, but the development set's hard thresholds wait until the rules take them in.
    batch: str | None = None
    # The address the label holds for (labels.json "judged_at"), where it turns on the address: a
    # directory listing is the document at its folder's own address only (archivecheck/listing.py).
    # Every other page is judged as a capture of PAGE_ADDRESS.
    address: str | None = None

    @property
    def is_error(self) -> bool:
        return self.label == "error"


HELDOUT = ROOT / "heldout"
# A second sealed held-out set, collected later from yet other sources (its README says which); read
# only by tests/test_errorpages.py, for aggregate figures, like HELDOUT.
HELDOUT2 = ROOT / "heldout2"
# A third sealed held-out set (issue #17's last pass), from sources neither earlier set nor the
# development set uses (its README says which); read only by tests/test_errorpages.py, like HELDOUT.
HELDOUT3 = ROOT / "heldout3"
# A fourth sealed held-out set (issue #17's fourth session), sealed 2026-12-07 00:26 before any rule of
# that session landed, mostly real sites' pages (its README says which); read like HELDOUT.
HELDOUT4 = ROOT / "heldout4"
# A fifth sealed held-out set (issue #17's fifth session), sealed 2026-12-07 03:18 before any rule of
# that session was measured on it, with UK public-sector pages first (its README says which); read like HELDOUT.
HELDOUT5 = ROOT / "heldout5"


def load_pages(root: Path = ROOT) -> list[LabelledPage]:
    """The pages labelled in `root`/labels.json (the development set by default; HELDOUT, HELDOUT2,
    HELDOUT3, HELDOUT4 and HELDOUT5 are the sealed held-out sets, which only tests/test_errorpages.py reads, for aggregate figures)."""
    labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
    pages = []
    for entry in labels:
        raw = (root / entry["file"]).read_bytes()
        if entry["content"] == "visible-text" and not _is_data(raw):
            raw = _as_html(raw.decode("utf-8", "replace"))
        elif entry["content"] == "html-fragment":
            raw = b"<!DOCTYPE html><html><body>" + raw + b"</body></html>"
        pages.append(LabelledPage(entry["file"], entry["label"], entry["content"], entry.get("http_status"), raw,
                                  entry.get("batch"), entry.get("judged_at")))
    return pages


def _is_data(raw: bytes) -> bool:
    """Is this kept text a JSON or XML document (an API's answer the corpus stored as a page)? Its
    text is its whole body, so it is judged as it was served, not given a page's shape."""
    text = raw.decode("utf-8", "replace").strip()
    if text.startswith("<?xml"):
        return True
    if text[:1] not in "{[":
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _as_html(text: str) -> bytes:
    first, _, rest = text.strip().partition("\n")
    first = html.escape(first.strip())
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in rest.split("\n") if p.strip())
    return (f"<!DOCTYPE html><html><head><title>{first}</title></head>"
            f"<body><main><h1>{first}</h1>{paragraphs}</main></body></html>").encode("utf-8")


def judged_error(page: LabelledPage) -> bool:
    """Would verify call this page, served as an HTTP 200 capture of an HTML address, not ok?"""
    return not judge(page).fits


def judge(page: LabelledPage):
    """The Judgement verify would reach on this page as an HTTP 200 capture of an HTML address."""
    return judge_document(getattr(page, "address", None) or PAGE_ADDRESS, page.body, page.body, "text/html")


# The address every labelled page is judged at unless its label says otherwise: a page, naming no file type.
PAGE_ADDRESS = "https://example.gov.uk/some/page"


@dataclass(frozen=True)
class Score:
    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int

    @property
    def precision(self) -> float:
        return self.true_pos / (self.true_pos + self.false_pos) if self.true_pos + self.false_pos else 1.0

    @property
    def recall(self) -> float:
        return self.true_pos / (self.true_pos + self.false_neg) if self.true_pos + self.false_neg else 1.0

    @property
    def false_ok_rate(self) -> float:
        """Error pages called ok, as a share of the error pages (1 - recall)."""
        return 1.0 - self.recall

    @property
    def false_broken_rate(self) -> float:
        """Ordinary documents called error pages, as a share of the ordinary ones."""
        return self.false_pos / (self.false_pos + self.true_neg) if self.false_pos + self.true_neg else 0.0


def score(pages: list[LabelledPage], judged: dict[str, bool]) -> Score:
    tp = sum(p.is_error and judged[p.file] for p in pages)
    fp = sum(not p.is_error and judged[p.file] for p in pages)
    fn = sum(p.is_error and not judged[p.file] for p in pages)
    tn = sum(not p.is_error and not judged[p.file] for p in pages)
    return Score(tp, fp, fn, tn)
