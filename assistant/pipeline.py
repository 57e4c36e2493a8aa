"""The one place that chains the stages: voice → transcript → copy → posters.

The stages never import each other; they meet here and in ``contracts.py``.
:class:`Pipeline` owns the loaded models. It loads each one on first use, once per
process, behind a lock, so the UI, the CLI and the tests share the same code path
and a second request never loads a model again.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from assistant import video
from assistant.config import Settings
from assistant.contracts import Brief, Copy, Cue, Piece, Progress, Transcript, VideoRequest, VoiceOver
from assistant.copywriting import CopyOptions, Copywriter
from assistant.errors import UserError
from assistant.files import write_atomically
from assistant.imaging.photo import open_photo
from assistant.llm import TextGenerator, load_generator
from assistant.models import resolve_copy_model, resolve_speech_model, resolve_voice_model
from assistant.poster.export import poster_files
from assistant.poster.render import Poster, Renderer, price_display
from assistant.poster.sheet import sample
from assistant.poster.templates import PosterSize, Template, get_template, list_templates, recommend
from assistant.speech import AudioLimits, Recogniser, SpeechOptions, load_audio, load_recogniser
from assistant.video.subtitles import align_cues
from assistant.voice import Speech, Voice, load_voice, sentence_sound, sentences
from assistant.voice.cache import SpeechCache

# The sizes made when she does not choose: 朋友圈 square and 抖音/视频号 9:16.
DEFAULT_POSTER_SIZES = ("moments", "story")
# ④'s template picker draws every template at this size with her own copy.
PREVIEW_SIZE = PosterSize("preview", "预览", 360, 360)


@dataclass
class MakeResult:
    out_dir: Path
    transcript: Transcript | None
    copy: Copy
    brief: Brief
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


class Pipeline:
    """Voice → transcript → copy → posters, with the models loaded once and shared."""

    def __init__(self, settings: Settings | None = None, speech_options: SpeechOptions | None = None):
        self.settings = settings or Settings.from_env()
        self.speech_options = speech_options or SpeechOptions(
            audio=AudioLimits(max_duration_s=self.settings.max_audio_s)
        )
        self._transcriber: Recogniser | None = None
        self._generator: TextGenerator | None = None
        self._copywriter: Copywriter | None = None
        self._priming = False
        self._voice: Voice | None = None
        self._voice_lock = threading.Lock()
        self.speech_cache = SpeechCache(self.settings.data_dir / "voice-cache")
        self._speech_lock = threading.Lock()
        self._copy_lock = threading.Lock()
        self.renderer = Renderer()
        self.load_times: dict[str, float] = {}

    # ------------------------------------------------------------------ models

    def transcriber(self, progress: Progress | None = None) -> Recogniser:
        with self._speech_lock:
            if self._transcriber is None:
                started = time.perf_counter()
                model = resolve_speech_model(self.settings, progress)
                self._transcriber = load_recogniser(model, self.speech_options, self.settings.threads)
                self.load_times["speech"] = round(time.perf_counter() - started, 2)
        return self._transcriber

    def generator(self, progress: Progress | None = None) -> TextGenerator:
        with self._copy_lock:
            if self._generator is None:
                started = time.perf_counter()
                model = resolve_copy_model(self.settings, progress)
                self._generator = load_generator(model, self.settings)
                self.load_times["copy"] = round(time.perf_counter() - started, 2)
        return self._generator

    def voice(self) -> Voice:
        with self._voice_lock:
            if self._voice is None:
                started = time.perf_counter()
                self._voice = load_voice(resolve_voice_model(self.settings), self.settings)
                self.load_times["voice"] = round(time.perf_counter() - started, 2)
        return self._voice

    def warm_up(self) -> None:
        """Load both models and prime every copy prompt (the UI does this in the background at start-up)."""
        self._priming = True
        try:
            self.transcriber()
            with contextlib.suppress(UserError):  # no voice built: the rest still works, and 🔊 says why
                self.voice()
            self.copywriter().prime()
        finally:
            self._priming = False

    @property
    def ready(self) -> dict[str, bool]:
        # Copy is ready once its prompts are primed too: a request during priming waits for it.
        return {"speech": self._transcriber is not None, "copy": self._generator is not None and not self._priming}

    @property
    def sellers_at_once(self) -> int:
        """How many sellers' copy the page lets be written at once. They take turns on the
        model text by text, poster texts first (``llm.Turns``; a server batches them), so
        each has her poster text early; the rest wait in the page's queue and see their place."""
        return max(1, self.settings.llm_parallel)

    # ------------------------------------------------------------------ stages

    def transcribe(
        self, audio_path: str | Path, progress: Progress | None = None, options: SpeechOptions | None = None
    ) -> Transcript:
        return self.transcriber(progress).transcribe(audio_path, options, progress)

    def copywriter(self) -> Copywriter:
        generator = self.generator()
        with self._copy_lock:
            if self._copywriter is None:
                self._copywriter = Copywriter(generator)
        return self._copywriter

    def write_copy(self, brief: Brief, options: CopyOptions = CopyOptions()) -> Copy:
        return self.copywriter().write(brief, options)

    def stream_copy(self, brief: Brief, options: CopyOptions = CopyOptions()) -> Iterator[Piece | Copy]:
        yield from self.copywriter().stream(brief, options)

    def render_posters(
        self, copy: Copy, brief: Brief, choices: list[tuple[str, str]] | None = None, progress: Progress | None = None
    ) -> list[Poster]:
        """Posters as (template id, size id) pairs; by default the best template for the
        product in the 朋友圈 and 抖音 sizes, and the runner-up square. ``progress`` hears
        (fraction done, message) before each poster."""
        brief.validate()  # a contact too long for a QR code is the seller's to fix, not a crash
        photo = open_photo(brief.photo) if brief.photo else None  # decode once for every poster
        if choices is None:
            first, second = recommend(list_templates(), brief.product, copy.facts.get("product", ""), brief.transcript)[
                :2
            ]
            choices = [(first.id, size) for size in DEFAULT_POSTER_SIZES] + [(second.id, DEFAULT_POSTER_SIZES[0])]
        posters = []
        for done, (template_id, size_id) in enumerate(choices):
            template = get_template(template_id)
            if progress:
                progress(done / len(choices), f"正在做第 {done + 1}/{len(choices)} 张：{template.size(size_id).label}")
            posters.append(self.renderer.render(template, copy, brief, photo, size_id))
        return posters

    def preview_posters(self, copy: Copy, brief: Brief) -> list[tuple[Image.Image, str]]:
        """Every template drawn small with her own copy, price, QR code and photo, in
        ``list_templates()`` order, so she picks the look of *her* poster."""
        photo = open_photo(brief.photo) if brief.photo else None
        # Drawn at 360 px rather than shrunk from 1080: the layout is in per mille, so it is
        # the same poster, in a third of a second for all twelve.
        return [
            (self.renderer.render(template, copy, brief, photo, PREVIEW_SIZE).image, template.name)
            for template in list_templates()
        ]

    def speak(self, text: str, speed: float = 1.0) -> Iterator[Speech]:
        """``text`` read aloud, sentence by sentence as each is ready; a sentence heard
        before comes from the cache at once."""
        voice = self.voice()
        for sentence in sentences(text, speed):
            samples = self.speech_cache.get(voice.name, speed, sentence)
            if samples is None:
                samples = sentence_sound(voice, sentence, speed)
                self.speech_cache.put(voice.name, speed, sentence, samples, voice.rate)
            yield Speech(samples, voice.rate, sentence)

    # ------------------------------------------------------------------ video

    def voice_over(
        self,
        choice: str,
        *,
        recording: str | Path | None = None,
        transcript: Transcript | None = None,
        script: str = "",
        speed: float = 1.0,
    ) -> VoiceOver:
        """The sound for a video: ``"own"`` her recording (subtitles timed by the recogniser's
        segments, on her corrected words), ``"read"`` Mulan reading ``script``, ``"none"``."""
        if choice == "own":
            if not recording:
                raise UserError(
                    "没有找到你的录音。可以选「木兰读口播稿」，或者先录一段。",
                    "There is no recording of hers to use; choose read-aloud or record one.",
                )
            # A long recording is refused here with the video's own message, never cut.
            samples = load_audio(recording, AudioLimits(max_duration_s=video.MAX_S * 3))
            segments = [(s.start, s.end, s.text) for s in transcript.segments] if transcript else []
            return VoiceOver("own", samples, 16_000, align_cues(segments, transcript.text if transcript else ""))
        if choice == "read":
            parts, cues, at, rate = [], [], 0.0, 24_000
            for speech in self.speak(script, speed):
                parts.append(speech.samples)
                cues.append(Cue(round(at, 3), round(at + speech.seconds - 0.15, 3), speech.text))
                at += speech.seconds
                rate = speech.rate
            return VoiceOver("read", np.concatenate(parts), rate, cues)
        if choice == "none":
            return VoiceOver("none", None, cues=video.silent_cues([line for line in script.splitlines() if line]))
        raise UserError("配音只能选：我自己的声音、木兰读口播稿、不要声音。", f"Unknown voice-over {choice!r}.")

    def make_video(
        self,
        copy: Copy,
        brief: Brief,
        voice: VoiceOver,
        out_dir: Path,
        *,
        photos: list[str] | None = None,
        template_id: str | None = None,
        square: bool = True,
        music: str | None = None,
        progress: Progress | None = None,
    ) -> list[video.Video]:
        """The 9:16 video (and the 1:1 one for 朋友圈), its subtitles and a cover image, in ``out_dir``."""
        brief.validate()
        paths = list(photos or ([brief.photo] if brief.photo else []))
        decoded = [open_photo(p) for p in paths]  # a broken photo is refused before any work
        template = get_template(template_id) if template_id else suggested_template(brief)
        music_samples = load_audio(music, AudioLimits(max_duration_s=600)) if music else None
        colours = (template.color("primary") or "#C0392B", template.color("on_primary") or "#FFFFFF")
        price = price_display(brief.price_shown) if brief.effective_price else ""
        out_dir = Path(out_dir)
        made = []
        shapes = [("story", video.STORY, "video.mp4")] + (
            [("moments", video.SQUARE, "video-square.mp4")] if square else []
        )
        for done, (size_id, size, name) in enumerate(shapes):
            end_card = self.renderer.render(template, copy, brief, decoded[0] if decoded else None, size_id).image
            request = VideoRequest(decoded, end_card, copy.title, price, colours, voice, size, music_samples, 16_000)

            def report(fraction, message, done=done):
                if progress:
                    progress((done + fraction) / len(shapes), message)

            made.append(video.make(request, out_dir / name, progress=report))
            if done == 0:
                cover = made[0].cover.convert("RGB")
                buffer = io.BytesIO()
                cover.save(buffer, format="JPEG", quality=90)
                write_atomically(out_dir / "cover.jpg", buffer.getvalue())
        return made

    # ------------------------------------------------------------------ end to end

    def make(
        self,
        out_dir: Path,
        brief: Brief,
        *,
        audio: str | Path | None = None,
        platforms: tuple[str, ...] | None = None,
        progress: Progress | None = None,
    ) -> MakeResult:
        """Voice or text in, transcript + copy.json + one PNG per template out. With ``audio``,
        what she said becomes the brief's transcript; everything else she gave is in ``brief``."""
        timings: dict[str, float] = {}
        transcript = None
        if brief.photo:
            open_photo(brief.photo)  # fail on a bad photo before spending a minute on models
        if audio is not None:
            started = time.perf_counter()
            transcript = self.transcribe(audio, progress)
            if progress:
                progress(1.0, "听写完成")
            timings["transcribe_s"] = round(time.perf_counter() - started, 2)
            brief = Brief.from_dict({**brief.to_dict(), "transcript": transcript.text})
        brief.validate()

        started = time.perf_counter()
        copy = self.write_copy(brief, CopyOptions(platforms=platforms))
        timings["copy_s"] = round(time.perf_counter() - started, 2)

        started = time.perf_counter()
        posters = self.render_posters(copy, brief)
        timings["posters_s"] = round(time.perf_counter() - started, 2)

        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        files: list[Path] = []
        if transcript is not None:
            files.append(write_atomically(out_dir / "transcript.txt", transcript.text + "\n"))
            # With its segments' times, so a video made later can time her subtitles.
            transcript_json = json.dumps(transcript.to_dict(), ensure_ascii=False, indent=1)
            files.append(write_atomically(out_dir / "transcript.json", transcript_json))
        files.append(
            write_atomically(out_dir / "brief.json", json.dumps(brief.to_dict(), ensure_ascii=False, indent=1))
        )
        files.append(save_copy(out_dir, copy))
        files.extend(save_posters(out_dir, posters, brief.product or copy.facts.get("product", "")))
        return MakeResult(out_dir, transcript, copy, brief, files, timings)


