"""docs/damage-model.md, row by row: each test is one row of the table, on text the real tool
produced (copied from fixtures/pipelines/, made by tools/damage_pipelines.py; the case id is named)
unless the row says otherwise. Offline throughout, except where a row's readings are settled by the
archive (a fake index here; the local pywb archive in tests/test_pipelines.py)."""
from __future__ import annotations

from urllib.parse import quote

from archivecheck.repair import repair_link, repair_text, rewrite_text

from .repair_formats import FakeIndex

WB = "https://web.archive.org/web/"


def _one(text: str, index=None):
    [result] = repair_text(text, index)
    return result


def _readings(result) -> tuple[str, ...]:
    return (result.url, *result.alternatives)


def test_row_01_quoted_printable_read_raw():
    # mail-qp-raw-456 (Python email, line length 76): soft breaks in the scheme of the original and
    # in the query, "=3D" for "=".
    text = ("Dear requester,\n\nRef 76. The information you asked for was published and is available in the=\n"
            " web archive at https://webarchive.nationalarchives.gov.uk/20110824183840/h=\n"
            "ttp://www.statistics.gov.uk/statbase/ssdataset.asp?vlnk=3D6949 and we are t=\n"
            "herefore not required to provide it.\n")
    result = _one(text)
    assert result.url == ("https://webarchive.nationalarchives.gov.uk/20110824183840/http://www.statistics.gov.uk/"
                          "statbase/ssdataset.asp?vlnk=6949")
    assert not result.uncertain and "quoted-printable" in result.repairs
    # The span is reported where the link lies in the raw text.
    assert text[result.start:result.end].startswith("https://webarchive") and text[result.end - 4:result.end] == "6949"


def test_row_01_a_scheme_split_by_a_soft_break_is_found():
    text = ("See the archived page at ht=\ntps://web.archive.org/web/20191130014642/https://www.doubl=\n"
            "everify.com/privacy/ and the rest of the letter, which runs on for a whi=\nle.\n")
    assert _one(text).url == f"{WB}20191130014642/https://www.doubleverify.com/privacy/"


def test_row_02_one_equals_sign_at_a_line_end_has_two_readings():
    result = repair_link("https://www.example.org/search?page=\n2&q=foi")  # made up: no tool output has it alone
    assert result.uncertain
    assert set(_readings(result)) >= {"https://www.example.org/search?page=2&q=foi", "https://www.example.org/search?page2&q=foi"}
    # A bare line break elsewhere in the link: not quoted-printable, the "=" is the link's own.
    sure = repair_link(f"{WB}2016032\n8234446/https://drive.google.com/file/d/0B6e/edit?usp=\nsharing")
    assert sure.url == f"{WB}20160328234446/https://drive.google.com/file/d/0B6e/edit?usp=sharing" and not sure.uncertain


def test_row_03_a_parser_that_left_the_body_encoded():
    # mail-qp-decoded-41: Python's parser did not decode (folded Content-Transfer-Encoding header).
    text = ("Dear requester,\r\n\r\nRef 6. Section 21 applies because the d=\r\nocument can be found at https://web.arc=\r\n"
            "hive.org/web/20250224064040/https://ai.=\r\ngoogle.dev/gemini-api/docs/document-pro=\r\n"
            "cessing?lang=3Dpython This page was cap=\r\ntured before the site was closed.\r\n")
    result = _one(text)
    assert result.url == f"{WB}20250224064040/https://ai.google.dev/gemini-api/docs/document-processing?lang=python"
    assert not result.uncertain


def test_row_04_a_hard_wrap_inside_a_word_is_joined_a_lost_hyphen_only_an_alternative():
    # fold-1373 (fold -s -w 72)
    text = ("Ref 5. As explained in our earlier reply, this is reasonably accessible \nto you by other means: \n"
            "https://web.archive.org/web/20110808093537/http://valdostamuseum.org/ham\n"
            "smith/FTsquare.html Please let us know if you cannot open it.\n")
    result = _one(text)
    intended = f"{WB}20110808093537/http://valdostamuseum.org/hamsmith/FTsquare.html"
    assert intended in _readings(result) and (result.url == intended or result.uncertain)


def test_row_04_at_a_wrap_column_the_link_goes_on():
    # fold-1353 (fold -s -w 40): the last "/" alone on the next line.
    text = ("Ref 4. The information you asked for \nwas published and is available in the \nweb archive at \n"
            "https://web.archive.org/web/202409262311\n49/https://electionstudies.org/data-cent\n"
            "er/anes-time-series-cumulative-data-file\n/ and we are therefore not required to \nprovide it.\n")
    result = _one(text)
    assert result.url == f"{WB}20240926231149/https://electionstudies.org/data-center/anes-time-series-cumulative-data-file/"
    assert not result.uncertain


def test_row_05_a_last_bare_word_may_be_prose():
    # pandoc-plain-5602: the link alone on its line, "and" starting the next.
    text = ("Ref 128. The information you asked for\nwas published and is available in the\nweb archive at\n"
            "https://web.archive.org/web/20200802084355/https://www.bostonglobe.com/\nand we are therefore not required to\n"
            "provide it.\n")
    result = _one(text)
    intended = f"{WB}20200802084355/https://www.bostonglobe.com/"
    assert result.url == intended or (result.uncertain and intended in _readings(result))


