"""Both local back-ends behind one protocol; greedy output is reproducible."""

from __future__ import annotations

import json
import time

import pytest

from assistant import models
from assistant.errors import UserError
from assistant.llm import GenerationOptions, choose_backend
from assistant.llm.transformers import TransformersGenerator

MESSAGES = [{"role": "user", "content": "用一句话介绍杏子，不超过二十个字。"}]
SHORT = GenerationOptions(max_tokens=32)


def test_the_tests_write_with_llama_cpp_in_this_process(generator):
    assert generator.name.startswith("llama.cpp:qwen2.5-coder-1.5b")


def test_llama_cpp_greedy_is_reproducible_and_streams_the_same(generator):
    first = generator.generate(MESSAGES, SHORT)
    assert "杏" in first
    assert generator.generate(MESSAGES, SHORT) == first
    assert "".join(generator.stream(MESSAGES, SHORT)) == first


def test_sampling_with_a_seed_is_reproducible(generator):
    options = GenerationOptions(max_tokens=32, temperature=0.9, seed=7)
    assert generator.generate(MESSAGES, options) == generator.generate(MESSAGES, options)


def test_transformers_runs_the_same_gguf(small_transformers):
    generator, model, settings = small_transformers
    assert isinstance(generator, TransformersGenerator)
    first = generator.generate(MESSAGES, SHORT)
    assert "杏" in first
    assert generator.generate(MESSAGES, SHORT) == first
    assert "".join(generator.stream(MESSAGES, SHORT)) == first


def test_transformers_conversion_is_cached_as_safetensors(small_transformers):
    _, model, settings = small_transformers
    folder = models.converted_dir(model.path, model.key, settings)
    assert (folder / "model.safetensors").is_file()
    assert json.loads((folder / "converted.json").read_text())["dtype"] == "bfloat16"
    started = time.perf_counter()
    again = TransformersGenerator(model, settings)
    assert again.convert_s < 1.0  # reused, not de-quantized again
    assert time.perf_counter() - started < 60


def test_llama_cpp_refuses_a_non_gguf_model(tmp_path):
    folder = tmp_path / "hf"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    model = models.ResolvedModel("copy", folder, "hf", "user", "hf")
    assert choose_backend(model, "auto").name == "transformers"
    with pytest.raises(UserError):
        choose_backend(model, "llama.cpp")


# Asked for a sentence, with no JSON in sight: only decoding held to the schema answers in it.
ASKED_FOR_PROSE = [{"role": "user", "content": "用几句话夸夸我家的杏子，又大又甜。"}]


def _holds_to_the_poster_schema(raw: str) -> None:
    from assistant.copywriting.platforms import poster

    answer = json.loads(raw)  # whole JSON: no fence, no line after it
    assert list(answer) == ["title", "slogan", "selling_points", "hashtags"], raw
    assert all(isinstance(answer[k], str) and len(answer[k]) >= 2 for k in ("title", "slogan")), raw
    assert len(answer["selling_points"]) <= poster.N_SELLING_POINTS + 2, raw
    assert len(answer["hashtags"]) <= poster.MAX_HASHTAGS, raw


@pytest.mark.parametrize("backend", ["generator", "served_generator"])
def test_the_poster_text_is_decoded_to_its_json_schema(backend, request):
    from assistant.copywriting.platforms import poster

    generator = request.getfixturevalue(backend)
    options = GenerationOptions(max_tokens=200, json_schema=poster.SCHEMA)
    _holds_to_the_poster_schema(generator.generate(ASKED_FOR_PROSE, options))
