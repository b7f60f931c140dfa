"""Features: every column named, and each family measured on small cases."""
from __future__ import annotations

import numpy as np
import pytest

from boilerplate.features import FEATURE_VERSION, feature_names, featurize
from boilerplate.lang import _identify_window, clear_cache, identify, stopwords
from boilerplate.segment import block_spans


def features_of(text: str) -> tuple[list[str], np.ndarray]:
    spans = block_spans(text)
    return [text[s:e] for s, e in spans], featurize(text, spans)


def col(X: np.ndarray, name: str) -> list[float]:
    return [round(float(v), 4) for v in X[:, feature_names().index(name)]]


def test_names_are_unique_and_match_the_matrix():
    names = feature_names()
    assert len(names) == len(set(names))
    _, X = features_of("One\n\nTwo three.")
    assert X.shape == (2, len(names)) and X.dtype == np.float32
    assert np.isfinite(X).all()
    assert isinstance(FEATURE_VERSION, int)


def test_empty_page_has_an_empty_matrix():
    X = featurize("", [])
    assert X.shape == (0, len(feature_names()))


def test_length_and_words():
    _, X = features_of("one two three\n\nfour")
    assert col(X, "log_words") == pytest.approx([np.log1p(3), np.log1p(1)], abs=1e-4)
    assert col(X, "log_chars") == pytest.approx([np.log1p(13), np.log1p(4)], abs=1e-4)


def test_chinese_counts_tokens_by_characters():
    _, X = features_of("这是一个没有空格的中文句子，用来测试分词。")
    assert col(X, "log_words")[0] == pytest.approx(np.log1p(1), abs=1e-4)
    assert col(X, "log_tokens")[0] > np.log1p(5)
    assert col(X, "ratio_nospace_script")[0] > 0.8
    assert col(X, "ends_terminal") == [1.0]


@pytest.mark.parametrize("line", [
    "3:15 Headline", "14h32 Grève", "vor 5 Min. Neues", "26.10.2023, 14:32 Etwas", "12:04 PM Storm",
    "il y a 12 min Le point", "Вчера, 18:40 Новость", "14時32分 速報", "10 分钟前 新闻", "منذ 5 دقائق خبر",
    # languages with no page in data/
    "před 5 minutami Sněmovna", "acum 2 ore Guvernul", "5 perce Budapesten", "5 phút trước Hà Nội",
    "5 menit yang lalu Jakarta", "dnes, 14:32 Vláda", "10 minuuttia sitten Helsinki",
    "prije 4 minute Sudar", "jučer, 19:22 – Policija", "преди 5 минути Кметът", "for 5 minutter siden Ferja",
    "לפני 25 דקות הדולר", "לפני שעה רשות", "אתמול, 19:22 חברת", "۱۵ دقیقه پیش آغاز", "دیروز، ۱۹:۲۲ دستگیری",
    "Dakika 10 zilizopita Mvua", "Jana, 19:22 Polisi", "5 นาทีที่แล้ว ข่าว", "avui, 14:32 Tallada",
    # match minutes of sports tickers, and relative times with the unit written out (version 11)
    "84' Gelbe Karte", "90.+3' TOR für Borkenau", "45+2' Halbzeit", "12’ Gol del Betis",
    "3 godz. temu Ferie", "12 minut temu Wypadek", "2 ore fa Roma", "10 minutos atrás Lisboa",
    # relative times, "yesterday, 14:32" and month names of data/'s other languages (version 12)
    "5 dakika önce Bakan", "12 minuter sedan Regeringen", "5 хвилин тому Новина", "πριν από 5 λεπτά Νέα",
    "5 λεπτά πριν Νέα", "5분 전 정부", "2시간 전 정부", "قبل 5 دقائق الحكومة", "Gisteren, 14:32 Kabinet",
    "Dün, 22:31 Kaza", "Вчора, 19:22 Поліція", "12 ekim 2023 14:32 Son", "3 maart 2024, 14:32 Nieuws",
    "5 października 2024 14:32 Sejm", "12 січня 2024 14:32 Уряд",
])
def test_timestamp_prefixes_in_many_formats(line):
    _, X = features_of(line)
    assert col(X, "timestamp_prefix_at_start") == [1.0]