def test_row_06_a_link_left_whole_by_a_wrapper_is_kept_exactly():
    # fmt-4308 (fmt -w 40): the link overflows its line, whole.
    link = ("https://webarchive.nationalarchives.gov.uk/ukgwa/20220317170925mp_/https://assets.publishing.service.gov.uk/"
            "government/uploads/system/uploads/attachment_data/file/1060682/Greenbook-chapter-11-11Mar22.pdf")
    result = _one(f"Ref 215. You may find\nthe archived copy of the guidance here:\n{link}\n(accessed 3 March 2024).\n")
    assert result.url == result.input == link and result.repairs == ()


def test_row_06_a_line_broken_at_a_space_ends_the_link():
    # fold-1479 (fold -s -w 40): the link's last line is as wide as the column, but it ends with the
    # space fold broke at: "Please" on the next line is the sentence's, not the link's.
    text = ("Ref 13. As explained in our earlier \nreply, this is reasonably accessible to \nyou by other means: \n"
            "https://web.archive.org/web/201512022033\n37/http://telecom.kz/en/news/view/18729 \n"
            "Please let us know if you cannot open \nit.\n")
    result = _one(text)
    assert result.url == f"{WB}20151202203337/http://telecom.kz/en/news/view/18729" and not result.uncertain


def test_row_07_reply_quotes_and_a_bare_quote_line():
    # reply-quote-1306 (fold -s -w 60, quoted twice)
    text = ("Thanks.\n\n> > On 3 March the council wrote:\n> >\n> > Ref 0. The information you asked for was published and is \n"
            "> > available in the web archive at \n> > https://web.archive.org/web/20191130014642/https://www.doubl\n"
            "> > everify.com/privacy/ and we are therefore not required to \n> > provide it.\n")
    assert _one(text).url == f"{WB}20191130014642/https://www.doubleverify.com/privacy/"
    # A re-wrap left a bare ">" line between the parts of the link (reply-quote-1350, fmt -p '>').
    rewrapped = ("> may find the archived copy of the guidance here: >\n"
                 "> https://web.archive.org/web/20150928090154/https://www.mediapost.com/publica\n> >\n"
                 "> tions/article/166916/bluecava-touts-device-fingerprinting.html\n> (accessed 3 > March 2024).\n")
    result = _one(rewrapped)
    intended = f"{WB}20150928090154/https://www.mediapost.com/publications/article/166916/bluecava-touts-device-fingerprinting.html"
    assert result.url == intended


def test_row_08_typesetter_hyphens_in_the_scheme_and_the_archive_part_have_one_reading():
    # lo-pdftotext-raw (LibreOffice serif12-hyph-justify): "ht-" / "tps://", "nation-" / "alarchives".
    text = ("Ref 27. You may find the archived copy of the guidance here: http://webarchive.nation-\n"
            "alarchives.gov.uk/20140206171140/http://www.hmrc.gov.uk/ebu/ct_techpack/xbrl-style-\nguide.pdf (accessed 3 March 2024).")
    result = _one(text)
    assert result.url.startswith("http://webarchive.nationalarchives.gov.uk/20140206171140/http://www.hmrc.gov.uk/")
    assert result.url.endswith("xbrl-style-guide.pdf") or "xbrl-style-guide.pdf" in "".join(_readings(result))
    text = ("Ref 4. The information you asked for was published and is available in the web archive at ht-\n"
            "tps://web.archive.org/web/20240926231149/https://electionstudies.org/data-center/anes-time-\n"
            "series-cumulative-data-file/ and we are therefore not required to provide it.")
    result = _one(text)  # lo-pypdf-868
    assert result.url.startswith(f"{WB}20240926231149/https://electionstudies.org/")
    # "time-" / "series": a pattern allows "time-series" there, so two readings.
    assert result.uncertain and set(_readings(result)) >= {
        f"{WB}20240926231149/https://electionstudies.org/data-center/anes-time-series-cumulative-data-file/",
        f"{WB}20240926231149/https://electionstudies.org/data-center/anes-timeseries-cumulative-data-file/"}


def test_row_08_a_hyphen_no_pattern_allows_is_the_links_own():
    # lo-pdftotext-raw-2600 (sans10-hyph-narrow): "dwheel-" / "erau" is a typesetter's, "analyse-" /
    # "rnaseq" cannot be ("analysernaseq" has no break there in any English pattern set).
    text = ("Ref 8. The information you asked for was published and\nis available in the web archive at https://\n"
            "web.archive.org/web/20160328234446/http://dwheel-\nerau.com/2013/04/15/how-to-use-deseq-to-analyse-\n"
            "rnaseq-data/ and we are therefore not required to provide it.")
    result = _one(text)
    intended = f"{WB}20160328234446/http://dwheelerau.com/2013/04/15/how-to-use-deseq-to-analyse-rnaseq-data/"
    assert intended in _readings(result)
    assert all("analyse-rnaseq" in reading for reading in _readings(result))


def test_row_08_a_hyphen_after_a_dot_in_a_host_is_a_typesetters():
    result = repair_link(f"{WB}20180726064724/http://www.adobe.-\ncom/content/dam/x.pdf")
    assert result.url == f"{WB}20180726064724/http://www.adobe.com/content/dam/x.pdf"


