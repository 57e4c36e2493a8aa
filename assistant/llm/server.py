"""llama.cpp's own ``llama-server``, started on the embedded model (or hers) for other Mulans.

``python -m assistant serve-model`` runs it; the page and the CLI then use it through
``openai_http.py`` with ``--llm-url``. It decodes several sellers' requests together
(``--parallel`` slots, continuous batching) and keeps each slot's prompt evaluated, which
in-process llama.cpp cannot. ``./mulan.sh install`` builds it from the llama.cpp source
that llama-cpp-python vendors, with the same CPU flags, into ``.venv/bin/llama-server``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import UserError
from assistant.llm import Backend, register_backend
from assistant.llm.openai_http import OpenAIHTTPGenerator
from assistant.models import ResolvedModel

if TYPE_CHECKING:
    from assistant.config import Settings

CONTEXT_PER_SLOT = 4096  # the longest prompt (~1,200 tokens) and answer, with room to spare
# Evaluated prompts kept in RAM across slots (llama-server's --cache-ram): every platform's
# shared prefix stays warm whichever slot takes the request. About 15 MB per prompt with the
# 1.5B model; its default (8 GB) would let a busy day grow the server far past a laptop's RAM.
PROMPT_CACHE_MB = 512
# A slot more than Mulan sends requests to at once. A request that arrives while its slot is
# still being given back is deferred, and a deferred request takes whatever slot frees first
# without looking for its prompt: ~520 tokens evaluated again, 21 s with four slots busy
# (seen in bench/serve.py's server log). With a spare slot it always finds one idle.
SPARE_SLOTS = 1


def find_llama_server(configured: str | None = None) -> Path:
    """The llama-server binary: the one configured, else the one ./mulan.sh built into the venv."""
    candidates = [Path(configured)] if configured else []
    candidates += [Path(sys.executable).parent / "llama-server"]
    found = shutil.which("llama-server")
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise UserError(
        "没有找到 llama-server。请运行 ./mulan.sh install（会顺便编译它）。",
        f"llama-server not found (looked at {', '.join(map(str, candidates))}); run ./mulan.sh install.",
    )


@dataclass
class RunningServer:
    process: subprocess.Popen
    url: str  # the base URL for --llm-url, ending in /v1
    log: Path

    def stop(self, timeout_s: float = 20) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_llama_server(
    model: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    parallel: int = 2,
    threads: int = 2,
    binary: Path | None = None,
    log: Path | None = None,
    wait_s: float = 180,
) -> RunningServer:
    """Start llama-server on ``model`` (a GGUF file) and wait until it answers /health."""
    binary = binary or find_llama_server()
    log = log or Path(f"/tmp/mulan-llama-server-{port}.log")
    command = [
        str(binary),
        "--model", str(model),
        "--host", host,
        "--port", str(port),
        "--parallel", str(parallel),
        "--ctx-size", str(CONTEXT_PER_SLOT * parallel),  # shared by the slots
        "--threads", str(threads),
        "--threads-batch", str(threads),
        "--cont-batching",
        "--cache-ram", str(PROMPT_CACHE_MB),
        "--no-webui",  # nothing but the API: the page is Mulan's
    ]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-800:]
            raise UserError(
                "llama-server 没有启动起来，请看它的日志。", f"llama-server exited ({process.returncode}): {tail}"
            )
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return RunningServer(process, f"{url}/v1", log)
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    RunningServer(process, url, log).stop()
    raise UserError("llama-server 启动太慢了。", f"llama-server did not answer /health within {wait_s:.0f} s.")


# --------------------------------------------------------------------------- the app's own server


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnServerGenerator(OpenAIHTTPGenerator):
    """A llama-server started by this app on its own GGUF, on loopback, for its lifetime.

    On 2 cores it writes a seller's other texts together and serves several sellers at
    once (docs/benchmarks.md, ``bench/serve.py``); to the callers it is one more back-end.
    """

    def __init__(self, model: ResolvedModel, settings: Settings):
        slots = max(1, settings.llm_parallel)
        logs = Path(settings.data_dir) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        # An app killed with -9 cannot stop its server; the next start does, by the pids it left.
        _stop_leftovers(logs)
        log = logs / "llama-server.log"
        self.server = start_llama_server(
            model.path, port=free_loopback_port(), parallel=slots + SPARE_SLOTS, threads=settings.threads, log=log
        )
        (logs / f"llama-server-{os.getpid()}.pid").write_text(str(self.server.process.pid))
        atexit.register(self.server.stop)
        super().__init__(self.server.url, model=str(model.path), timeout_s=settings.llm_timeout_s, parallel=slots)
        self.key = model.key

    @property
    def name(self) -> str:
        return f"llama-server:{self.key}"

    def close(self) -> None:
        self.server.stop()


def _stop_leftovers(logs: Path) -> None:
    """End the llama-servers that apps no longer running left behind (``llama-server-<app
    pid>.pid``); a live app's server is its own."""
    for pid_file in logs.glob("llama-server-*.pid"):
        app = pid_file.stem.removeprefix("llama-server-")
        if app.isdigit() and Path(f"/proc/{app}").exists():
            continue
        try:
            pid = int(pid_file.read_text())
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
            if command.endswith(b"llama-server"):
                os.kill(pid, signal.SIGTERM)
        except (OSError, ValueError):
            pass
        with contextlib.suppress(OSError):
            pid_file.unlink()


def _own_server_available() -> bool:
    try:
        find_llama_server()
    except UserError:
        return False
    return True


# What ./mulan.sh compiles llama.cpp's AVX-512 kernels for. On three 2-core VMs (bench/serve.py,
# docs/benchmarks.md) llama-server was faster than llama.cpp in process on the two with these
# (1.2-1.8x for one seller's copy, 1.6-2.2x model texts a minute for a class) and no faster on the
# one without (AVX2 only: 28% slower with four slots).
SERVER_CPU_FLAGS = frozenset({"avx512f", "avx512bw", "avx512vl"})
# Its slots and prompt cache cost up to 1 GB more than in process (3.8 GB at the peak, 8 slots).
SERVER_MIN_RAM_BYTES = 7 * 2**30  # an "8 GB" laptop reports a little under 8 GiB


def cpu_flags(cpuinfo: str | None = None) -> frozenset[str]:
    """The CPU's feature flags, from /proc/cpuinfo (empty where there is none)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:
            return frozenset()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def ram_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 0


def server_is_faster(flags: frozenset[str], ram: int) -> bool:
    """Whether this app's own llama-server beats llama.cpp in process on such a machine."""
    return flags.issuperset(SERVER_CPU_FLAGS) and ram >= SERVER_MIN_RAM_BYTES


def _faster_here() -> bool:
    # Only asked of an available back-end (llm._auto_order), so the binary is not looked for again.
    return server_is_faster(cpu_flags(), ram_bytes())


register_backend(
    Backend(
        name="llama-server",
        load=OwnServerGenerator,
        formats=("gguf",),
        available=_own_server_available,
        faster_here=_faster_here,
        missing=(
            "没有找到 llama-server。请运行 ./mulan.sh install（会顺便编译它），或改用 --llm-backend llama.cpp。",
            "llama-server was not found; run ./mulan.sh install or use --llm-backend llama.cpp.",
        ),
    )
)
