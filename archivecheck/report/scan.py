"""The caseworker's text report for `scan`: per letter, per link, what to send."""

from __future__ import annotations

from ..models import DOUBT_MARK

MARK = {"ok": "\u2713 OK", "broken": "\u2717 BROKEN", "not_archived": "\u2717 NOT ARCHIVED",
        "unverifiable": "? COULD NOT VERIFY"}
# An ok the judge doubted (models.Result.doubted, #17 item 5): the caseworker opens it before sending.
UNSURE = "\u2713 OK, CHECK IT"


def render_scan_text(scans) -> str:
    """Per letter, per link: a clear mark, the link to send, and for ok links a ready sentence."""
    out = []
    for s in scans:
        out.append(f"{s.path} ({s.format}, {len(s.results)} link{'s' if len(s.results) != 1 else ''})")
        if s.note:
            out.append(f"  NOT FULLY CHECKED, could not be read: {s.note}")
        elif not s.results:
            out.append("  no links found")
        for link in s.links:
            r = link.result
            where = f"page {link.page}, line {link.line}" if link.page else f"line {link.line}"
            out.append(f"  {UNSURE if r.doubted else MARK[r.status.value]}  ({where})")
            if r.repairs:
                out.append(f"    as written: {' '.join(r.input.split())}")
                out.append(f"    repaired ({', '.join(r.repairs)})")
            if r.uncertain:
                out.append("    UNCERTAIN: the damaged link reads more than one way and no archive settled it;")
                out.append("    check it before sending. Other readings:")
                out += [f"      {alternative}" for alternative in r.alternatives]
            if r.status.value == "ok":
                if r.doubted:
                    out.append(f"    unsure: {r.detail.partition(DOUBT_MARK)[2]}")
                out.append(f"    send: {r.memento_url}")
                out.append(f"    sentence: {link.sentence}")
            else:
                out.append(f"    link: {r.url}")
                out.append(f"    {r.detail}")
                if r.suggestion:
                    out.append(f"    send instead: {r.suggestion}")
                if link.sentence:  # (#20) a link that could not be checked, its document verified elsewhere
                    out.append(f"    sentence: {link.sentence}")
            if link.warning:
                out.append(f"    warning: {link.warning}")
        out.append("")
    total = [r for s in scans for r in s.results]
    ok = sum(r.status.value == "ok" for r in total)
    unsure = sum(r.doubted for r in total)
    out.append(f"{len(total)} link{'s' if len(total) != 1 else ''} in {len(scans)} letter{'s' if len(scans) != 1 else ''}: {ok} ok"
               f"{f' ({unsure} unsure: open before sending)' if unsure else ''}, {len(total) - ok} need attention")
    partial = sum(1 for s in scans if s.note)
    if partial:
        out.append(f"{partial} letter{'s' if partial != 1 else ''} NOT FULLY CHECKED: part of {'them' if partial != 1 else 'it'} "
                   f"could not be read, and links there are not listed")
    return "\n".join(out) + "\n"