def test_row_09_silent_dehyphenation_leaves_an_alternative_at_most():
    # pdftotext's default mode joins a line-end hyphen with the next line and drops it, the link's
    # own hyphen too. Where two words run together, the hyphenated spelling is an alternative.
    written = "https://ico.org.uk/media/action-weve-taken/audits-andadvisory-visits/4018997/report.pdf"
    result = repair_link(written)
    assert result.url == written and result.repairs == () and result.uncertain
    assert written.replace("andadvisory", "and-advisory") in result.alternatives
    # lo-pdftotext (serif12-hyph-justify): "anes-time-" / "series" became "anes-timeseries", and
    # "timeseries" is a word: nothing marks the loss. Kept as written (silent loss, counted by the fuzzer).
    silent = f"{WB}20240926231149/https://electionstudies.org/data-center/anes-timeseries-cumulative-data-file/"
    assert repair_link(silent).url == silent


def test_row_10_a_space_inside_the_link():
    result = repair_link(f"{WB} 20160307043159/http://chimera.labs.oreilly.com/books/1230000000345/ch02.html")
    assert result.url == f"{WB}20160307043159/http://chimera.labs.oreilly.com/books/1230000000345/ch02.html"


def test_row_11_page_furniture_inside_a_link_is_not_joined_and_is_flagged():
    # lo-pdftotext-layout (serif12-hyph-justify): a page break between the prefix and the timestamp.
    text = ("Ref 15. You may find the archived copy of the guidance here: https://web.archive.org/web/\nPage 1\n"
            "\x0cFreedom of Information request FOI-2024-0113\n20220517033456/http://www.netlib.org/fp/dtoa.c (accessed 3 March 2024).")
    [first, *_] = repair_text(text)
    assert first.lost and first.uncertain and "Page" not in first.url


def test_row_11_the_rest_after_the_page_furniture_is_a_reading_read_across_its_own_lines():
    # lo-mutool-1813 (serif12-nohyph-justify): the link's rest after the page number, the form feed
    # and the running header goes on over two more lines; all of it is the joined reading.
    text = ("Ref 85. As explained in our earlier reply, this is reasonably accessible to you by other means:\n"
            "https://web.archive.org/web/20200604135157/http://shopping.correios.com.br/wbm/store/\nPage 6\n\n\x0c\n"
            "Freedom of Information request FOI-2024-0113\nscript/wbm2400901p01.aspx?\n"
            "cd_company=ErZW8Dm9i54=&cd_product=6b2FxMrtKxs=&cd_department=SsNp3FlaUp\nM= Please let us know if you cannot open it.")
    result = _one(text)
    written = f"{WB}20200604135157/http://shopping.correios.com.br/wbm/store/"
    assert result.url == written and result.uncertain  # the text as it stands stays the reading
    assert (f"{WB}20200604135157/http://shopping.correios.com.br/wbm/store/script/wbm2400901p01.aspx?"
            "cd_company=ErZW8Dm9i54=&cd_product=6b2FxMrtKxs=&cd_department=SsNp3FlaUpM=") in result.alternatives
    assert not any("Freedom" in reading or "Page" in reading for reading in _readings(result))


def test_row_11_a_link_cut_inside_its_archive_prefix_goes_on_with_the_next_pages_link():
    # lo-mutool-5143 (serif11-hyph-narrow): the archive link stops at "id_/" at the page's end; the
    # next page starts with its original, scheme and all.
    text = ("Ref 175. You may find the archived copy of the\nguidance\n \nhere:\n \nhttps://webarchive.nation-\n\n"
            "alarchives.gov.uk/ukgwa/20120908140957id_/\n\nPage 19\n\n\x0c\nFreedom of Information request FOI-2024-0113\n"
            "http://www.education.gov.uk/schools/\nperformance/2011/download/4_iGCSE.zip\n \n(ac-\n\ncessed 3 March 2024).")
    first = repair_text(text)[0]
    assert first.uncertain and "Freedom" not in first.url
    assert ("https://webarchive.nationalarchives.gov.uk/ukgwa/20120908140957id_/http://www.education.gov.uk/schools/"
            "performance/2011/download/4_iGCSE.zip") in first.alternatives


def test_row_19_a_refilled_quote_turns_a_break_inside_the_link_into_a_space():
    # reply-quote-4025 (fold -s -w 50 | quote | fmt -p '>' -w 72): fold cut "universitie" / "s", the
    # re-fill joined the lines with a space. The last piece is as wide as the one before it (the
    # wrap's width): the space may be a break — two readings, never the end as certain.
    text = ("Thanks.\n\n> On 3 March the council wrote:\n>\n> Ref 194. Section 21 applies because the document can be\n"
            "> found at https://web.archive.org/web/20100418040159id_/http\n"
            "> ://www.winchestercollege.org/exams-and-universitie s This page was\n> captured before the site was closed.\n")
    result = _one(text)
    assert result.uncertain
    assert set(_readings(result)) >= {f"{WB}20100418040159id_/http://www.winchestercollege.org/exams-and-universities",
                                      f"{WB}20100418040159id_/http://www.winchestercollege.org/exams-and-universitie"}
    assert not any("This" in reading for reading in _readings(result))
    # reply-quote-2051 (same pipeline): "World-C" / "up-Stats", words a hyphen joins after the space.
    text = ("Thanks.\n\n> On 3 March the council wrote:\n>\n> Ref 53. As explained in our earlier reply, this\n"
            "> is reasonably accessible to you by other means:\n> https://web.archive.org/web/20250519020101/https:/\n"
            "> /fbref.com/en/comps/1/2018/stats/2018-FIFA-World-C up-Stats Please\n> let us know if you cannot open it.\n")
    result = _one(text)
    assert result.uncertain and f"{WB}20250519020101/https://fbref.com/en/comps/1/2018/stats/2018-FIFA-World-Cup-Stats" \
        in _readings(result)
    assert not any("Please" in reading for reading in _readings(result))