@pytest.mark.parametrize("line", ["2014 gründete Russland die Union.", "Um 14 Uhr begann es.", "300'000 Reservisten",
                                  "Predsjednik je rekao", "5 perces csapat", "5 phút Hà Nội",
                                  "Jana Nováková 19 let", "for 5 minutes", "Leo 1999", "پیش از ۱۹۹۰",
                                  "80's music was loud", "5'10\" tall", "2 ore di coda",
                                  "5 dakika sonra başladı", "Mart ayında 5 kişi", "قبل الحرب"])
def test_years_and_numbers_are_not_timestamps(line):
    _, X = features_of(line)
    assert col(X, "timestamp_prefix_at_start") == [0.0]


def test_punctuation_quotes_and_capitals():
    texts, X = features_of("«Wir hoffen es.»\n\nFootball news:\n\nNO PUNCTUATION HERE")
    assert col(X, "ends_terminal") == [1.0, 0.0, 0.0]
    assert col(X, "ends_colon") == [0.0, 1.0, 0.0]
    assert col(X, "starts_quote") == [1.0, 0.0, 0.0]
    assert col(X, "has_quote") == [1.0, 0.0, 0.0]
    assert col(X, "ratio_upper")[2] == 1.0


def test_digits_ratio():
    _, X = features_of("1234 abcd")
    assert col(X, "ratio_digit") == [pytest.approx(4 / 9, abs=1e-4)]


@pytest.mark.parametrize("line, at_end", [
    ("Russen stehen in Almaty an. Bild: keystone", 1.0),
    ("…dass Kasachstan russisch sei.Bild: keystone", 1.0),
    ("Passengers on the pier (Image: Getty)", 1.0),
    ("Фото: ТАСС", 1.0),
    ("Ministr na tiskové konferenci. Zdroj: ČTK", 1.0),
    ("Lễ khởi công dự án. Nguồn: VnExpress", 1.0),
    ("Le clafoutis encore tiède. Photo : Margaux D.", 1.0),  # French typography: a space before the colon
    ("Pod szpitalem zebrało się kilkadziesiąt osób. Fot. PAP", 1.0),
    ("Fotografía: Andrés Molina", 1.0),
    ("Demonstranten op het Malieveld. Beeld: ANP", 1.0),  # version 12: data/'s other languages
    ("Bakan açıklama yaptı. Kaynak: AA", 1.0),
    ("Το λιμάνι του Πειραιά. Πηγή: ΑΠΕ", 1.0),
    ("[사진=연합뉴스]", 1.0),
])
def test_credit_lines(line, at_end):
    _, X = features_of(line)
    assert col(X, "credit_at_end") == [at_end]
    assert col(X, "n_credit")[0] > 0


@pytest.mark.parametrize("line", ["The photo shows a bridge over the river.", "Il a dit : « photo interdite »",
                                  "W tym roku fot.", "Kup aparat fot. cyfrowy"])
def test_credit_word_without_its_separator_is_not_a_credit(line):
    _, X = features_of(line)
    assert col(X, "n_credit") == [0.0]


def test_copyright_and_agency():
    _, X = features_of("Die Demonstranten vor dem Parlament. © dpa")
    assert col(X, "copyright_at_end") == [1.0]
    assert col(X, "agency_at_end") == [1.0]


