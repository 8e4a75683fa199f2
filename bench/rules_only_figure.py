"""Issue #17, session 3: a labelled set's figures under the RULES alone (errorpages.toml's families and
the request-subject lexicon), the learned score silenced by a model without weights — what the rules
carry to pages they never saw, apart from a model that may have been trained on them.

    PYTHONPATH=. python bench/rules_only_figure.py 2026-12-06-s3      # a batch of labels.json
    PYTHONPATH=. python bench/rules_only_figure.py dev                # the untagged development set
    PYTHONPATH=/tmp/old python bench/rules_only_figure.py dev         # another commit's rules (git archive into /tmp/old)

The pages and labels are always this checkout's; the rules are whatever `archivecheck` imports.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "errorpages"


def main(argv=None) -> int:
    batch = (argv or sys.argv[1:] or ["dev"])[0]
    from archivecheck import pagemodel
    from tests.errorpages import _as_html, judge, score

    silent = pagemodel.Model(bias=-9.0, weights={}, broken_at=0.95, unsure_at=0.5, trained_on={})
    pagemodel.load = lambda: silent

    class Page:
        def __init__(self, entry):
            raw = (ROOT / entry["file"]).read_bytes()
            if entry["content"] == "visible-text":
                raw = _as_html(raw.decode("utf-8", "replace"))
            elif entry["content"] == "html-fragment":
                raw = b"<!DOCTYPE html><html><body>" + raw + b"</body></html>"
            self.file, self.body, self.is_error = entry["file"], raw, entry["label"] == "error"

    labels = json.loads((ROOT / "labels.json").read_text(encoding="utf-8"))
    pages = [Page(e) for e in labels if e.get("batch") == batch or (batch == "dev" and not e.get("batch"))]
    judged = {p.file: judge(p) for p in pages}
    s = score(pages, {f: not j.fits for f, j in judged.items()})
    print(f"{batch}, rules alone: recall {s.recall:.3f} ({s.true_pos}/{s.true_pos + s.false_neg}), "
          f"false-broken {s.false_pos}/{s.false_pos + s.true_neg}")
    for p in pages:
        if (not judged[p.file].fits) != p.is_error:
            print(("  missed error page: " if p.is_error else "  ordinary page called an error: ") + p.file
                  + ("" if p.is_error else f" ({judged[p.file].family})"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
