"""From a seller's brief to copy: prompt, generate, finish each platform, fall back.

Each platform's finisher (``platforms/``) holds the model's text to that platform's
rules and checks it with ``compliance.py``. Whatever the model got wrong is filled in
from a rule-based draft built from the brief, and ``Copy.source`` says which
happened, so nobody mistakes a template sentence for the model's work.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from copy import deepcopy
from dataclasses import dataclass, replace

from assistant.contracts import Brief, Copy, Piece
from assistant.copywriting import examples, review
from assistant.copywriting.platforms import PLATFORMS, Finished, default_platforms, moments, poster
from assistant.copywriting.platforms.common import leaks_prompt
from assistant.copywriting.prompts import Prompt, example_answer
from assistant.errors import ServerUnavailableError
from assistant.llm import GenerationOptions, TextGenerator


def rule_based_draft(brief: Brief) -> dict:
    """The whole fallback copy: poster text and a Moments post from the seller's words."""
    return {**poster.poster_draft(brief), "moments": moments.fallback(brief)}


@dataclass(frozen=True)
class CopyOptions:
    """How copy is generated.

    Attributes:
        platforms: which copy to write, in order; ``None`` means every platform the
            brief needs (the 民宿 introduction only for homestays). "poster" always
            comes first: the posters need it, and it is the quickest.
        temperature: 0 (greedy) for the first version; "换一个" raises it with a new seed.
        seed: varies the regenerated version.
        previous: for 换一个, the texts it replaces: one that comes out the same is sampled
            again once, then varied by its platform (``Platform.vary``).
        example: the worked example in each prompt: "typical", the library's most typical
            example of her kind of goods said her way (a few dozen prompts, each evaluated
            once and kept by the model server); "nearest", the library's closest to her brief
            (BM25; evaluated anew for every brief); "fixed", the prompt file's own.
        candidates: how many texts the model writes per platform: the first greedy, the rest
            sampled; ``review.py`` keeps the one with the fewest faults, and the rule-based text
            when every one has a fault it does not.
    """

    platforms: tuple[str, ...] | None = None
    temperature: float = 0.0
    seed: int = 0
    previous: tuple[tuple[str, str], ...] = ()  # (platform, text) of the version 换一个 replaces
    example: str = "typical"  # which worked example the model is shown: see EXAMPLE_CHOICES
    candidates: int = 1  # texts written per platform; the reviewer keeps the one with fewest faults

    def generation(self, platform: str) -> GenerationOptions:
        spec = PLATFORMS[platform]
        return GenerationOptions(
            max_tokens=spec.max_tokens,
            temperature=self.temperature,
            seed=self.seed,
            repeat_penalty=spec.repeat_penalty,
            urgent=platform == "poster",  # her posters wait for it; a class's other texts can
            json_schema=spec.json_schema,
        )

    def order(self, brief: Brief) -> list[str]:
        """The platforms to write for ``brief``, poster first, unknown ids left out."""
        wanted = self.platforms or default_platforms(brief)
        return ["poster", *[p for p in wanted if p != "poster" and p in PLATFORMS]]

    def regenerated(self, attempt: int) -> "CopyOptions":
        """A different version on purpose: sampled, with a seed per attempt."""
        return replace(self, temperature=0.8, seed=attempt)

    @classmethod
    def for_page(
        cls,
        brief: Brief,
        ticked: tuple[str, ...] | None = None,
        attempt: int = 0,
        previous: Copy | None = None,
    ) -> "CopyOptions":
        """What the page asks for: the texts she ticked (the poster text is always written, the
        民宿 text only for a homestay), and for 换一个 (``attempt`` > 0) a sampled version
        unlike ``previous``."""
        platforms = None
        if ticked is not None:
            platforms = ("poster", *(p for p in ticked if p in PLATFORMS and PLATFORMS[p].wanted_for(brief)))
        options = cls(platforms=platforms)
        if not attempt:
            return options
        return replace(options.regenerated(attempt), previous=_texts_of(previous) if previous else ())

    def previous_text(self, platform: str) -> str | None:
        return dict(self.previous).get(platform)