def test_row_19_a_space_after_a_piece_shorter_than_the_wrap_is_the_sentences():
    # reply-quote-2049 (fold -s -w 72 | quote | fmt -p '>' -w 66): the link's last piece is shorter
    # than the piece a hard cut left before it, so the space after it was never a break.
    text = ("Thanks.\n\n> On 3 March the council wrote:\n>\n> Ref 53. As explained in our earlier reply,\n"
            "> this is reasonably accessible to you by other means:\n"
            "> https://web.archive.org/web/20250519020101/https://fbref.com/en/comps/1/\n"
            "> 2018/stats/2018-FIFA-World-Cup-Stats Please let us know if\n> you cannot open it.\n")
    result = _one(text)
    assert result.url == f"{WB}20250519020101/https://fbref.com/en/comps/1/2018/stats/2018-FIFA-World-Cup-Stats"
    assert not result.uncertain


def test_row_20_a_paragraph_break_then_what_only_a_path_holds():
    # lo-pdftotext-5543 (mono9-hyph-justify): pdftotext gave every word of a justified line its own
    # paragraph; the Thai title goes on after a blank line with "_" and digits. Two readings.
    text = ("Ref\n\n143.\n\nYou\n\nmay\n\nfind\n\nthe\n\narchived\n\ncopy\n\nof\n\nthe\n\nguidance\n\nhere:\n\n"
            "https://\n\nweb.archive.org/web/20230115102900/https://th.wikisource.org/wiki/ประกาศให้\n\n"
            "ใช้วันที่_1_มกราคม_เป็นวันขึ้นปีใหม่_ลงวันที่_24_ธันวาคม_2483\n(accessed 3 March 2024).")
    result = _one(text)
    assert result.uncertain and (f"{WB}20230115102900/https://th.wikisource.org/wiki/"
                                 "ประกาศให้ใช้วันที่_1_มกราคม_เป็นวันขึ้นปีใหม่_ลงวันที่_24_ธันวาคม_2483") in _readings(result)
    # A paragraph of prose after a link is no such rest: the link stays certain.
    assert not _one(f"See {WB}20230115102900/https://www.example.org/report.pdf\n\n2. The next point.").uncertain


def test_row_21_a_footer_glued_onto_the_links_last_word():
    # lo-pdftotext-190 (serif12-hyph-justify): pdftotext's default mode joined the page's last line,
    # hyphenated inside the link ("winchester-"), with the footer and dropped the hyphen.
    text = ("Ref 190. Section 21 applies because the document can be found at https://web.archive.org/\n"
            "web/20220211185131id_/https://www.winchestercollege.org/assets/files/uploads/winchesterPage 13\n\n"
            "\x0cFreedom of Information request FOI-2024-0113\n"
            "college-annual-accounts-2020.pdf This page was captured before the site was closed.")
    result = _one(text)
    base = f"{WB}20220211185131id_/https://www.winchestercollege.org/assets/files/uploads/"
    assert result.url == base + "winchester" and result.uncertain  # the footer is not the link's
    # The dropped hyphen may have been the link's: both joins are readings.
    assert {base + "winchester-college-annual-accounts-2020.pdf", base + "winchestercollege-annual-accounts-2020.pdf"} \
        <= set(result.alternatives)
    assert not any("Page" in reading for reading in _readings(result))


def test_row_08_the_legacy_latest_capture_form_is_the_archives_part_too():
    # lo-mutool-5107 (serif11-hyph-narrow): "/+/" stands where a timestamp would; the typesetter's
    # hyphen in the archive's host has one reading, and the link cannot end at "http://".
    text = ("Ref 139. You may find the archived copy of the\nguidance\n \nhere:\n \nhttp://webarchive.nation-\n\n"
            "alarchives.gov.uk/+/http://\nwww.number10.gov.uk/Page823\n \n(accessed\n \n3\n\nMarch 2024).")
    result = _one(text)
    assert result.url == "http://webarchive.nationalarchives.gov.uk/+/http://www.number10.gov.uk/Page823"
    assert not result.uncertain


def test_row_08_a_link_cut_before_the_legacy_form_goes_on_with_it():
    # lo-pdftotext-4401 (serif11-hyph-narrow): the line ends at the collection path; "*/" on the next
    # line stands where a timestamp would, so the link cannot end before it.
    text = ("Ref 81. As explained in our earlier reply, this is\nreasonably accessible to you by other means: "
            "https://webarchive.nationalarchives.gov.uk/ukgwa/\n*/https://www.gov.uk/government/statistics/"
            "alcohol-bulletin Please let us know if you cannot open\nit.")
    result = _one(text)
    assert result.url == "https://webarchive.nationalarchives.gov.uk/ukgwa/*/https://www.gov.uk/government/statistics/alcohol-bulletin"
    assert not result.uncertain


