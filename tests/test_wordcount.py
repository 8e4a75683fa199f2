"""Page length in words in any script (archivecheck/wordcount.py): a page written without spaces is
not a short page because it has few spaces."""
from __future__ import annotations

from archivecheck.judge import read_page
from archivecheck.wordcount import count_words


def test_spaced_text_counts_its_runs():
    assert count_words("The page you asked for has moved.") == 7


def test_unspaced_scripts_count_two_characters_to_a_word():
    assert count_words("系統維護中，請稍後再試") == 1 + 10 // 2
    assert count_words("ヘルプページが見つかりません") == 1 + 14 // 2


def test_a_chinese_notice_of_some_length_is_not_a_near_empty_page():
    """Three paragraphs of Chinese prose (a council-style notice, 60 characters each) were 3 'words'
    by spaces; by characters they are a page's worth."""
    paragraph = "本网站已于二零二零年迁移至新的政府门户网站，原有栏目中的政策文件和统计数据均已按照档案管理的规定完整保存并可以继续查阅使用。"
    page = (f"<html><head><title>网站迁移说明</title></head><body><main><h1>网站迁移说明</h1>"
            f"<p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></main></body></html>").encode()
    view = read_page(page)
    assert view.words >= 3 * len(paragraph) // 2
    assert view.prose[0] == 3


def test_a_page_that_is_all_preformatted_text_is_read_but_doubted():
    """(#17) A page whose every word sits in <pre> is read (its words are its own, not a quotation),
    but a server's bare answer, a log or a traceback looks just so: taken as the document only with
    doubt said, never plainly."""
    from archivecheck.judge import judge_document

    trace = "\n".join(f"  File \"/srv/app/handlers.py\", line {n}, in handle_request_{n}\n    return dispatch(request)"
                      for n in range(40))
    page = f"<html><body><pre>{trace}</pre></body></html>".encode()
    view = read_page(page)
    assert view.set_apart and view.words > 100
    judged = judge_document("https://example.gov.uk/some/page", page, page, "text/html")
    assert judged.doubt and "preformatted" in judged.doubt
