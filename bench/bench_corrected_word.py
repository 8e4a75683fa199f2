"""Does a real word processor read the corrected Word letters as the read-back proof does? (#18)

For each Word letter under fixtures/letters/word/, the damaged link is put right as the archive
would confirm it (the reference link), the corrected .docx is written by archivecheck.corrected,
then LibreOffice headless — a reader independent of ours — converts it to HTML, and every
hyperlink to the link is compared with the link: its target and its text. Needs `soffice` on the
PATH, so it is a bench, not a test (CI has no LibreOffice).

    python bench/bench_corrected_word.py
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archivecheck.corrected import correct_letter  # noqa: E402
from archivecheck.extract import extract_links  # noqa: E402
from archivecheck.repair import repair_link  # noqa: E402
from tests.reference import REFERENCE_LINK  # noqa: E402

ANCHOR = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)


def main() -> int:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("no soffice on the PATH")
        return 2
    letters = sorted((ROOT / "fixtures" / "letters" / "word").glob("*.docx"))
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        started = time.perf_counter()
        for path in letters:
            data = path.read_bytes()
            extracted = extract_links(data, path.name)
            mapping = {link.text: REFERENCE_LINK for link in extracted.links
                       if link.text != REFERENCE_LINK and repair_link(link.text).url == REFERENCE_LINK}
            corrected = correct_letter(data, path.name, extracted, mapping)
            if corrected.data is None:
                print(f"{path.name}: refused: {corrected.refused}")
                continue
            (work / path.name).write_bytes(corrected.data)
        writing = time.perf_counter() - started
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{work}/profile", "--convert-to", "html",
                        "--outdir", str(work / "html"), *map(str, sorted(work.glob("*.docx")))],
                       check=True, capture_output=True, timeout=600)
        good = total = 0
        print("| letter | hyperlinks to the link | target and text both the link | damaged text left |")
        print("|---|---|---|---|")
        for page in sorted((work / "html").glob("*.html")):
            source = page.read_text("utf-8", "replace")
            anchors = [(html.unescape(href), "".join(re.sub(r"<[^>]+>", "", html.unescape(text)).split()))
                       for href, text in ANCHOR.findall(source) if "ico.org.uk" in href + text]
            right = sum(1 for href, text in anchors if href == text == REFERENCE_LINK)
            text = re.sub(r"<[^>]+>", "", html.unescape(source))
            left = "2022020121041 3" in text or "andadvisory" in text or "\\_" in text
            good += right
            total += len(anchors)
            print(f"| {page.stem} | {len(anchors)} | {right} | {'yes' if left else 'no'} |")
        print(f"\n{good}/{total} hyperlinks right as LibreOffice reads them; "
              f"{len(letters)} letters corrected and proven in {writing:.2f} s")
    return 0 if good == total else 1


if __name__ == "__main__":
    sys.exit(main())