def save_copy(out_dir: Path, copy: Copy) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_atomically(out_dir / "copy.json", json.dumps(copy.to_dict(), ensure_ascii=False, indent=2))


def save_posters(out_dir: Path, posters: list[Poster], product: str = "") -> list[Path]:
    """Write :func:`poster_files` into ``out_dir``, each atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in poster_files(posters, product):
        paths.append(write_atomically(out_dir / name, data))
    return paths


# --------------------------------------------------------------------------- templates


def suggested_template(brief: Brief) -> Template:
    """The template that suits this product best."""
    return recommend(list_templates(), brief.product, brief.transcript)[0]


def poster_choices(
    brief: Brief,
    template_id: str | None,
    size_ids: list[str] | tuple[str, ...] | None,
) -> list[tuple[str, str]] | None:
    """(template id, size id) pairs for what she picked on the page; ``None`` when she picked
    nothing (the pipeline's own choice). Ids come from the browser: unknown ones are refused."""
    if not template_id and not size_ids:
        return None
    template = get_template(template_id) if template_id else suggested_template(brief)
    sizes = [s for s in (size_ids if size_ids is not None else DEFAULT_POSTER_SIZES[:1]) if s in template.sizes]
    if not sizes:
        raise UserError("请至少选一个海报尺寸。", "Choose at least one poster size.")
    return [(template.id, size) for size in sizes]


def template_thumbnails(folder: Path) -> list[tuple[Template, Path]]:
    """Every template drawn small with its sample copy, kept in ``folder`` and redrawn only
    when its template file changes."""
    folder.mkdir(parents=True, exist_ok=True)
    thumbnails = []
    for template in list_templates():
        thumb = folder / f"{template.id}.png"
        source = template.folder / "template.json"
        if not thumb.is_file() or thumb.stat().st_mtime < source.stat().st_mtime:
            copy, brief = sample(template.categories[0] if template.categories else "general")
            Renderer().render(template, copy, brief, None, PREVIEW_SIZE).image.save(thumb)
        thumbnails.append((template, thumb))
    return thumbnails