def test_embed_markers_handles_urls_and_bylines():
    texts, X = features_of(
        "Great day pic.twitter.com/8krrRu9mWk #win\n\n— Jane Doe (@jane_doe) September 24, 2022\n\n"
        "See https://example.org/page for more\n\nA post shared by Max (@max)")
    assert col(X, "n_embed")[0] > 0 and col(X, "n_embed")[3] > 0
    assert col(X, "n_hashtag")[0] > 0
    assert col(X, "embed_byline_at_start") == [0.0, 1.0, 0.0, 0.0]
    assert col(X, "n_handle")[1] > 0 and col(X, "n_handle")[2] == 0
    assert col(X, "n_url") == [0.0, 0.0, pytest.approx(np.log1p(1), abs=1e-4), 0.0]


def test_email_address_is_not_a_handle():
    _, X = features_of("write to news@example.org")
    assert col(X, "n_handle") == [0.0]


@pytest.mark.parametrize("line", ["Anzeige", "Advertisement", "Read more:", "Lesen Sie auch", "Читайте также",
                                  "À lire aussi", "Publicité",
                                  # languages with no page in data/
                                  "Čtěte také:", "Quảng cáo", "Tin liên quan", "Baca juga:", "Hirdetés",
                                  "Citește și", "Pročitajte još", "Прочетете още", "বিজ্ঞাপন",
                                  # data/'s languages with few such words before version 12
                                  "Lees ook", "Läs också:", "Читайте також",
                                  # Turkish "İ" must lower to "i", not "i" and a combining dot
                                  "İlginizi çekebilir", "İLGİLİ HABERLER",
                                  "Διαβάστε επίσης:", "ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ", "اقرأ أيضاً"])
def test_ad_and_teaser_words(line):
    _, X = features_of(line)
    assert col(X, "n_ad")[0] > 0
    assert col(X, "ad_at_start") == [1.0]


def test_french_annonce_is_not_an_ad_word():
    """Danish for advertisement, French for announcement: left out."""
    _, X = features_of("Le gouvernement annonce une réforme des retraites.")
    assert col(X, "n_ad") == [0.0]


def test_cjk_ad_words():
    _, X = features_of("相关阅读：北京天气")
    assert col(X, "n_nospace_ad")[0] > 0


@pytest.mark.parametrize("line, column", [
    ("Ett inlägg delat av Anna (@anna)", "n_embed"), ("YouTube'da izle", "n_embed"),
    ("Переглянути цей допис в Instagram", "n_embed"), ("Δείτε αυτή την ανάρτηση στο Instagram", "n_embed"),
    ("عرض هذا المنشور على Instagram", "n_embed"), ("Instagram에서 이 게시물 보기", "n_nospace_embed"),
    ("관련기사", "n_nospace_ad"),
    ("▲颱風眼已清晰可見。（記者王明攝）", "n_credit"), ("考古人员在现场。（新华社记者 李慧 摄）", "n_credit"),
    ("研究團隊展示無人機。（海洋科學系提供）", "n_credit"), ("台中高分院今天駁回上訴。（本報資料照）", "n_credit"),
    ("1,245個讚 · 386則留言 · 912次分享", "n_nospace_embed"), ("在 Instagram 查看這則貼文", "n_nospace_embed"),
    ("科技玩家 ‧ 觀看次數：4.2萬次", "n_nospace_embed"),
])
def test_embed_ad_and_credit_words_of_more_languages(line, column):
    """Version 12: the link texts of embedded posts and teaser headers in en ar el ko nl sv tr uk.
    Version 14: a photographer or source closing a Chinese caption, and the Chinese counters and
    prompts of embedded Facebook, Instagram and YouTube posts."""
    _, X = features_of(line)
    assert col(X, column)[0] > 0


def test_a_share_counter_is_not_a_share_button():
    # "912次分享" is an embedded post's counter: its "分享" must not count as the share button
    _, X = features_of("912次分享")
    assert col(X, "n_nospace_embed")[0] > 0
    assert col(X, "n_nospace_ad") == [0.0]
    _, X = features_of("分享")
    assert col(X, "n_nospace_ad")[0] > 0


