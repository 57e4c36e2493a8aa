"""The data the stages pass each other, and nothing else.

    speech ─► Transcript ─► (she corrects it) ─► Brief ─► copywriting ─► Copy ─► poster

Every stage imports these and none imports another stage; ``pipeline.py`` chains them.
The UI holds these objects in its state, and the history stores them with
``to_dict``/``from_dict``, which round-trip every field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from assistant.datafiles import table_rows
from assistant.errors import UserError
from assistant.language.facts import (
    Facts,
    contact_kind,
    extract_facts,
    find_contact,
    find_price,
    find_product,
    numbers_in,
)
from assistant.language.reading import Reading, read
from assistant.language.text import (
    fix_mishearings,
    has_words,
    mend_restarts,
    remove_fillers,
    separate_run_on_quantities,
    without_instructions,
    written_chinese,
)

MAX_TRANSCRIPT_CHARS = 1500
MAX_FIELD_CHARS = 100
MAX_CODE_CHARS = 1000  # a poster code must stay scannable; WeChat's own links are ~40
MAX_CONTACT_CHARS = 40  # a phone is 11, a WeChat ID at most 20, a shop link about 40
MAX_PRICE_YUAN = 100_000  # above this a price is a slip of the finger (an extra 0, 1e9)
# Control characters and invisible marks (zero-width, bidi overrides) a paste can carry; the
# zero-width joiner stays, it holds emoji like 👩‍🌾 together.
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_UNSAFE_SCHEME = re.compile(r"\s*(?:javascript|data|file|vbscript|blob|about|intent)\s*:", re.I)
_NEGATIVE = re.compile(r"(?:^|[^\d\s])\s*[-−－]\s*\d|负\s*[\d一二三四五六七八九十]")
_EXPONENT = re.compile(r"\d\s*[eE]\s*[-+]?\d")
STYLES_FILE = Path(__file__).resolve().parent.parent / "prompts" / "styles.tsv"
DEFAULT_STYLE = "朴实"

# How a long step reports how far it is: (fraction done, a message for the seller).
Progress = Callable[[float, str], None]


def styles() -> dict[str, str]:
    """Style name → the description the prompt gets ("热情" → "语气亲切，…")."""
    return dict(table_rows(STYLES_FILE, 2, header=True))


# --------------------------------------------------------------------------- speech


@dataclass
class Segment:
    start: float
    end: float
    text: str


@dataclass
class Transcript:
    text: str
    segments: list[Segment] = field(default_factory=list)
    language: str = "zh"
    duration_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Transcript":
        segments = [Segment(s["start"], s["end"], s["text"]) for s in data.get("segments", [])]
        return cls(
            data.get("text", ""),
            segments,
            data.get("language", "zh"),
            data.get("duration_s", 0.0),
            dict(data.get("timings", {})),
        )


# --------------------------------------------------------------------------- the brief


@dataclass
class Brief:
    """What the seller told us. Only ``transcript`` (or ``product``) is required."""

    transcript: str
    product: str = ""
    price: str = ""
    contact: str = ""
    photo: str | None = None  # path of the seller's photo, if any
    style: str = DEFAULT_STYLE
    qr: str = ""  # what her own QR code holds (read from her screenshot of it), e.g. a u.wechat.com link
    shop: str = ""  # her shop or farm name, from 我的店
    logo: str | None = None  # path of her logo, from 我的店
    colour: str = ""  # her brand colour (#rrggbb), from 我的店; the template's own when empty
    _facts: Facts | None = field(default=None, repr=False, compare=False)
    _reading: Reading | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        self.transcript = _typed(self.transcript, one_line=False)
        self.product = _typed(self.product)
        self.price = _typed(self.price)
        self.contact = _typed(self.contact)
        self.photo = self.photo or None
        self.style = (self.style or DEFAULT_STYLE).strip()
        self.qr = (self.qr or "").strip()
        self.shop = _typed(self.shop)
        self.logo = self.logo or None
        self.colour = (self.colour or "").strip()

    def validate(self) -> None:
        if not self.transcript and not self.product:
            raise UserError("请先说一说或写一写要卖的东西。", "The brief is empty: say or type what you sell.")
        if not has_words(self.said + self.product):
            # Nothing to write about: copy would come from the prompt's worked example.
            if re.search(r"[A-Za-z]{3,}", self.transcript + self.product):
                raise UserError(
                    "木兰现在只会写中文文案。请用中文说一说或写一写要卖的东西，比如「我家的杏子，一斤十五块」。",
                    "Mulan writes Chinese copy only; describe the product in Chinese.",
                )
            raise UserError(
                "没看出要卖什么。请说一说或写一写是什么东西、多少钱，比如「我家的杏子，一斤十五块」。",
                "Nothing to sell in the text: no words, only punctuation, emoji or instructions.",
            )
        self.validate_fields()

    def validate_fields(self) -> None:
        """Every field but the words: also for a profile or a code, which have no words."""
        if len(self.transcript) > MAX_TRANSCRIPT_CHARS:
            raise UserError(
                f"文字太长了（{len(self.transcript)} 字），请控制在 {MAX_TRANSCRIPT_CHARS} 字以内。",
                f"The text is too long ({len(self.transcript)} characters); the limit is {MAX_TRANSCRIPT_CHARS}.",
            )
        if self.colour and not re.fullmatch(r"#[0-9A-Fa-f]{6}", self.colour):
            raise UserError("店铺颜色要写成 #RRGGBB 的样子，比如 #D9480F。", f"Not a colour: {self.colour!r}.")
        if len(self.qr) > MAX_CODE_CHARS:
            raise UserError("二维码里的内容太长了，做到海报上扫不出来。", "The QR payload is too long.")
        if re.match(r"\s*(javascript|data|file|vbscript):", self.qr, re.I):
            raise UserError("这个二维码不能放到海报上。请换一个微信、收款或者店铺的码。", "Unsafe QR payload scheme.")
        fields_ = (("产品名", self.product), ("价格", self.price), ("联系方式", self.contact), ("店名", self.shop))
        for label, value in fields_:
            if len(value) > MAX_FIELD_CHARS:
                raise UserError(
                    f"「{label}」太长了，请控制在 {MAX_FIELD_CHARS} 字以内。",
                    f"The {label} field is longer than {MAX_FIELD_CHARS} characters.",
                )
        self._validate_price_and_contact()
        if self.style not in styles():
            raise UserError(
                f"不认识的风格「{self.style}」，可选：{'、'.join(styles())}。",
                f"Unknown style {self.style!r}; choose one of {', '.join(styles())}.",
            )

    def _validate_price_and_contact(self) -> None:
        if self.price and (_NEGATIVE.search(self.price) or _EXPONENT.search(self.price)):
            raise UserError(
                f"价格「{self.price}」看不明白。请写成数字加单位，比如「15元/斤」。",
                f"Unreadable price {self.price!r}.",
            )
        if self.price and any(float(n) > MAX_PRICE_YUAN for n in numbers_in(self.price)):
            raise UserError(
                f"价格「{self.price}」超过十万元了，请看看是不是多写了零。", f"Price {self.price!r} is over 100000."
            )
        if _UNSAFE_SCHEME.match(self.contact):
            raise UserError(
                "联系方式请写微信号或者手机号，比如 xingzi_88 或 13912345678。", "Unsafe scheme in the contact."
            )
        if len(self.contact) > MAX_CONTACT_CHARS:
            raise UserError(
                f"联系方式太长了（{len(self.contact)} 个字，最多 {MAX_CONTACT_CHARS} 个），写微信号或者手机号就行。",
                f"The contact is longer than {MAX_CONTACT_CHARS} characters.",
            )

    @property
    def effective_price(self) -> str:
        return self.price or find_price(separate_run_on_quantities(self.transcript)) or ""

    @property
    def price_shown(self) -> str:
        """Her price as a buyer must read it, with its 起 when she said one (9.9元/斤起)."""
        price = self.effective_price
        if price and price == self.reading.price and self.reading.price_note.startswith("起"):
            return price + "起"
        return price

    @property
    def scan_code(self) -> str:
        """What the poster's QR code holds: her own code; else a typed phone number (as tel:) or a
        link. A typed WeChat ID is never made a code: scanned, it would show only the text, and
        nobody could add her from it. It is printed as a 微信号 line instead."""
        if self.qr:
            return self.qr
        kind = contact_kind(self.contact) if self.contact else ""
        if kind == "phone":
            return "tel:" + re.sub(r"[^0-9+]", "", self.contact)
        if kind == "url":
            return self.contact if re.match(r"https?://", self.contact, re.I) else "https://" + self.contact
        return ""

    @property
    def said(self) -> str:
        """Her transcript without the sentences that give the model orders (a hostile paste)."""
        return without_instructions(self.transcript)

    @property
    def facts(self) -> Facts:
        if self._facts is None:
            heard = separate_run_on_quantities(fix_mishearings(self.said))
            self._facts = extract_facts(heard, self.product or find_product(heard), self.effective_price, self.contact)
        return self._facts

    @property
    def reading(self) -> Reading:
        """Her words read into slots once (``language/reading.py``): every text is written from it."""
        if self._reading is None:
            self._reading = read(self.spoken_text, self.product, self.effective_price, self.contact, bool(self.price))
        return self._reading

    @property
    def source(self) -> str:
        """Everything the seller said or typed: the copy may state nothing else. Her words
        count as heard and as fixed (包油 is her 包邮), so a mishearing never makes her fact invented."""
        said = self.said if self.spoken_text == self.said else f"{self.said} {self.spoken_text}"
        return " ".join([said, self.product, self.price, self.contact, self.shop])

    @property
    def spoken_text(self) -> str:
        """The transcript as copy may reuse it: filler (嗯，那个) and restarts (一斤，一斤八块钱) out,
        misheard selling words (包油) fixed, Cantonese (嘅, 㗎) in standard written Chinese."""
        return separate_run_on_quantities(fix_mishearings(mend_restarts(remove_fillers(written_chinese(self.said)))))

    def allowed_numbers(self) -> set[str]:
        """Every number she gave, her phone number too when she said it in groups (幺三九 零八七…)."""
        return numbers_in(self.source) | numbers_in(find_contact(self.source))

    @property
    def is_homestay(self) -> bool:
        return self.reading.is_homestay

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}

    @classmethod
    def from_dict(cls, data: dict) -> "Brief":
        known = {f.name for f in fields(cls) if not f.name.startswith("_")}
        return cls(**{k: v for k, v in data.items() if k in known})


def _typed(value: str | None, one_line: bool = True) -> str:
    """A typed or pasted value without invisible characters (a field name is no place to
    show them); line breaks are kept only where the text may have lines."""
    value = _INVISIBLE.sub("", value or "")
    return (" ".join(value.split()) if one_line else value).strip()


# --------------------------------------------------------------------------- 我的店


@dataclass(frozen=True)
class Profile:
    """我的店: what she sets up once, and every new entry starts from (Canva's Brand Kit for a
    seller). What she changes in an entry stays in that entry."""

    shop: str = ""  # shop or farm name: 张家果园
    seller: str = ""  # her name, if she wants it on the copy
    contact: str = ""  # WeChat ID, phone or link
    qr: str = ""  # what her own QR code holds
    style: str = DEFAULT_STYLE
    colour: str = ""  # #rrggbb
    logo: str | None = None  # path of her logo, kept in the store's profile folder

    def validate(self) -> None:
        Brief(
            "", contact=self.contact, style=self.style, qr=self.qr, shop=self.shop, colour=self.colour
        ).validate_fields()
        if len(self.seller) > MAX_FIELD_CHARS:
            raise UserError(f"「名字」太长了，请控制在 {MAX_FIELD_CHARS} 字以内。", "The name is too long.")

    @property
    def empty(self) -> bool:
        return not any((self.shop, self.seller, self.contact, self.qr, self.colour, self.logo))

    def brief(self, transcript: str = "", **typed) -> Brief:
        """A new entry's brief: hers from the profile, with what she typed for this entry on top
        (an empty typed value keeps the profile's)."""
        base = {"contact": self.contact, "qr": self.qr, "style": self.style, "shop": self.shop or self.seller}
        base.update(colour=self.colour, logo=self.logo)
        return Brief(transcript, **{**base, **{k: v for k, v in typed.items() if v}})

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Profile":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


# --------------------------------------------------------------------------- copy


@dataclass(frozen=True)
class Change:
    """One thing the checks changed in the model's copy, and why, for the seller to see."""

    field: str
    before: str
    after: str
    reason: str  # "广告法", "事实" (a number), "地名", "认证", "品质" or "功效"
    detail: str = ""  # the offending word, for 地名/认证/功效

    def explain(self) -> str:
        if self.reason == "广告法":
            if self.after:
                return f"为了符合广告法，已把「{self.before}」改为「{self.after}」"
            return f"为了符合广告法，已删去「{self.before}」"
        if self.reason == "地名":
            return f"「{self.before}」里的地名「{self.detail}」你没说过，已删去这句"
        if self.reason == "认证":
            return f"「{self.before}」说了「{self.detail}」，你没说过，不能乱写，已删去这句"
        if self.reason == "品质":
            return f"「{self.before}」说了「{self.detail}」，你没这样说过，不能替你保证，已删去这句"
        if self.reason == "承诺":
            return f"「{self.before}」答应了「{self.detail}」，你没说过，不能替你答应，已删去这句"
        if self.reason == "设施":
            return f"「{self.before}」说有「{self.detail}」，你没说过，客人来了会找，已删去这句"
        if self.reason == "功效":
            return f"「{self.before}」写了「{self.detail}」这类功效，广告法不允许，已删去这句"
        if self.reason == "事实":
            return f"「{self.before}」里的数字在原话里没有，已删去"
        return self.detail  # a change saved by an older version, as its sentence

    def to_dict(self) -> dict:
        return {**asdict(self), "explain": self.explain()}

    @classmethod
    def from_dict(cls, data: dict | str) -> "Change":
        if isinstance(data, str):  # history saved before changes were kept whole
            return cls("", "", "", "", data)
        return cls(**{k: data.get(k, "") for k in ("field", "before", "after", "reason", "detail")})


@dataclass
class Piece:
    """A piece of text as the model writes it, for showing progress."""

    platform: str
    text: str


@dataclass
class Copy:
    """Everything written for one brief. ``posts`` maps a platform id to its text."""

    title: str
    slogan: str
    selling_points: list[str]
    posts: dict[str, str]
    hashtags: list[str]
    facts: dict[str, str] = field(default_factory=dict)
    source: str = "model"  # "model", "model (repaired)" or "fallback", over all platforms
    sources: dict[str, str] = field(default_factory=dict)  # the same, per platform
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    generator: str = ""
    raw: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    style: str = ""

    @classmethod
    def empty(cls) -> "Copy":
        return cls(title="", slogan="", selling_points=[], posts={}, hashtags=[])

    def with_poster_edits(self, title: str, slogan: str, points: str) -> "Copy":
        """A copy of this with the seller's edits to the poster text; a blank field keeps what was written."""
        edited = [p.strip() for p in (points or "").splitlines() if p.strip()]
        return Copy.from_dict(
            {
                **self.to_dict(),
                "title": (title or "").strip() or self.title,
                "slogan": (slogan or "").strip() or self.slogan,
                "selling_points": edited or list(self.selling_points),
            }
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        data["changes"] = [c.to_dict() for c in self.changes]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Copy":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["changes"] = [Change.from_dict(c) for c in data.get("changes", [])]
        for name in ("title", "slogan"):
            values.setdefault(name, "")
        for name in ("selling_points", "hashtags"):
            values[name] = list(values.get(name, []))
        values.setdefault("posts", {})
        return cls(**values)


# --------------------------------------------------------------------------- video


@dataclass(frozen=True)
class Cue:
    """A subtitle: what is said from ``start`` to ``end`` seconds."""

    start: float
    end: float
    text: str


@dataclass
class VoiceOver:
    """The sound of a video: her recording, Mulan reading the script, or nothing.

    ``samples`` are mono float32 at ``rate``; ``cues`` time the subtitles against them
    (from the recogniser's segments for her own voice, from each sentence for Mulan's).
    ``kind`` is "own", "read" or "none"; ``clean`` tidies her recording (levels, pauses).
    """

    kind: str
    samples: object = None  # numpy array, or None for a silent video
    rate: int = 16_000
    cues: list[Cue] = field(default_factory=list)
    clean: bool = True


@dataclass
class VideoRequest:
    """Everything the video stage needs: it never calls a model itself.

    ``photos`` are decoded images (1–9), ``end_card`` the poster drawn for the end, and
    ``title``/``price`` go over the first photo in the template's ``colours``
    (background, ink). ``music`` is mono float32 at ``music_rate``, or None.
    """

    photos: list
    end_card: object
    title: str
    price: str
    colours: tuple[str, str]
    voice: VoiceOver
    size: tuple[int, int] = (1080, 1920)
    music: object = None
    music_rate: int = 44_100