def test_row_09_a_fragments_slug_loses_hyphens_too():
    # lo-pdftotext-3326 (default mode): "blockchain-" / "application" and "work-" / "algorithm" lost
    # their hyphens, one in the path, one in the fragment; both are alternatives.
    text = ("Ref 86. Section 21 applies because the document can be found at\n"
            "https://web.archive.org/web/20201222142511/https:/developer.ib\n"
            "m.com/technologies/blockchain/tutorials/develop-a-blockchainapplication-from-scratch-in-python/"
            "#4-implement-a-proof-of-workalgorithm This page was captured before the site was closed.")
    result = _one(text)
    assert result.uncertain and (f"{WB}20201222142511/https:/developer.ibm.com/technologies/blockchain/tutorials/"
                                 "develop-a-blockchain-application-from-scratch-in-python/#4-implement-a-proof-of-work-algorithm"
                                 in _readings(result))


def test_row_23_a_hyphen_at_a_break_inside_a_markup_links_target_is_the_links():
    # fixtures/realworld govuk-alcohol-bulletin (ONSdigital/csvcubed, an HTML-to-markdown converter
    # wrapped the target after the slug's own hyphen; the fixture indented the next line). A target
    # is never typeset: one reading. The same words as shown text would keep both readings (row 8).
    text = ("                      [Archive versions of the Alcohol Bulletin published on GOV.UK after August\n"
            "                      2019](https://webarchive.nationalarchives.gov.uk/ukgwa/*/https://www.gov.uk/government/"
            "statistics/alcohol-\n                      bulletin) are no longer hosted on this page and are instead "
            "available via the\n")
    result = _one(text)
    assert result.url == "https://webarchive.nationalarchives.gov.uk/ukgwa/*/https://www.gov.uk/government/statistics/alcohol-bulletin"
    assert not result.uncertain
    shown = _one(text.replace("2019](https", "2019] https"))
    assert shown.uncertain


def test_row_24_a_hyphen_ending_a_line_far_past_the_measure_is_the_links():
    # html2text-4857 (bodywidth 40): textwrap let the link overflow and broke it after its own
    # hyphen ("2018-FIFA-" / "World"). A typesetter hyphenates to fit its measure; this line is more
    # than twice as long as the others, so no typesetter made it: one reading.
    text = ("Ref 53. As explained in our earlier\nreply, this is reasonably accessible to\nyou by other means:\n"
            "https://web.archive.org/web/20250519020101/https://fbref.com/en/comps/1/2018/stats/2018-FIFA-\n"
            "World-Cup-Stats Please let us know if\nyou cannot open it.\n\n")
    result = _one(text)
    assert result.url == f"{WB}20250519020101/https://fbref.com/en/comps/1/2018/stats/2018-FIFA-World-Cup-Stats"
    assert not result.uncertain and "line-break" in result.repairs
    assert text[result.start:result.end].endswith("World-Cup-Stats")
    # The same break on its own (no lines around to measure against) keeps both readings.
    assert repair_link(result.input).uncertain
    # lo-mutool-6070 (mono9-hyph-justify): a typesetter's "Down-" / "load" ends a line no longer
    # than the others: two readings stay.
    text = ("Ref  22.  Section  21  applies  because  the  document  can  be  found  at  https://\n"
            "web.archive.org/web/20090823205941/https://www.uefa.com/MultimediaFiles/Down-\n"
            "load/Regulations/competitions/UEFACup/84/52/89/845289_DOWNLOAD.pdf  This  page\n"
            "was captured before the site was closed.")
    result = _one(text)
    assert result.uncertain and (f"{WB}20090823205941/https://www.uefa.com/MultimediaFiles/Download/Regulations/"
                                 "competitions/UEFACup/84/52/89/845289_DOWNLOAD.pdf") in _readings(result)


def test_row_12_a_character_destroyed_by_a_byte_wise_wrap():
    # fold-3298 (fold -w 40 cuts UTF-8 bytes): U+FFFD inside the link.
    result = repair_link(f"{WB}20230115102900/https://th.wikisource.org/wiki/ประกาศให\n้ใช้วันที่_1_มก\ufffd\n\ufffd\ufffdาคม")
    assert result.lost and result.uncertain


def test_row_13_converter_escapes():
    result = repair_link("https://www.gov.uk/government/publications/foi\\_guidance\\-notes")
    assert result.url == "https://www.gov.uk/government/publications/foi_guidance-notes"


def test_row_14_a_program_string_wrapped_after_a_hyphen():
    result = repair_link("https://webarchive.nationalarchives.gov.uk/ukgwa/*/https://www.gov.uk/government/statistics/alcohol-\\nbulletin")
    assert result.url == "https://webarchive.nationalarchives.gov.uk/ukgwa/*/https://www.gov.uk/government/statistics/alcohol-bulletin"
    assert not result.uncertain


def test_row_15_autocorrect_and_invisible_characters():
    result = repair_link(f"\u201c{WB}20200101000000/https://www.example.org/annual\u2013re\u00adport\u200b.pdf\u201d")
    assert result.url == f"{WB}20200101000000/https://www.example.org/annual-report.pdf"


def test_row_16_mail_filter_wrappers():
    wrapped = ("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fweb.archive.org%2Fweb%2F20200101000000"
               "%2Fhttps%3A%2F%2Fwww.example.org%2F&data=05")
    assert repair_link(wrapped).url == f"{WB}20200101000000/https://www.example.org/"


def test_row_17_an_intact_link_is_never_rewritten():
    link = f"{WB}20191130164107/https://www.iovation.com/fraudforce-fraud-detection-prevention"
    result = repair_link(link)
    assert result.url == link and result.repairs == ()
    # The archive settles the alternative word frequency offers: it holds the link as written.
    online = repair_link(link, FakeIndex(["https://www.iovation.com/fraudforce-fraud-detection-prevention"]))
    assert online.url == link and online.confirmed and not online.uncertain