# How the worked example shown to the model is chosen (CopyOptions.example).
EXAMPLE_CHOICES = {
    "typical": examples.typical,
    "nearest": examples.nearest,
    "fixed": lambda brief, platform: None,
}


def _texts_of(copy: Copy) -> tuple[tuple[str, str], ...]:
    """Each platform's text as 换一个 compares it: the poster by its title and slogan."""
    return (("poster", _poster_text(copy)), *sorted(copy.posts.items()))


def _poster_text(copy: Copy) -> str:
    return f"{copy.title}|{copy.slogan}"


def _same(a: str, b: str) -> bool:
    """The same text to a reader: only spaces, punctuation or emoji differ."""

    def bare(text: str) -> str:
        return re.sub(r"[^\w]", "", text)

    return bare(a) == bare(b)


@dataclass(frozen=True)
class _Raw:
    """One platform's whole answer from the model ("" when there is none) and how long it took."""

    platform: str
    text: str
    seconds: float
    others: tuple[str, ...] = ()  # further candidates, sampled, when best-of-N asked for them


def faults_of(platform: str, result: Finished, brief: Brief) -> list[review.Fault]:
    """What a reader would find wrong with a finished text (``review.py``)."""
    if platform == "poster":
        fields = result.fields
        return review.review_poster(fields["title"], fields["slogan"], fields["selling_points"], brief)
    return review.review_text(platform, result.text, brief)


def _fault_weight(platform: str, raw: str, brief: Brief, example: str = "") -> int:
    """How bad ``raw`` reads once finished (on an empty copy: the poster's hashtags the 小红书
    note would reuse are not needed to find its faults); a text the finisher threw away for the
    rule-based one counts as broken."""
    result = _mended(PLATFORMS[platform].finish(raw, brief, Copy.empty()), brief, example)
    if result.source == "fallback":
        return review.weight([review.Fault("broken", platform, "模型没写出能用的")])  # worth asking again
    return review.weight(faults_of(platform, result, brief))


def _best(platform: str, raws: list[str], brief: Brief, copy: Copy, example: str = "") -> tuple[Finished, str]:
    """The finished candidate with the fewest faults (``review.weight``): the model's texts in
    the order written, then the rule-based text, which wins only when it has fewer."""
    spec = PLATFORMS[platform]
    candidates = [(_mended(spec.finish(raw, brief, copy), brief, example), raw) for raw in dict.fromkeys(raws)]
    if candidates[0][0].source != "fallback":
        candidates.append((_mended(spec.finish("", brief, copy), brief, example), ""))
    scored = [
        (
            review.weight(faults_of(platform, result, brief))
            + (review.FALLBACK_WEIGHT if result.source == "fallback" else 0),
            result.source == "fallback",
            i,
        )
        for i, (result, _) in enumerate(candidates)
    ]
    best = min(scored)[2]
    result, raw = candidates[best]
    if best and raw == "":
        result.notes.append(f"{platform}: 模型写的有毛病，换成了根据原话整理的版本")
    return result, raw


def _mended(result: Finished, brief: Brief, example: str = "") -> Finished:
    """The finished text with what ``review.mend`` puts right (the rule-based text too: her
    price's 起 and her shipping condition are its to keep as much as the model's), and without
    what it copied from the worked example ``example`` that she never said (月住有优惠)."""
    if result.text:
        result.text = review.in_digits(review.mend(review.without_copied(result.text, example, brief), brief))
    if "slogan" in result.fields:
        slogan = review.mend_piece(result.fields["slogan"], brief)
        if review.copied_from(slogan, example, brief):
            slogan = poster.poster_draft(brief)["slogan"]
        result.fields["slogan"] = slogan
        points = [review.mend_piece(p, brief) for p in result.fields["selling_points"]]
        result.fields["selling_points"] = [p for p in points if p and not review.copied_from(p, example, brief)]
    return result


