"""How evidence packs are named in reports, and what `evidence verify` prints (#22)."""

from __future__ import annotations

from collections.abc import Sequence

from . import md_cell


def packs_text(packs: Sequence) -> str:
    """Lines for the end of a text report: each WACZ written, its SHA-256, what it holds."""
    return "".join(f"evidence: {p.path}\n          SHA-256 {p.sha256} ({_holds(p)})\n" for p in packs)


def packs_markdown(packs: Sequence) -> str:
    """A section for the markdown evidence record naming each WACZ and its SHA-256."""
    if not packs:
        return ""
    out = ["## Evidence packs", "",
           "The HTTP exchanges behind these verdicts, as the archives sent them, packaged as WACZ"
           " (WARC records with an index and digests). Check one with"
           " `archivecheck evidence verify FILE.wacz`; open it in ReplayWeb.page to see the captures.", "",
           "| Letter | WACZ | SHA-256 | Holds |", "|---|---|---|---|"]
    for p in packs:
        out.append(f"| {md_cell(p.letter or '—')} | `{md_cell(p.path.name)}` | `{p.sha256}` | {md_cell(_holds(p))} |")
    return "\n".join(out) + "\n"


def _holds(pack) -> str:
    signed = "signed" if pack.signed else "not signed"
    return (f"{pack.exchanges} HTTP exchange{'s' if pack.exchanges != 1 else ''}, {pack.pages} verified"
            f" capture{'s' if pack.pages != 1 else ''}, {pack.size:,} bytes, {signed}")


def render_pack_check(check) -> str:
    """`evidence verify`'s report: one line per thing checked, then the verdict."""
    lines = [f"{'✓' if f.ok else '✗'} {f.what}" for f in check.findings]
    failed = sum(not f.ok for f in check.findings)
    if failed:
        lines.append(f"{check.path}: {failed} of {len(check.findings)} checks FAIL: the pack is not as it was written")
    else:
        lines.append(f"{check.path}: all {len(check.findings)} checks hold"
                     + ("" if check.signed else " (unsigned: the digests show it is unchanged, not who made it)"))
    return "\n".join(lines) + "\n"