def test_row_18_an_invalid_host_is_never_certain():
    result = repair_link(f"{WB}20200101000000/https://www.example.notasuffix/page")
    assert result.uncertain


# Row 22: online, the archive holds no capture of the link as written. lo-pdftotext-4
# (serif12-hyph-justify): pdftotext's default mode dropped the link's own line-end hyphen
# ("anes-time-" / "series"); nothing in the text shows it.
SILENT_TEXT = ("Ref 4. The information you asked for was published and is available in the web archive at "
               f"{WB}20240926231149/https://electionstudies.org/data-center/anes-timeseries-cumulative-data-file/ "
               "and we are therefore not required to provide it.")
SILENT_HELD = "https://electionstudies.org/data-center/anes-time-series-cumulative-data-file/"


def test_row_22_a_hyphen_dropped_without_trace_is_put_back_by_the_index():
    index = FakeIndex([SILENT_HELD, "https://electionstudies.org/data-center/anes-time-series-cumulative-data-files/",
                       "https://electionstudies.org/data-center/Anes-timeseries-cumulative-data-file/"])
    result = _one(SILENT_TEXT, index)
    assert result.url == f"{WB}20240926231149/{SILENT_HELD}" and result.confirmed and not result.uncertain
    assert result.repairs == ("hyphen-restored-by-index",)
    # One exact lookup of the link as written, then one prefix query on its last segment's directory.
    assert index.asked == [f"{WB}20240926231149/https://electionstudies.org/data-center/anes-timeseries-cumulative-data-file/",
                           f"prefix:{WB}20240926231149/https://electionstudies.org/data-center/a"]
    # Offline the text is all there is: kept as written.
    assert _one(SILENT_TEXT).url == f"{WB}20240926231149/https://electionstudies.org/data-center/anes-timeseries-cumulative-data-file/"


def test_row_22_two_spellings_held_the_archive_cannot_decide():
    # A decoy beside it that differs by one more hyphen (a typesetter's point): both are readings.
    decoy = "https://electionstudies.org/data-center/anes-time-series-cu-mulative-data-file/"
    result = _one(SILENT_TEXT, FakeIndex([decoy, SILENT_HELD]))
    assert result.uncertain and result.confirmed
    assert set(_readings(result)) == {f"{WB}20240926231149/{SILENT_HELD}", f"{WB}20240926231149/{decoy}"}
    assert result.url == f"{WB}20240926231149/{SILENT_HELD}"  # fewest hyphens put back first


def test_row_22_nothing_else_is_taken_for_damage():
    written = f"{WB}20240926231149/https://electionstudies.org/data-center/anes-timeseries-cumulative-data-file/"
    # Held as written: no damage, no rewrite, whatever else is held.
    held = _one(SILENT_TEXT, FakeIndex([written[len(WB) + 15:], SILENT_HELD]))
    assert held.url == written and held.repairs == () and held.confirmed and not held.uncertain
    # A letter or the case differing: another document, not damage a tool does silently.
    other = _one(SILENT_TEXT, FakeIndex(["https://electionstudies.org/data-center/anes-tine-series-cumulative-data-file/",
                                         "https://electionstudies.org/data-center/Anes-time-series-cumulative-data-file/"]))
    assert other.url == written and other.confirmed is False and not other.uncertain
    assert "no capture of this link" in other.note


def test_row_22_a_rest_left_after_the_link_by_a_break():
    # lo-pdftotext-5543 (mono9-hyph-justify): each word of a justified line its own paragraph, the
    # link's rest after a blank line. Offline (row 20) both readings are listed; online the archive
    # holds no capture of the link as written, and one of it followed by exactly what the text says next.
    text = ("You\n\nmay\n\nfind\n\nit\n\nhere:\n\nhttps://\n\nweb.archive.org/web/20230115102900/https://th.wikisource.org/"
            "wiki/ประกาศให้\n\nใช้วันที่_1_มกราคม_เป็นวันขึ้นปีใหม่_ลงวันที่_24_ธันวาคม_2483\n(accessed 3 March 2024).")
    title = "ประกาศให้ใช้วันที่_1_มกราคม_เป็นวันขึ้นปีใหม่_ลงวันที่_24_ธันวาคม_2483"
    held = "https://th.wikisource.org/wiki/" + quote(title)  # a crawler records the IRI percent-encoded
    decoy = "https://th.wikisource.org/wiki/" + quote(title.replace("_2483", "_2484"))
    result = _one(text, FakeIndex([held, decoy]))
    assert result.url == f"{WB}20230115102900/https://th.wikisource.org/wiki/{title}" and not result.uncertain
    assert "rest-rejoined-by-index" in result.repairs and text[result.start:result.end].endswith("_2483")
    # The letter rewritten: the rest is not left behind after the repaired link.
    assert rewrite_text(text, FakeIndex([held])).endswith(f"/wiki/{title}\n(accessed 3 March 2024).")
    # What the text says next is not the held link's rest: offline's two readings, nothing confirmed.
    other = _one(text, FakeIndex([decoy]))
    assert other.url.endswith("/wiki/ประกาศให้") and other.uncertain and other.confirmed is False