HINDI = ("भारत सरकार ने मंगलवार को कहा कि अगले महीने से देश के सभी स्कूलों में नई शिक्षा नीति लागू की जाएगी। "
         "मंत्री ने बताया कि इससे लाखों छात्रों को फायदा होगा।")
BENGALI = ("বাংলাদেশ সরকার মঙ্গলবার জানিয়েছে যে আগামী মাস থেকে দেশের সব স্কুলে নতুন শিক্ষানীতি চালু করা হবে। "
           "মন্ত্রী বলেছেন এতে লাখ লাখ শিক্ষার্থী উপকৃত হবে।")


@pytest.mark.parametrize("paragraph", [HINDI, BENGALI])
def test_vowel_signs_belong_to_their_words(paragraph):
    # Indic vowel signs are combining marks, not \w: split at them, "है" became "ह" and the
    # page's stoplist never matched (stopword density 0.10 in Hindi, 0.02 in Bengali)
    _, X = features_of(paragraph + "\n\n" + paragraph)
    assert col(X, "stop_density_page_lang")[0] > 0.4
    assert col(X, "ratio_alpha")[0] > 0.7
    assert col(X, "mean_word_len")[0] > 3


@pytest.mark.parametrize("sentence", ["حکومت نے منگل کو نئی تعلیمی پالیسی کا اعلان کیا۔",   # Urdu full stop
                                      "Կառավարությունը երեքշաբթի հայտարարեց նոր ծրագիր։",      # Armenian
                                      "အစိုးရက အင်္ဂါနေ့တွင် ကြေညာခဲ့သည်။",                          # Myanmar
                                      "रामनगर में मेट्रो शुरू हुई।"])                                 # Devanagari danda
def test_sentence_ends_in_many_scripts(sentence):
    _, X = features_of(sentence)
    assert col(X, "ends_terminal") == [1.0]


def test_emoji_selectors_and_joiners_are_not_letters():
    _, X = features_of("Wir lieben diese Stadt ❤️\n\nTeam 👩‍💻")
    assert col(X, "ends_alnum") == [0.0, 0.0]


def test_language_differs_from_page_language():
    german = "Die Regierung hat am Dienstag beschlossen, dass die Schulen wieder öffnen werden."
    french = "Le gouvernement a décidé mardi que les écoles allaient rouvrir la semaine prochaine."
    _, X = features_of("\n\n".join([german, german, german, french]))
    assert col(X, "lang_differs") == [0.0, 0.0, 0.0, 1.0]
    assert col(X, "stop_density_page_lang")[0] > col(X, "stop_density_page_lang")[3]
    assert col(X, "stop_density_own_lang")[3] > 0.2


def test_language_id_is_offline_and_skips_short_text():
    langs, conf = identify(["Das ist ein ganz normaler deutscher Satz.", "ok"])
    assert langs == ["de", ""] and conf[0] > 0.5 and conf[1] == 0.0
    assert "und" in stopwords("de") and stopwords("xx") == frozenset()


def test_language_id_remembers_windows_and_answers_the_same():
    sentence = "Das ist ein ganz normaler deutscher Satz."
    clear_cache()
    first = identify([sentence])
    again = identify([sentence, sentence])
    assert again[0] == first[0] * 2 and again[1].tolist() == first[1].tolist() * 2
    assert _identify_window.cache_info().hits >= 2
    clear_cache()
    assert _identify_window.cache_info().currsize == 0


def test_separators_and_paragraph_runs():
    texts, X = features_of("Title\n\nline one\nline two\nline three\n\nLast")
    assert col(X, "sep_before_blank") == [1.0, 1.0, 0.0, 0.0, 1.0]
    assert col(X, "sep_after_blank") == [1.0, 0.0, 0.0, 1.0, 1.0]
    assert col(X, "log_paragraph_blocks")[1:4] == [pytest.approx(np.log1p(3), abs=1e-4)] * 3