def _overall(sources: dict[str, str]) -> str:
    values = set(sources.values())
    if values == {"fallback"}:
        return "fallback"
    return "model" if values == {"model"} else "model (repaired)"


class Copywriter:
    """Writes a :class:`Copy` for a :class:`Brief` with any :class:`TextGenerator`.

    ``generator=None`` gives the rule-based version only (used when no model could load).
    """

    def __init__(self, generator: TextGenerator | None):
        self.generator = generator
        self.prompts = {name: Prompt.load(name) for name in PLATFORMS}

    def prime(self, platforms: tuple[str, ...] = tuple(PLATFORMS)) -> None:
        """Evaluate the shared part of each prompt now (the back-end keeps it), so the
        first real request is as fast as the later ones."""
        if self.generator is not None:
            for name in platforms:
                try:
                    for _ in self.generator.stream(
                        self.prompts[name].messages(Brief("你好")), GenerationOptions(max_tokens=1)
                    ):
                        pass
                except ServerUnavailableError:
                    return  # a model server that is down now is tried again by the first real request

    def write(self, brief: Brief, options: CopyOptions = CopyOptions()) -> Copy:
        final = None
        for item in self.stream(brief, options):
            if isinstance(item, Copy):
                final = item
        return final

    @staticmethod
    def _shown(platform: str, brief: Brief, options: CopyOptions) -> str:
        """The worked example's answer the model is shown for ``platform`` ("" for the prompt
        file's own, whose product is unlike any seller's)."""
        example = EXAMPLE_CHOICES[options.example](brief, platform)
        return example_answer(example, platform) if example is not None else ""

    def _generate(self, platform: str, brief: Brief, options: CopyOptions) -> Iterator[str]:
        if self.generator is None:
            return
        example = EXAMPLE_CHOICES[options.example](brief, platform)
        messages = self.prompts[platform].messages(brief, PLATFORMS[platform].quoted_chars, example)
        yield from self.generator.stream(messages, options.generation(platform))

    @property
    def width(self) -> int:
        """How many texts to ask for at once: a model server decodes its slots together, so a
        seller's other platforms cost little more than one; in-process models take one."""
        return max(1, int(getattr(self.generator, "parallel", 1) or 1))

    def _raw_texts(self, order, brief, options, down: list) -> Iterator[Piece | _Raw]:
        """Each platform's pieces as they arrive and then its whole text (a :class:`_Raw`), in
        ``order``. The poster text is asked for alone first: the posters wait for it, so it
        gets the whole machine. The rest go together when the back-end takes several."""
        first, rest = order[:1], order[1:]
        width = min(self.width, len(rest))
        for platform in first if width > 1 else order:
            yield from self._one(platform, brief, options, down)
        if width > 1:
            yield from self._together(rest, brief, options, down, width)

    def _one(self, platform, brief, options, down) -> Iterator[Piece | _Raw]:
        raw, started = "", time.perf_counter()
        if not down:
            try:
                for piece in self._generate(platform, brief, options):
                    raw += piece
                    yield Piece(platform, piece)
            except ServerUnavailableError as exc:
                down.append(exc)
                raw = ""  # half an answer is no answer: the rule-based text instead
        others: list[str] = []
        # Best of N, but only as far as needed: another text is asked for only while every one
        # so far has a fault a reader would see, so a good first text costs nothing more.
        for k in range(1, options.candidates if raw and not down else 1):
            if (
                min(_fault_weight(platform, r, brief, self._shown(platform, brief, options)) for r in (raw, *others))
                == 0
            ):
                break
            sampled = replace(options, temperature=max(options.temperature, 0.7), seed=options.seed + 101 * k)
            try:
                others.append("".join(self._generate(platform, brief, sampled)))
            except ServerUnavailableError:
                break
        yield _Raw(platform, raw, time.perf_counter() - started, tuple(others))

    def _together(self, platforms, brief, options, down, width) -> Iterator[Piece | _Raw]:
        events: queue.Queue = queue.Queue()
        stop = threading.Event()  # the reader went away: the workers stop asking

        def work(platform: str) -> None:
            if stop.is_set():
                return
            try:
                for event in self._one(platform, brief, options, down):
                    events.put(event)
                    if stop.is_set():
                        return
            except Exception as exc:  # carried to the reader, raised there
                events.put(exc)

        finished: dict[str, _Raw] = {}
        pending = list(platforms)
        pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="copy")
        try:
            for platform in platforms:
                pool.submit(work, platform)
            while pending:
                event = events.get()
                if isinstance(event, Exception):
                    raise event
                if isinstance(event, Piece):
                    yield event
                    continue
                finished[event.platform] = event
                while pending and pending[0] in finished:  # finish in order: later texts read earlier ones
                    yield finished.pop(pending.pop(0))
        finally:
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _text(platform: str, result: Finished) -> str:
        if platform == "poster":
            return f"{result.fields.get('title', '')}|{result.fields.get('slogan', '')}"
        return result.text

    def _unlike(self, platform, brief, options, copy, result, raw, before, down):
        """换一个 gave a text she already has: sample once more with another seed, then let
        the platform vary it; a note says so if it is still the same."""
        if self.generator is not None and not down:
            again = replace(options, seed=options.seed + 7919)
            try:
                resampled = "".join(self._generate(platform, brief, again))
            except ServerUnavailableError:
                resampled = ""
            second = PLATFORMS[platform].finish(resampled, brief, copy) if resampled else result
            if not _same(self._text(platform, second), before):
                return second, resampled
        spec = PLATFORMS[platform]
        if spec.vary is not None:
            varied = spec.vary(result.text, brief, max(1, options.seed))
            if not _same(varied, before):
                result.text = varied
                result.notes.append(f"{platform}: 换一个写出了一样的，换了词的顺序")
                return result, raw
        result.notes.append(f"{platform}: 换一个没写出不一样的，可以再点一次")
        return result, raw

    def stream(self, brief: Brief, options: CopyOptions = CopyOptions()) -> Iterator[Piece | Copy]:
        """Yield each :class:`Piece` as it is generated, and the :class:`Copy` so far
        after each platform; the last item is the finished copy."""
        brief.validate()
        order = options.order(brief)
        copy = Copy.empty()
        copy.facts, copy.style = brief.facts.as_dict(), brief.style
        copy.generator = self.generator.name if self.generator else "rule-based"
        down: list[ServerUnavailableError] = []  # once the server has failed, no text waits on it again
        for item in self._raw_texts(order, brief, options, down):
            if isinstance(item, Piece):
                yield item
                continue
            platform, raw = item.platform, item.text
            if down and not any(n.startswith(down[0].zh) for n in copy.notes):
                copy.notes.insert(0, f"{down[0].zh}先给你一个根据原话整理的版本，服务器好了以后点「换一个」。")
            if raw and leaks_prompt(raw, self.prompts[platform].system):
                copy.notes.append(f"{platform}: 模型没按要求写，换成了根据原话整理的版本")
                raw = ""
            spec = PLATFORMS[platform]
            result, raw = _best(platform, [raw, *item.others], brief, copy, self._shown(platform, brief, options))
            before = options.previous_text(platform)
            if before is not None and _same(self._text(platform, result), before):
                result, raw = self._unlike(platform, brief, options, copy, result, raw, before, down)
            for name, value in result.fields.items():
                setattr(copy, name, value)
            if spec.is_post:
                copy.posts[platform] = result.text
            copy.raw[platform] = raw
            copy.sources[platform] = result.source
            copy.changes.extend(result.changes)
            copy.notes.extend(result.notes)
            copy.seconds[platform] = round(item.seconds, 2)
            if self.generator is not None:  # a server's back-end knows its model's name once it has asked
                copy.generator = self.generator.name
            copy.source = _overall(copy.sources)
            if self.generator is None and platform == order[-1]:
                copy.notes.insert(0, "没有加载文案模型，这是根据原话整理的版本")
            yield deepcopy(copy)  # a snapshot: the consumer may keep it while the next platform is written