def test_row_11_online_the_archive_settles_which_side_of_the_page_break_it_holds():
    # lo-pdftotext-layout-15: the link stops in its archive prefix at the page's end; its rest comes
    # after the footer and the next page's header. The archive holds the joined reading only.
    text = ("Ref 15. You may find the archived copy of the guidance here: https://web.archive.org/web/\nPage 1\n"
            "\x0cFreedom of Information request FOI-2024-0113\n20220517033456/http://www.netlib.org/fp/dtoa.c (accessed 3 March 2024).")
    index = FakeIndex(["http://www.netlib.org/fp/dtoa.c"])
    [first, *_] = repair_text(text, index)
    assert first.url == f"{WB}20220517033456/http://www.netlib.org/fp/dtoa.c" and first.confirmed
    assert not first.uncertain and not first.lost and "rejoined-across-break" in first.repairs
    assert text[first.start:first.end].endswith("dtoa.c")
    # Rewritten, the letter keeps the page's furniture, after the link.
    assert rewrite_text(text, index) == ("Ref 15. You may find the archived copy of the guidance here: "
                                         f"{WB}20220517033456/http://www.netlib.org/fp/dtoa.c\nPage 1\n\x0cFreedom of "
                                         "Information request FOI-2024-0113\n (accessed 3 March 2024).")
    # lo-mutool-1813's link as written is held, its joined reading not: the text ends there.
    text = ("Ref 85. As explained in our earlier reply, this is reasonably accessible to you by other means:\n"
            "https://web.archive.org/web/20200604135157/http://shopping.correios.com.br/wbm/store/\nPage 6\n\n\x0c\n"
            "Freedom of Information request FOI-2024-0113\nscript/wbm2400901p01.aspx?\n"
            "cd_company=ErZW8Dm9i54=&cd_product=6b2FxMrtKxs=&cd_department=SsNp3FlaUp\nM= Please let us know if you cannot open it.")
    written = "http://shopping.correios.com.br/wbm/store/"
    result = _one(text, FakeIndex([written]))
    assert result.url == f"{WB}20200604135157/{written}" and result.confirmed and not result.uncertain
    # Both held: the archive cannot decide, both listed.
    joined = written + "script/wbm2400901p01.aspx?cd_company=ErZW8Dm9i54=&cd_product=6b2FxMrtKxs=&cd_department=SsNp3FlaUpM="
    both = _one(text, FakeIndex([written, joined]))
    assert both.uncertain and {f"{WB}20200604135157/{written}", f"{WB}20200604135157/{joined}"} <= set(_readings(both))


def test_row_04_online_a_fragment_the_text_settles_is_not_in_doubt():
    # fold-2500 (fold -w 40): the fragment is whole in the text ("proof-of-work-algorithm"); a
    # reading without one of its hyphens is one the text rules out, so once the archive holds the
    # page the link is certain — not "uncertain" with nothing to list.
    text = ("Ref 86. Section 21 applies because the d\nocument can be found at https://web.arch\n"
            "ive.org/web/20201222142511/https:/develo\nper.ibm.com/technologies/blockchain/tuto\n"
            "rials/develop-a-blockchain-application-f\nrom-scratch-in-python/#4-implement-a-pro\n"
            "of-of-work-algorithm This page was captu\nred before the site was closed.\n")
    page = "https://developer.ibm.com/technologies/blockchain/tutorials/develop-a-blockchain-application-from-scratch-in-python/"
    link = page.replace("https://", "https:/") + "#4-implement-a-proof-of-work-algorithm"
    result = _one(text, FakeIndex([link]))  # (a real index drops the fragment; the fake compares whole)
    assert result.url == f"{WB}20201222142511/{link}"
    assert result.confirmed and not result.uncertain


def test_row_17_online_both_spellings_held_the_text_shows_which():
    # fold-1324 (fold -w 40): the link is cut at three line ends, none inside "fraudforce". Word
    # frequency offers "fraud-force" (a lost hyphen); the archive holds that spelling too (a decoy)
    # — but it holds the link as the text writes it, so a lost hyphen is no reading (issue #16, item 2).
    text = ("Ref 2. Section 21 applies because the do\ncument can be found at https://web.archi\n"
            "ve.org/web/20191130164107/https://www.io\nvation.com/fraudforce-fraud-detection-pr\n"
            "evention This page was captured before t\nhe site was closed.\n")
    written = "https://www.iovation.com/fraudforce-fraud-detection-prevention"
    result = _one(text, FakeIndex([written.replace("fraudforce", "fraud-force"), written]))
    assert result.url == f"{WB}20191130164107/{written}" and result.confirmed and not result.uncertain
    assert "hyphen-restored" not in result.repairs
    # A hyphen at a line end the text does show stays two readings when both are held (row 8).
    typeset = ("Ref 2. Section 21 applies because the document can be found at https://web.archive.org/web/"
               "20191130164107/https://www.iovation.com/fraudforce-fraud-detec-\ntion-prevention This page.")
    both = _one(typeset, FakeIndex([written, written.replace("detection", "detec-tion")]))
    assert both.uncertain and {f"{WB}20191130164107/{written}",
                               f"{WB}20191130164107/{written.replace('detection', 'detec-tion')}"} <= set(_readings(both))