def test_crlf_blank_line_counts_as_paragraph_break():
    _, X = features_of("a\r\nb\r\n\r\nc")
    assert col(X, "sep_before_blank") == [1.0, 0.0, 1.0]


def test_position_duplicates_and_ticker_runs():
    texts, X = features_of("Menu\n3:15 A\n3:14 B\n3:10 C\nMenu")
    assert col(X, "rel_index") == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert col(X, "duplicate_count") == [pytest.approx(np.log1p(1), abs=1e-4), 0, 0, 0,
                                         pytest.approx(np.log1p(1), abs=1e-4)]
    assert col(X, "ticker_run_length") == [0.0] + [pytest.approx(np.log1p(3), abs=1e-4)] * 3 + [0.0]


def test_neighbour_columns_shift_within_the_page():
    _, X = features_of("3:15 A\n\nplain\n\nplain again")
    assert col(X, "prev1_timestamp_prefix_at_start") == [0.0, 1.0, 0.0]
    assert col(X, "next1_timestamp_prefix_at_start") == [0.0, 0.0, 0.0]
    assert col(X, "prev1_exists") == [0.0, 1.0, 1.0]
    assert col(X, "next2_exists") == [1.0, 0.0, 0.0]


def test_cost_is_linear_in_page_size():
    import time
    para = "Ein Absatz mit etwas Text, der sich wiederholt, damit die Seite wächst. 3:15 Zeit\n\n"
    def seconds(k):
        text = para * k
        spans = block_spans(text)
        t = time.perf_counter()
        featurize(text, spans)
        return time.perf_counter() - t
    seconds(200)
    small, large = min(seconds(1000) for _ in range(2)), min(seconds(10000) for _ in range(2))
    assert large < 25 * small  # 10x the input; generous bound for noisy machines


def test_page_relative_columns_compare_a_block_with_its_own_page():
    article = "This paragraph is the article, and it is much longer than the menu items around it."
    texts, X = features_of(f"Home\n\nNews\n\n{article}\n\nContact")
    log_chars = np.array(col(X, "log_chars"))
    assert col(X, "log_chars_minus_page_max") == pytest.approx(list(log_chars - log_chars.max()), abs=1e-4)
    assert col(X, "log_chars_minus_page_max")[2] == 0.0
    assert col(X, "log_chars_minus_page_median") == pytest.approx(list(log_chars - np.median(log_chars)), abs=1e-4)
    # the text-weighted mean sits near the long block, so menu items fall far below it
    relative = col(X, "log_chars_minus_text_mean")
    assert relative[2] > 0 > relative[0]
    share = col(X, "text_share_before")
    assert share[0] == 0.0 and share == sorted(share) and share[3] > 0.8


def test_article_words_tell_a_title_from_a_teaser():
    prose = ("The minister resigned on Monday after a long row over the budget, officials said in the "
             "capital, and the budget vote was postponed until next week.")
    texts, X = features_of("Minister resigns after budget row\n\nRead more: Football club wins the cup final\n\n"
                           f"{prose}\n\nShare")
    share, found = col(X, "article_word_share"), col(X, "log_article_words")
    # "resigns" meets "resigned" (words cut to five letters); "after" is a stopword, so of
    # minister, resigns, budget and row all four are in the paragraph
    assert share[0] == 1.0 and found[0] == pytest.approx(np.log1p(4), abs=1e-4)
    assert share[1] == 0.0 and share[3] == 0.0  # another article's headline, a button
    assert share[2] == 0.0  # the only prose block: its own words do not count


def test_article_words_of_two_prose_blocks_count_each_other():
    one = "The river flooded the old town twice this winter, and the council is building new walls."
    two = "Residents of the old town say the new walls come too late for the shops that flooded."
    _, X = features_of(f"{one}\n\n{two}")
    assert all(0.0 < v < 1.0 for v in col(X, "article_word_share"))


