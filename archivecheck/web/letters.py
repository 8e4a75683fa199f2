"""The web page's corrected letter is written by `archivecheck.corrected` under the rule of
`archivecheck.citable` (see web/decisions.py for the caseworker's choices); these names stay here
for the page's callers.
"""

from __future__ import annotations

from ..corrected import corrected_docx, corrected_text  # noqa: F401  (the page's writers)