def test_row_05_online_readings_that_differ_only_in_the_fragment_are_not_asked():
    # lo-mutool-697: "…Adobe_3D_Reviewer_" / "Please": the next line's word may end the fragment.
    # Indexes do not record fragments, so the archive is asked about the page once, not per reading.
    text = ("Ref 49. As explained in our earlier reply, this is reasonably accessible to you by other means:\n"
            "https://web.archive.org/web/20221221111958/https://helpx.adobe.com/acrobat/kb/supported-file-formats-acrobat-"
            "reader.html#main_2D_and_3D_formats__Acrobat_9_Pro_Extended__Adobe_3D_Reviewer_\nPlease let us know if you cannot open it.")
    page = "https://helpx.adobe.com/acrobat/kb/supported-file-formats-acrobat-reader.html"
    fragment = "#main_2D_and_3D_formats__Acrobat_9_Pro_Extended__Adobe_3D_Reviewer_"

    class PageIndex(FakeIndex):  # as a real index: the fragment is not part of what it records
        def _original(self, url):
            return super()._original(url).split("#", 1)[0]

    index = PageIndex([page])
    result = _one(text, index)
    assert result.uncertain and result.confirmed and f"{WB}20221221111958/{page}{fragment}" in _readings(result)
    assert "cannot decide its fragment" in result.note
    assert [asked for asked in index.asked if not asked.startswith("prefix:")] == [f"{WB}20221221111958/{page}{fragment}"]


def test_row_22_two_words_run_together_above_the_last_segment_widen_the_query():
    # lo-pdftotext-5423 (default mode): "press-" / "releases" and "a-" / "chatbot" lost their hyphens,
    # one in a directory above the last segment: the one query starts at that directory's segment.
    text = ("Ref 23. You may find the archived copy of the guidance here: https://\nweb.archive.org/web/20231116150840/"
            "https://www.gartner.com/en/newsroom/pressreleases/2023-06-15-gartner-survey-reveals-only-8-percent-of-"
            "customers-used-achatbot-during-their-most-recent-customer-service-interaction\n(accessed\n3\nMarch 2024).")
    held = ("https://www.gartner.com/en/newsroom/press-releases/2023-06-15-gartner-survey-reveals-only-8-percent-of-"
            "customers-used-a-chatbot-during-their-most-recent-customer-service-interaction")
    index = FakeIndex([held])
    result = _one(text, index)
    assert result.url == f"{WB}20231116150840/{held}" and "hyphen-restored-by-index" in result.repairs
    assert f"prefix:{WB}20231116150840/https://www.gartner.com/en/newsroom/p" in index.asked


def test_row_22_settled_by_prefix_with_a_fragment_and_a_hyphen_before_the_first_point():
    # lo-pdftotext-2246 (default mode): "scratch-" / "in" lost its hyphen in the last directory; the
    # only decision point is in the fragment ("…algorithm" / "This"). The prefix query is asked no
    # more narrowly than the last segment, compared without the fragment (indexes record none), and
    # the reading keeps its own fragment and its "https:/" as written.
    text = ("Ref 86. Section 21 applies because the document can be\nfound at https://web.archive.org/web/"
            "20201222142511/https:/developer.ibm.com/technologies/blockchain/\ntutorials/develop-a-blockchain-"
            "application-from-scratchin-python/#4-implement-a-proof-of-work-algorithm\nThis\npage was captured before the site was closed.")
    page = "https://developer.ibm.com/technologies/blockchain/tutorials/develop-a-blockchain-application-from-scratch-in-python/"

    class ArchiveForm(FakeIndex):  # as a real index: "https:/host" is asked as "https://host"
        def _original(self, url):
            return super()._original(url).replace("https:/d", "https://d").split("#", 1)[0]

    index = ArchiveForm([page])
    result = _one(text, index)
    assert result.confirmed and result.url == (f"{WB}20201222142511/https:/developer.ibm.com/technologies/blockchain/tutorials/"
                                               "develop-a-blockchain-application-from-scratch-in-python/#4-implement-a-proof-of-work-algorithm")
    assert f"prefix:{WB}20201222142511/https:/developer.ibm.com/technologies/blockchain/tutorials/d" in index.asked


def test_row_11_online_a_link_settled_across_a_page_break_is_rewritten_once_with_the_page_kept():
    # lo-pypdf-6349 (pypdf): "shop-" / page 5's footer and header / "ping.correios…UpM= Please let us know".
    text = ("Ref 85. As explained in our earlier reply, this is reasonably accessible to\nyou by other means: "
            "https://web.archive.org/web/20200604135157/http://shop-\nPage 5\nFreedom of Information request FOI-2024-0113\n"
            "ping.correios.com.br/wbm/store/script/wbm2400901p01.aspx?cd_company=ErZW8D-\n"
            "m9i54=&cd_product=6b2FxMrtKxs=&cd_department=SsNp3FlaUpM= Please let us know\nif you cannot open it.")
    held = ("http://shopping.correios.com.br/wbm/store/script/wbm2400901p01.aspx?cd_company=ErZW8Dm9i54=&cd_product="
            "6b2FxMrtKxs=&cd_department=SsNp3FlaUpM=")
    index = FakeIndex([held])
    results = repair_text(text, index)
    assert [r.url for r in results] == [f"{WB}20200604135157/{held}"]  # the rest is not a link of its own
    assert not results[0].uncertain and text[results[0].start:results[0].end].endswith("UpM=")
    assert rewrite_text(text, index) == (
        "Ref 85. As explained in our earlier reply, this is reasonably accessible to\nyou by other means: "
        f"{WB}20200604135157/{held}\nPage 5\nFreedom of Information request FOI-2024-0113\n Please let us know\n"
        "if you cannot open it.")