def test_article_words_in_a_script_without_spaces_are_character_pairs():
    prose = "台北市長今天宣布新的預算計畫，市議會將在下週討論這項預算，市民對此表示關注。"
    _, X = features_of(f"台北市長宣布新預算\n\n熱門新聞：足球隊奪冠\n\n{prose}")
    share = col(X, "article_word_share")
    assert share[0] > 0.5 and share[1] == 0.0


def test_article_words_stay_within_their_page():
    from boilerplate.features import featurize_many
    title, prose = "Budget row", "The budget row went on for weeks, and the minister finally resigned over it."
    pages = [title + "\n\nShare", prose]
    X, _ = featurize_many(pages, [block_spans(t) for t in pages])
    assert X[0, feature_names().index("article_word_share")] == 0.0  # the prose is on the other page


@pytest.mark.parametrize("line", [
    "By Jane Doe Nov 18, 2019, 11:47am EST", "於 2013/12/28 10:42", "Publié le 5 octobre 2023",
    "Kommentar vom 26.10.2023", "2019年11月18日 更新", "2023년 10월 5일 기사",
])
def test_dates_anywhere_in_a_block(line):
    _, X = features_of(line)
    assert col(X, "n_date")[0] > 0


@pytest.mark.parametrize("line", ["In 2019 the company grew by 12.5 percent.", "Call 555-1234 now",
                                  "Version 3.10.2 is out"])
def test_years_and_numbers_are_not_dates(line):
    _, X = features_of(line)
    assert col(X, "n_date") == [0.0]


def test_clock_times_anywhere_but_not_scores_or_ratios():
    _, X = features_of("Posted at 10:42 today\n\nThe ratio was 3:115 overall\n\nKickoff 25:61")
    assert col(X, "n_time") == [pytest.approx(np.log1p(1), abs=1e-4), 0.0, 0.0]


def test_count_in_brackets_at_the_end_of_a_block():
    _, X = features_of("Novembro (113)\nOutubro (217)\n新竹縣營地 (45)\nThe (2) cats slept.\nRead (more)")
    assert col(X, "count_at_end") == [1.0, 1.0, 1.0, 0.0, 0.0]


def test_period_columns_tell_a_table_from_a_menu():
    table = "\n".join(f"DL\nPlayer Name {i}\n{50 + i}\n{70 + i}%\n{i} tackles (1 combined)." for i in range(6))
    menu = "\n".join(f"Section {w}" for w in "abcdefghijklmnopqrstuvwxyz")
    _, T = features_of(table)
    _, M = features_of(menu)
    middle = len(col(T, "period_gain")) // 2
    assert col(T, "period_gain")[middle] > 0.5
    assert col(M, "period1_similarity")[13] == 1.0 and col(M, "period_gain")[13] == 0.0


def test_no_space_script_lines_are_long_enough_for_language_id_sooner():
    # 9 Chinese characters: a sentence; 4: a menu item. Latin text of 9 characters stays unknown.
    _, X = features_of("晚餐準備了砂鍋魚頭\n\n行程攻略\n\nDinner ok")
    assert col(X, "lang_known") == [1.0, 0.0, 0.0]


# --- several pages at once -------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from boilerplate.features import featurize_many, featurize_with_tokens  # noqa: E402


def _each_alone(texts):
    parts = [featurize_with_tokens(t, block_spans(t)) for t in texts]
    return (np.vstack([X for X, _ in parts]) if parts else np.zeros((0, len(feature_names()))),
            [w for _, words in parts for w in words])


def _together(texts):
    return featurize_many(texts, [block_spans(t) for t in texts])


