"""``auto`` takes the back-end that measured faster on such a machine: llama-server where the
CPU has AVX-512 and the RAM for its slots (bench/serve.py), llama.cpp in process elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.llm import choose_backend, server
from assistant.models import ResolvedModel

GGUF = ResolvedModel("copy", Path("/nowhere/model.gguf"), "gguf", "embedded", "qwen")
HF = ResolvedModel("copy", Path("/nowhere/qwen"), "hf", "user", "qwen")
AVX2 = "fpu sse sse2 avx avx2 fma f16c"
AVX512 = AVX2 + " avx512f avx512dq avx512bw avx512vl avx512_vnni"
GIB = 2**30


def test_the_cpu_flags_are_read_from_cpuinfo():
    cpuinfo = f"processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: {AVX512}\nbogomips\t: 4800\n"
    assert {"avx2", "avx512f", "avx512vl"} <= server.cpu_flags(cpuinfo)
    assert server.cpu_flags("processor\t: 0\n") == frozenset()  # an ARM board, say: no flags line


@pytest.mark.parametrize(
    "flags, ram, faster",
    [
        (AVX512, 24 * GIB, True),  # session 6's Xeon and session 7's EPYC
        (AVX512, int(7.6 * GIB), True),  # an "8 GB" laptop
        (AVX512, 4 * GIB, False),  # the slots' memory is more than it has
        (AVX2, 24 * GIB, False),  # session 4's EPYC: the server was no faster
        (AVX2.replace("avx2", ""), 24 * GIB, False),
        ("avx2 avx512f", 24 * GIB, False),  # AVX-512 foundation alone is not what we build for
    ],
)
def test_the_server_is_taken_only_where_it_measured_faster(flags, ram, faster):
    assert server.server_is_faster(frozenset(flags.split()), ram) is faster


@pytest.mark.parametrize("flags, expected", [(AVX512, "llama-server"), (AVX2, "llama.cpp")])
def test_auto_takes_the_faster_back_end_for_this_machine(monkeypatch, flags, expected):
    monkeypatch.setattr(server, "cpu_flags", lambda: frozenset(flags.split()))
    monkeypatch.setattr(server, "ram_bytes", lambda: 16 * GIB)
    monkeypatch.setattr(server, "find_llama_server", lambda: Path("/usr/bin/true"))  # as ./mulan.sh leaves it
    assert choose_backend(GGUF, "auto").name == expected
    assert choose_backend(GGUF, "llama.cpp").name == "llama.cpp", "asked for by name, it is what she gets"
    assert choose_backend(HF, "auto").name == "transformers", "a Hugging Face folder is not for llama-server"


def test_without_a_built_server_auto_stays_in_process(monkeypatch):
    monkeypatch.setattr(server, "cpu_flags", lambda: frozenset(AVX512.split()))
    monkeypatch.setattr(server, "ram_bytes", lambda: 16 * GIB)

    def not_built():
        raise server.UserError("没有找到 llama-server。", "llama-server not found")

    monkeypatch.setattr(server, "find_llama_server", not_built)
    assert choose_backend(GGUF, "auto").name == "llama.cpp"


@pytest.mark.models
def test_when_the_faster_server_will_not_start_auto_writes_in_process(monkeypatch, settings, tmp_path):
    """A server binary that dies at once (here /usr/bin/false) must not leave her without copy."""
    from dataclasses import replace

    from assistant.llm import load_generator
    from assistant.models import resolve_copy_model

    monkeypatch.setattr(server, "cpu_flags", lambda: frozenset(AVX512.split()))
    monkeypatch.setattr(server, "ram_bytes", lambda: 16 * GIB)
    monkeypatch.setattr(server, "find_llama_server", lambda configured=None: Path("/usr/bin/false"))
    own = replace(settings, llm_backend="auto", data_dir=tmp_path, copy_model_size="small")
    model = resolve_copy_model(own)
    assert choose_backend(model, "auto").name == "llama-server"
    generator = load_generator(model, own)
    assert generator.name.startswith("llama.cpp:"), generator.name
