"""Evidence that stands on its own (#22): each verification's HTTP exchanges, kept as WARC records
(recorder.py), packaged as a WACZ with its digests and, optionally, the organisation's signature
(wacz.py, signing.py), and checked again by `archivecheck evidence verify` (wacz.verify_wacz)."""

from __future__ import annotations

from .recorder import Exchange, Recorder
from .wacz import Evidence, EvidencePack, PackCheck, verify_wacz

__all__ = ["Evidence", "EvidencePack", "Exchange", "PackCheck", "Recorder", "verify_wacz"]
