"""The one place that chains the stages: voice → transcript → copy → posters.

:class:`Assistant` owns the loaded models. It loads each one on first use, once per
process, behind a lock, so the UI, the CLI and the tests share the same code path
and a second request never loads a model again.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .audio import AudioLimits
from .config import Settings
from .copywriting import Brief, Copy, CopyOptions, Copywriter, Piece
from .files import write_atomically
from .llm import TextGenerator, load_generator
from .models import resolve_copy_model, resolve_speech_model
from .photo import open_photo
from .poster import Poster, Renderer, encode
from .templates import get_template, list_templates, recommend
from .speech import Progress, SpeechOptions, Transcriber, Transcript


@dataclass
class MakeResult:
    out_dir: Path
    transcript: Transcript | None
    copy: Copy
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


class Assistant:
    def __init__(self, settings: Settings | None = None, speech_options: SpeechOptions | None = None):
        self.settings = settings or Settings.from_env()
        self.speech_options = speech_options or SpeechOptions(
            audio=AudioLimits(max_duration_s=self.settings.max_audio_s))
        self._transcriber: Transcriber | None = None
        self._generator: TextGenerator | None = None
        self._copywriter: Copywriter | None = None
        self._priming = False
        self._speech_lock = threading.Lock()
        self._copy_lock = threading.Lock()
        self.renderer = Renderer()
        self.load_times: dict[str, float] = {}

    # ------------------------------------------------------------------ models

    def transcriber(self, progress: Progress | None = None) -> Transcriber:
        with self._speech_lock:
            if self._transcriber is None:
                started = time.perf_counter()
                model = resolve_speech_model(self.settings, progress)
                self._transcriber = Transcriber(model.path, self.speech_options, self.settings.threads)
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

    def warm_up(self) -> None:
        """Load both models and prime every copy prompt (the UI does this in the background at start-up)."""
        self._priming = True
        try:
            self.transcriber()
            self.copywriter().prime()
        finally:
            self._priming = False

    @property
    def ready(self) -> dict[str, bool]:
        # Copy is ready once its prompts are primed too: a request during priming waits for it.
        return {"speech": self._transcriber is not None, "copy": self._generator is not None and not self._priming}

    # ------------------------------------------------------------------ stages

    def transcribe(self, audio_path: str | Path, progress: Progress | None = None,
                   options: SpeechOptions | None = None) -> Transcript:
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

    def render_posters(self, copy: Copy, brief: Brief, choices: list[tuple[str, str]] | None = None,
                       progress: Progress | None = None) -> list[Poster]:
        """Posters as (template id, size id) pairs; by default the best template for the
        product in the 朋友圈 and 抖音 sizes, and the runner-up square. ``progress`` hears
        (fraction done, message) before each poster."""
        brief.validate()  # a contact too long for a QR code is the seller's to fix, not a crash
        photo = open_photo(brief.photo) if brief.photo else None  # decode once for every poster
        if choices is None:
            first, second = recommend(list_templates(), brief.product, copy.facts.get("product", ""),
                                      brief.transcript)[:2]
            choices = [(first.id, "moments"), (first.id, "story"), (second.id, "moments")]
        posters = []
        for done, (template_id, size_id) in enumerate(choices):
            template = get_template(template_id)
            if progress:
                progress(done / len(choices), f"正在做第 {done + 1}/{len(choices)} 张：{template.size(size_id).label}")
            posters.append(self.renderer.render(template, copy, brief, photo, size_id))
        return posters

    # ------------------------------------------------------------------ end to end

    def make(self, out_dir: Path, *, audio: str | Path | None = None, text: str | None = None,
             product: str = "", price: str = "", contact: str = "", photo: str | None = None,
             style: str = "朴实", platforms: tuple[str, ...] | None = None,
             progress: Progress | None = None) -> MakeResult:
        """Voice or text in, transcript + copy.json + one PNG per template out."""
        timings: dict[str, float] = {}
        transcript = None
        if photo:
            open_photo(photo)  # fail on a bad photo before spending a minute on models
        if audio is not None:
            started = time.perf_counter()
            transcript = self.transcribe(audio, progress)
            if progress:
                progress(1.0, "听写完成")
            timings["transcribe_s"] = round(time.perf_counter() - started, 2)
            text = transcript.text
        brief = Brief(transcript=text or "", product=product, price=price, contact=contact, photo=photo, style=style)
        brief.validate()

        started = time.perf_counter()
        copy = self.write_copy(brief, CopyOptions(platforms=platforms))
        timings["copy_s"] = round(time.perf_counter() - started, 2)

        started = time.perf_counter()
        posters = self.render_posters(copy, brief)
        timings["posters_s"] = round(time.perf_counter() - started, 2)

        out_dir = Path(out_dir)
        files: list[Path] = []
        if transcript is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            files.append(write_atomically(out_dir / "transcript.txt", transcript.text + "\n"))
        files.append(save_copy(out_dir, copy))
        files.extend(save_posters(out_dir, posters))
        return MakeResult(out_dir, transcript, copy, files, timings)


def save_copy(out_dir: Path, copy: Copy) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_atomically(out_dir / "copy.json", json.dumps(copy.to_dict(), ensure_ascii=False, indent=2))


def poster_files(posters: list[Poster]) -> list[tuple[str, bytes]]:
    """(file name, bytes): one PNG per poster, and a PDF too for print sizes; named by
    template and size, never by user input."""
    files = []
    for poster in posters:
        stem = f"poster-{_safe(poster.template.id)}-{_safe(poster.size.id)}"
        files.append((f"{stem}.png", encode(poster, "png")))
        if poster.size.for_print:
            files.append((f"{stem}.pdf", encode(poster, "pdf")))
    return files


def poster_labels(posters: list[Poster]) -> list[str]:
    """A caption per file of :func:`poster_files`."""
    return [f"{p.template.name} · {p.size.label}{suffix}" for p in posters
            for suffix in (("", "（打印 PDF）") if p.size.for_print else ("",))]


def save_posters(out_dir: Path, posters: list[Poster]) -> list[Path]:
    """Write :func:`poster_files` into ``out_dir``, each atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in poster_files(posters):
        paths.append(write_atomically(out_dir / name, data))
    return paths


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)
