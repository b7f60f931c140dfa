#!/usr/bin/env python3
"""Compose labelled parts (``data/parts/*.parts``) into varied training pages (``data/generated.jsonl``).

Each page is built like a real news page as a crawler's text dump holds it: navigation at the top,
an article (title, paragraphs, subheadings, quotes, lists) with image captions and embedded social
posts between its paragraphs, inline ads and "read also" teasers, then share buttons, teaser
lists, comments, a ticker of timestamped headlines and a footer. Which pieces appear, where, in
which order, in which languages, and in which shape (blank-line paragraphs or WET lines) is drawn
from one seeded random stream, so the output is byte-identical on any machine.

Standard library only::

    python data/generate.py                  # writes data/generated.jsonl
    python data/generate.py /tmp/out.jsonl   # writes elsewhere (the tests compare both)

Output: one JSON object a line, the spans shape of :mod:`boilerplate.pages`:
``{"id", "lang", "source": "generated", "text", "spans": [{"start", "end", "label"}, ...]}``.
Every non-empty line of a page is one span; separators (newlines, stray blanks) are unlabelled.

Parts format (see ``data/README.md``): ``@section`` starts a list; each following non-empty line
is one item; lines starting with ``# `` are comments. Items may hold ``{placeholders}`` that are
filled here (``{name}``, ``{handle}``, ``{agency}``, ``{date}``, ``{n}``, ``{HH}``, ...). A
section missing from a language falls back to English (``en.parts``).
"""
from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from pathlib import Path
from typing import Callable

SEED = 20231026
HERE = Path(__file__).resolve().parent
PARTS_DIR = HERE / "parts"
DEFAULT_OUT = HERE / "generated.jsonl"

PAGES_PER_LANG = {"en": 20, "de": 16, "fr": 14, "es": 12, "ru": 12, "zh": 10}
PAGES_OTHER = 8
P_CRLF = 0.06         # share of pages with CRLF line endings
P_STRAY = 0.12        # share of pages with stray whitespace in separators

# Languages that share pages in the wild (a Swiss ticker in German and French, a Ukrainian site quoting
# Russian posts); "other language" draws come from here three times in four, else from any language.
NEIGHBOURS = {
    "de": ["fr", "en", "it", "tr", "nl"], "fr": ["de", "en", "it", "es", "ar"], "en": ["es", "fr", "de", "zh", "ar"],
    "es": ["en", "pt", "fr", "it"], "pt": ["es", "en", "fr"], "it": ["de", "fr", "en", "es"],
    "nl": ["en", "de", "fr"], "pl": ["en", "de", "uk"], "sv": ["en", "de"], "tr": ["en", "de", "ar"],
    "ru": ["uk", "en", "de"], "uk": ["ru", "en", "pl"], "el": ["en", "tr", "de"], "ar": ["en", "fr", "tr"],
    "zh": ["en", "ja", "ko"], "ja": ["en", "zh", "ko"], "ko": ["en", "ja", "zh"],
}

Line = tuple[str, str]          # (text, label)


class Unit:
    """A run of lines that belong together (a paragraph, a ticker, a tweet with its byline).

    ``tight`` units keep single newlines between their lines even in paragraph shape.
    """

    def __init__(self, lines: list[Line], tight: bool = True) -> None:
        self.lines = [(t, lab) for t, lab in lines if t.strip()]
        self.tight = tight


def load_parts(folder: Path = PARTS_DIR) -> dict[str, dict[str, list[str]]]:
    """Read every ``*.parts`` file of ``folder`` into ``{lang: {section: [items]}}``.

    >>> parts = load_parts()
    >>> len(parts["de"]["body"]) > 20
    True
    """
    parts: dict[str, dict[str, list[str]]] = {}
    for path in sorted(folder.glob("*.parts")):
        sections: dict[str, list[str]] = {}
        current: list[str] | None = None
        for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line == "#" or line.startswith("# "):
                continue
            if line.startswith("@"):
                current = sections.setdefault(line[1:].strip(), [])
                continue
            if current is None:
                raise ValueError(f"{path}:{lineno}: item before the first @section")
            current.append(line)
        parts[path.stem] = sections
    return parts