# Pages whose end, read on into the next page, would change a value: "3." before a newline is a
# numbered item, "(" + "3)" a count closing a block, "November" + "2019" a date, "2023年" + "5月"
# a CJK date, a lone "•" a bullet; and pages without blocks between others.
_BOUNDARY_PAGES = ["Der Text endet mit 3.", "3) Nächste Seite", "Archiv (", "3)", "Am 5. November",
                   "2019 begann es.", "2023年", "5月の記事です。写真：共同", "", "\n\n", "•", "» Weiter",
                   "@", "handle here", "...", ". Satz", "Zeile\r", "\nNeue Zeile", "x" * 30 + ":", "10:42 Uhr"]


def test_pages_together_get_the_rows_they_get_alone():
    X, words = _together(_BOUNDARY_PAGES)
    X1, words1 = _each_alone(_BOUNDARY_PAGES)
    assert X.shape == X1.shape and np.array_equal(X, X1)
    assert words == words1


def test_pages_together_match_alone_on_the_bundled_pages():
    from boilerplate.pages import read_pages

    texts = [p.text for p in read_pages(["data/hand"], shape="both")][:40]
    X, _ = _together(texts)
    assert np.array_equal(X, _each_alone(texts)[0])


_piece = st.sampled_from(["3:15", "10:42", "2019", "5.", "November", "(", "3)", "@x", "#y", "•", "…", "...",
                          "Foto:", "写真：", "2023年", "5月", "の", "Das", "ist", "ein", "Satz.", "Text",
                          " ", " ", "\n", "\n\n", "\r\n", "\t", "©", "«", "»", "https://x.y", "Teilen"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_piece, max_size=25).map("".join), min_size=1, max_size=6))
def test_no_page_depends_on_the_pages_featurized_with_it(texts):
    X, words = _together(texts)
    X1, words1 = _each_alone(texts)
    assert np.array_equal(X, X1) and words == words1


def test_site_arrays_go_to_their_own_pages():
    a, b = "One block.\n\nTwo blocks here.", "Only one."
    site_a, site_b = np.array([[1.0, 0.5], [0.0, 0.5]]), np.array([[1.0, 1.0]])
    X, _ = featurize_many([a, b], [block_spans(a), block_spans(b)], [site_a, site_b])
    column = feature_names().index("site_repeat_share")
    assert X[:, column].tolist() == [1.0, 0.0, 1.0]
    with pytest.raises(ValueError):
        featurize_many([a, b], [block_spans(a), block_spans(b)], [site_b, site_a])


def test_block_sums_match_a_running_sum_for_any_spans():
    """The reduceat path (spans in order) and the running-sum path (any spans) give the same sums,
    including empty spans, spans ending at the text's end and spans past the last character."""
    from boilerplate.features import _block_sums

    rng = np.random.default_rng(0)
    for n in (0, 1, 2, 7, 100):
        mask = rng.integers(0, 3, n).astype(np.int8)
        csum = np.concatenate(([0], np.cumsum(mask)))
        for ordered in (True, False):
            edges = np.sort(rng.integers(0, n + 1, 20)) if ordered else rng.integers(0, n + 1, 20)
            starts, ends = edges[0::2], edges[1::2]
            if not ordered:
                starts, ends = np.minimum(starts, ends), np.maximum(starts, ends)
            assert _block_sums(mask, starts, ends).tolist() == (csum[ends] - csum[starts]).tolist()


def test_nospace_phrases_are_found_in_the_list_they_belong_to():
    """One alternation without a group per list: each phrase still reports its own list (the first
    list that holds it), wherever it stands in the text."""
    from boilerplate.features import _NOSPACE_GROUP_OF, _NOSPACE_PHRASE_RE
    from boilerplate.patterns import NOSPACE_PHRASES

    for group, phrases in NOSPACE_PHRASES.items():
        for phrase in phrases:
            first = next(g for g, ps in NOSPACE_PHRASES.items() if phrase in ps)
            found = [_NOSPACE_GROUP_OF[m.group()] for m in _NOSPACE_PHRASE_RE.finditer("文" + phrase + "文")]
            assert found[:1] == [first], (group, phrase, found)