class Composer:
    """Draws parts and builds pages from one seeded random stream."""

    def __init__(self, parts: dict[str, dict[str, list[str]]], seed: int = SEED) -> None:
        self.parts = parts
        self.common = parts.get("common", {})
        self.langs = [lang for lang in parts if lang != "common"]
        self.rng = random.Random(seed)
        self.used: set[tuple[str, str]] = set()     # items drawn on the current page (membership only)

    # -- drawing -----------------------------------------------------------------------------
    def items(self, lang: str, section: str) -> list[str]:
        found = self.parts[lang].get(section) or self.parts["en"].get(section) or self.common.get(section)
        if not found:
            raise KeyError(f"no parts for section {section!r} (language {lang!r})")
        return found

    def pick(self, lang: str, section: str) -> str:
        return self.fill(lang, self.rng.choice(self.items(lang, section)))

    def fresh(self, lang: str, section: str) -> str:
        """Like :meth:`pick`, but avoids items already used on the current page while any are left."""
        pool = self.items(lang, section)
        unused = [s for s in pool if (section, s) not in self.used]
        choice = self.rng.choice(unused or pool)
        self.used.add((section, choice))
        return self.fill(lang, choice)

    def sample(self, lang: str, section: str, k: int) -> list[str]:
        """Up to ``k`` distinct items of a section, in random order."""
        pool = self.items(lang, section)
        return [self.fill(lang, s) for s in self.rng.sample(pool, min(k, len(pool)))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def other_lang(self, lang: str) -> str:
        near = [x for x in NEIGHBOURS.get(lang, []) if x in self.parts]
        if near and self.chance(0.75):
            return self.rng.choice(near)
        return self.rng.choice([x for x in self.langs if x != lang])

    # -- placeholders ------------------------------------------------------------------------
    def person(self, lang: str) -> tuple[str, str]:
        """A display name and a plausible handle for it."""
        raw = self.rng.choice(self.items(lang, "names"))
        if "|" in raw:
            name, handle = raw.split("|", 1)
            return name, handle
        return raw, self.handle_for(raw)

    def handle_for(self, name: str) -> str:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", ascii_name)]
        if len(words) < 2:
            return self.rng.choice(self.common["handle"]) + str(self.rng.randint(1, 99))
        first, last = words[0], words[-1]
        forms = [first + last, f"{first}_{last}", f"{first[0]}{last}", f"{last}{first[0]}",
                 f"{first}{last[0]}{self.rng.randint(70, 99)}", f"{first}.{last}", f"{last}_{self.rng.choice(self.common['handle'])}"]
        return self.rng.choice(forms)

    def date(self, lang: str) -> str:
        months = self.items(lang, "months")
        m = self.rng.randint(1, 12)
        d = self.rng.randint(1, 28)
        y = self.rng.randint(2015, 2025)
        tpl = self.rng.choice(self.items(lang, "date"))
        return tpl.format(D=d, DD=f"{d:02d}", M=m, MO=f"{m:02d}", Month=months[m - 1], YYYY=y)

    def fill(self, lang: str, template: str) -> str:
        if "{" not in template:
            return template
        rng = self.rng
        name, handle = self.person(lang)
        hh, mm = rng.randint(0, 23), rng.randint(0, 59)
        values: dict[str, Callable[[], object]] = {
            "name": lambda: name,
            "handle": lambda: handle,
            "agency": lambda: rng.choice(self.items(lang, "agency") + self.common["agency"]),
            "person": lambda: self.person(lang)[0],
            "publisher": lambda: rng.choice(self.items(lang, "publisher")),
            "brand": lambda: rng.choice(self.common["brand"]),
            "date": lambda: self.date(lang),
            "n": lambda: rng.choice([2, 3, 4, 5, 7, 8, 12, 14, 17, 21, 25, 34, 48, 56, 112, 230]),
            "views": lambda: rng.choice(["1.2K", "3,4K", "12K", "45.2K", "870", "2 314", "15 902", "128K", "9.8K"]),
            "YYYY": lambda: rng.randint(2019, 2025),
            "HH": lambda: f"{hh:02d}",
            "H": lambda: hh,
            "MM": lambda: f"{mm:02d}",
            "code": lambda: self.code(10),
            "N": lambda: rng.randint(2, 9),
        }
        out = []
        for piece in re.split(r"(\{[A-Za-z]+\})", template):
            key = piece[1:-1] if piece.startswith("{") and piece.endswith("}") else None
            out.append(str(values[key]()) if key in values else piece)
        return "".join(out)

    def code(self, n: int) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    # -- article -----------------------------------------------------------------------------
    def article(self, lang: str, embed_lang: str) -> list[Unit]:
        """Title, paragraphs, subheadings, quotes, lists, with captions, embeds and inline ads."""
        units = [Unit([(self.pick(lang, "title"), "body")], tight=False)]
        if self.chance(0.35):
            units.append(self.caption(lang))
        n_para = self.rng.randint(5, 16)
        paragraphs = self.sample(lang, "body", n_para)
        used_list = used_ad = used_teaser = False
        for i, para in enumerate(paragraphs):
            units.append(Unit([(para, "body")], tight=False))
            if i == len(paragraphs) - 1:
                break
            roll = self.rng.random()
            if roll < 0.14:
                units.append(Unit([(self.fresh(lang, "sub"), "body")], tight=False))
            elif roll < 0.28:
                units.append(self.caption(lang))
                if self.chance(0.3):
                    units.append(self.caption(lang))
            elif roll < 0.40:
                units.extend(self.embed(embed_lang if self.chance(0.6) else lang))
                after = self.rng.random()  # what follows a post: a caption, a subheading, or the text
                if after < 0.35:
                    units.append(self.caption(lang, allow_credit=False))
                elif after < 0.6:
                    units.append(Unit([(self.fresh(lang, "sub"), "body")], tight=False))
            elif roll < 0.48:
                if self.chance(0.6):
                    units.append(Unit([(self.fresh(lang, "leadin"), "body")], tight=False))
                units.append(Unit([(self.fresh(lang, "quote"), "body")], tight=False))
            elif roll < 0.53 and not used_list:
                used_list = True
                units.extend(self.body_list(lang))
            elif roll < 0.58 and not used_ad:
                used_ad = True
                units.append(self.inline_ad(lang))
            elif roll < 0.62 and not used_teaser:
                used_teaser = True
                units.append(self.read_also(lang))
        return units

    def body_list(self, lang: str) -> list[Unit]:
        intro = Unit([(self.fresh(lang, "list_intro"), "body")], tight=False)
        marker = self.rng.choice(["- ", "• ", "– ", "* ", "{i}. ", "{i}) ", ""])
        items = self.sample(lang, "bullets", self.rng.randint(3, 5))
        lines = [(marker.replace("{i}", str(i + 1)) + item, "body") for i, item in enumerate(items)]
        return [intro, Unit(lines, tight=self.chance(0.7))]

    def caption(self, lang: str, allow_credit: bool = True) -> Unit:
        text = self.fresh(lang, "caption")
        credit = self.pick(lang, "credit")
        roll = self.rng.random() if allow_credit else 0.0
        if roll < 0.2:
            lines = [text]
        elif roll < 0.36:
            lines = [text.rstrip() + credit]                      # glued: "…eingefärbt.Bild: keystone"
        elif roll < 0.46:
            lines = [text, credit]
        elif roll < 0.52:
            lines = [credit]
        elif roll < 0.58:
            lines = [f"{credit} {text}" if credit.startswith("(") else f"{text} ({credit})"]
        else:
            lines = [f"{text}{self.rng.choice([' ', ' ', '  ', ' | ', ' / ', ' — '])}{credit}"]
        return Unit([(t, "caption") for t in lines], tight=True)

    # -- embeds ------------------------------------------------------------------------------
    def embed(self, lang: str) -> list[Unit]:
        kind = self.rng.choices(
            ["tweet", "instagram", "youtube", "tiktok", "facebook", "telegram", "bluesky", "threads", "mastodon"],
            weights=[34, 14, 12, 8, 8, 8, 6, 5, 5],
        )[0]
        chrome = lang if self.chance(0.55) else "en"           # many sites keep English player chrome
        name, handle = self.person(lang)
        post = self.pick(lang, "tweet")
        date = self.date(chrome)
        lines: list[str]
        if kind == "tweet":
            link = self.rng.choice(["", "", f" pic.twitter.com/{self.code(10)}", f" https://t.co/{self.code(10)}",
                                    f" pic.x.com/{self.code(10)}"])
            dash = self.rng.choice(["— ", "— ", "- ", "—"])
            byline = f"{dash}{name} (@{handle}) {date}"
            if self.chance(0.5):                                  # the seed's shape: a blank line between
                return [Unit([(post + link, "embed")], tight=False), Unit([(byline, "embed")], tight=False)]
            lines = [post + link, byline]
        elif kind == "instagram":
            by = self.pick(chrome, "insta_by")
            lines = []
            if self.chance(0.6):
                lines.append(self.pick(chrome, "insta_view"))
            if self.chance(0.4):
                lines.append(post)
            lines.append(by)
        elif kind == "youtube":
            title = self.pick(lang, "video") if self.chance(0.7) else self.pick(lang, "headline")
            roll = self.rng.random()
            if roll < 0.35:
                lines = [f"{title} - YouTube"]
            elif roll < 0.7:
                lines = [title, self.pick(chrome, "yt")]
            else:
                lines = [title, name, self.pick(chrome, "yt_chrome"), self.pick(chrome, "yt")]
        elif kind == "tiktok":
            tags = " ".join("#" + self.rng.choice(self.common["hashtag"]) for _ in range(self.rng.randint(1, 4)))
            sound = self.pick(chrome, "tiktok_sound")
            lines = [f"@{handle} {post} {tags}", f"♬ {sound}"] if self.chance(0.5) else [f"@{handle} ♬ {sound}"]
        elif kind == "facebook":
            lines = [post, self.pick(chrome, "fb_by")]
        elif kind == "telegram":
            views = self.pick(chrome, "tg_views")
            lines = [name, post, views, f"t.me/{handle}/{self.rng.randint(100, 99999)}"]
            if self.chance(0.4):
                lines = [post, f"t.me/{handle}", views]
        elif kind == "bluesky":
            lines = [post, f"— {name} (@{handle}.bsky.social) {date} at {self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}"]
            if self.chance(0.4):
                lines.append("[image or embed]")
        elif kind == "threads":
            lines = [post, f"Post by @{handle}", "View on Threads"]
        else:
            lines = [post, f"— {name} (@{handle}@{self.rng.choice(self.common['mastodon'])}) {date}"]
        return [Unit([(t, "embed") for t in lines], tight=self.chance(0.6))]

    # -- around the article ------------------------------------------------------------------
    def nav(self, lang: str) -> Unit:
        words = self.sample(lang, "nav", self.rng.randint(4, 11))
        if self.chance(0.5):
            return Unit([(w, "ad") for w in words], tight=True)
        sep = self.rng.choice([" | ", " · ", "  ", " ", " / ", " • "])
        return Unit([(sep.join(words), "ad")])

    def top_ad(self, lang: str) -> Unit:
        lines = [self.pick(lang, "ad_marker")]
        if self.chance(0.7):
            lines.append(self.pick(lang, "ad_copy"))
        return Unit([(t, "ad") for t in lines], tight=self.chance(0.6))

    def inline_ad(self, lang: str) -> Unit:
        lines = [self.pick(lang, "ad_marker"), self.pick(lang, "ad_copy")]
        if self.chance(0.4):
            lines.append(self.pick(lang, "ad_button"))
        if self.chance(0.3):
            lines.reverse()
        return Unit([(t, "ad") for t in lines], tight=self.chance(0.5))

    def read_also(self, lang: str) -> Unit:
        header = self.pick(lang, "teaser_header")
        headline = self.pick(lang, "headline")
        if self.chance(0.5):
            return Unit([(f"{header.rstrip(':')}: {headline}", "ad")])
        return Unit([(header, "ad"), (headline, "ad")], tight=True)

    def teasers(self, lang: str) -> list[Unit]:
        tlang = lang if self.chance(0.85) else self.other_lang(lang)
        if self.parts[tlang].get("teaser") and self.chance(0.35):   # long teasers, like the seed's football news
            heads = self.sample(tlang, "teaser", self.rng.randint(3, 7))
        else:
            heads = self.sample(tlang, "headline", self.rng.randint(3, 9))
        if self.chance(0.25):
            suffix = self.rng.choice([" (Video)", " +", " ▶", " | Video", " 📷", ""])
            heads = [h + suffix if self.chance(0.4) else h for h in heads]
        if self.chance(0.2):
            brand_lines = [f"{self.pick(lang, 'ad_marker')} · {self.fill(lang, '{brand}')}", self.pick(lang, "ad_copy")]
            heads[self.rng.randrange(len(heads)):0] = brand_lines
        lines = [(h, "ad") for h in heads]
        units = []
        if self.chance(0.75):
            header = Unit([(self.pick(lang, "teaser_header"), "ad")], tight=False)
            if self.chance(0.5):
                lines.insert(0, header.lines[0])
            else:
                units.append(header)
        units.append(Unit(lines, tight=True))
        return units

    def share(self, lang: str) -> Unit:
        words = self.sample(lang, "share", self.rng.randint(2, 5))
        if self.chance(0.5):
            return Unit([(w, "ad") for w in words], tight=True)
        return Unit([(self.rng.choice(["  ", " | ", " "]).join(words), "ad")])

    def prompt(self, lang: str, section: str) -> Unit:
        lines = [self.pick(lang, section)]
        button = {"cookie": "cookie_button", "newsletter": "newsletter_button", "paywall": "login"}[section]
        for _ in range(self.rng.randint(0, 2)):
            lines.append(self.pick(lang, button))
        return Unit([(t, "ad") for t in lines], tight=self.chance(0.6))

    def comments(self, lang: str) -> Unit:
        lines = [(self.pick(lang, "comment_head"), "ad")]
        for _ in range(self.rng.randint(1, 5)):
            user = self.person(lang)[self.rng.randint(0, 1)]
            stamp = self.ago(lang, self.rng.randint(2, 2000))
            if self.chance(0.5):
                lines.append((f"{user} · {stamp}" if self.chance(0.5) else f"{user} {stamp}", "ad"))
            else:
                lines += [(user, "ad"), (stamp, "ad")]
            lines.append((self.pick(lang, "comment"), "ad"))
            if self.chance(0.7):
                lines.append((self.pick(lang, "reply"), "ad"))
        return Unit(lines, tight=True)

    def footer(self, lang: str) -> Unit:
        rights = self.pick(lang, "rights")
        lines = [rights]
        links = self.sample(lang, "footer_links", self.rng.randint(3, 7))
        if self.chance(0.5):
            lines += links
        else:
            lines.append(self.rng.choice([" | ", " · ", "  "]).join(links))
        if self.chance(0.5):
            lines.reverse()
        return Unit([(t, "ad") for t in lines], tight=True)

    # -- ticker ------------------------------------------------------------------------------
    def ago(self, lang: str, minutes: int) -> str:
        forms = [t for t in self.items(lang, "ticker_time") if "{n}" in t] or [
            t for t in self.items("en", "ticker_time") if "{n}" in t]
        minute_form, _, hour_form = self.rng.choice(forms).partition("|")
        if minutes < 60 or not hour_form:
            return minute_form.replace("{n}", str(max(1, minutes)))
        return hour_form.replace("{n}", str(minutes // 60))

    def ticker(self, lang: str) -> Unit:
        n = self.rng.choices([self.rng.randint(10, 25), self.rng.randint(20, 50), self.rng.randint(40, 90)],
                             weights=[5, 3, 2])[0]
        langs = [lang]
        if self.chance(0.4):
            langs.append(self.other_lang(lang))
        langs = list(dict.fromkeys(langs))
        for _ in range(10):                                       # long tickers draw on more languages
            if sum(len(self.items(x, "headline")) for x in langs) >= n or len(langs) >= 3:
                break
            extra = self.other_lang(lang)
            if extra not in langs:
                langs.append(extra)
        pool = [(x, h) for x in langs for h in self.items(x, "headline")]
        n = min(n, len(pool))
        drawn = self.rng.sample(pool, n)
        tlang = lang if self.chance(0.8) else langs[-1]           # the time format's language
        tpl = self.rng.choice(self.items(tlang, "ticker_time"))
        relative = "{n}" in tpl
        sep = self.rng.choice([" ", " ", " ", " | ", " – ", " - ", "  ", "\n"])
        if "\n" in sep and relative:
            sep = " "
        minute = self.rng.randint(8 * 60, 24 * 60 - 1)
        ago = self.rng.randint(1, 6)
        day = self.rng.randint(1, 28)
        month = self.rng.randint(1, 12)
        year = self.rng.randint(2019, 2025)
        lines: list[Line] = []
        for hl_lang, hl in drawn:
            hl = self.fill(hl_lang, hl)
            if relative:
                m_form, _, h_form = tpl.partition("|")
                use_hours = ago >= 60 and h_form
                stamp = (h_form.replace("{n}", str(ago // 60)) if use_hours else m_form.replace("{n}", str(ago)))
                ago += self.rng.randint(0, 9)
            else:
                hh, mm = divmod(minute % (24 * 60), 60)
                h12 = hh % 12 or 12
                stamp = tpl.format(H=hh, HH=f"{hh:02d}", MM=f"{mm:02d}", h12=h12, ampm="AM" if hh < 12 else "PM",
                                   D=day, DD=f"{day:02d}", M=month, MO=f"{month:02d}", YYYY=year)
                minute -= self.rng.randint(0, 25)
                if minute < 0:
                    minute += 24 * 60
            if sep == "\n":
                lines += [(stamp, "ticker"), (hl, "ticker")]
            else:
                lines.append((f"{stamp}{sep}{hl}", "ticker"))
        return Unit(lines, tight=True)

    # -- page --------------------------------------------------------------------------------
    def page(self, lang: str, idx: int) -> dict:
        self.used = set()
        embed_lang = lang if self.chance(0.55) else self.other_lang(lang)
        top: list[Unit] = []
        if self.chance(0.55):
            top.append(self.nav(lang))
        if self.chance(0.25):
            top.append(self.prompt(lang, "cookie"))
        if self.chance(0.3):
            top.append(self.top_ad(lang))
        if self.chance(0.15):
            top.append(self.ticker(lang))
        self.rng.shuffle(top)
        bottom: list[Unit] = []
        if self.chance(0.4):
            bottom.append(self.share(lang))
        if self.chance(0.2):
            bottom.append(self.prompt(lang, "paywall"))
        if self.chance(0.65):
            bottom.extend(self.teasers(lang))
        if self.chance(0.3):
            bottom.append(self.prompt(lang, "newsletter"))
        if self.chance(0.25):
            bottom.append(self.comments(lang))
        if self.chance(0.6):
            bottom.append(self.ticker(lang))
        if self.chance(0.3):
            bottom.extend(self.teasers(lang))
        if self.chance(0.2):
            bottom.append(self.top_ad(lang))
        if self.chance(0.55):
            bottom.append(self.footer(lang))
        units = top + self.article(lang, embed_lang) + bottom
        shape = "wet" if idx % 2 else "paragraph"            # every language gets both shapes
        newline = "\r\n" if self.chance(P_CRLF) else "\n"
        stray = self.chance(P_STRAY)
        return self.render(f"gen-{lang}-{idx:03d}", lang, units, shape, newline, stray)

    def render(self, pid: str, lang: str, units: list[Unit], shape: str, newline: str, stray: bool) -> dict:
        """Join units into text and spans; separators stay unlabelled."""
        text: list[str] = []
        spans: list[dict] = []
        pos = 0
        first = True
        for unit in units:
            for j, (line, label) in enumerate(unit.lines):
                if not first:
                    blank = shape == "paragraph" and (j == 0 or not unit.tight)
                    sep = newline * 2 if blank else newline
                    if stray and self.chance(0.15):
                        sep = self.rng.choice([" " + sep, "\t" + sep, sep + " " + newline if blank else " " + sep,
                                               sep + newline if blank else sep])
                    text.append(sep)
                    pos += len(sep)
                first = False
                text.append(line)
                spans.append({"start": pos, "end": pos + len(line), "label": label})
                pos += len(line)
        if self.chance(0.5):
            text.append(newline)
        return {"id": pid, "lang": lang, "source": "generated", "text": "".join(text), "spans": spans}


def generate(parts: dict[str, dict[str, list[str]]] | None = None, seed: int = SEED) -> list[dict]:
    """All generated pages as spans-shape records, in a fixed order.

    >>> pages = generate()
    >>> len(pages) >= 150 and pages == generate()
    True
    """
    composer = Composer(parts or load_parts(), seed)
    pages = []
    for lang in composer.langs:
        for i in range(PAGES_PER_LANG.get(lang, PAGES_OTHER)):
            pages.append(composer.page(lang, i))
    return pages


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    pages = generate()
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        for rec in pages:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {len(pages)} pages to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
