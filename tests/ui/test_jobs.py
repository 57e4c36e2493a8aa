"""Jobs: a step goes on when the page that asked for it goes away, and a page that comes back finds it."""

from __future__ import annotations

import threading

import pytest

from assistant.ui import jobs as jobs_module
from assistant.ui.jobs import Jobs


def steps_gated(gate: threading.Event, made: list):
    def steps():
        yield {"raw": "写了一半", "title": ""}
        gate.wait(10)
        made.append("filed")
        yield {"title": "杏子上市", "history": ["杏子"]}

    return steps


def test_a_job_goes_on_after_its_page_is_gone_and_the_next_page_sees_it_finished():
    jobs, gate, made = Jobs(), threading.Event(), []
    job = jobs.start("shelf-a", "copy", steps_gated(gate, made), context={"form": "她填的"})
    follower = job.follow()
    assert next(follower) == {"raw": "写了一半", "title": ""}
    follower.close()  # her phone reloaded: Gradio drops the handler here
    assert jobs.waiting("shelf-a") is job and job.running
    gate.set()
    states = list(jobs.waiting("shelf-a").follow())  # the page that came back
    assert made == ["filed"]
    assert states[-1] == {"raw": "写了一半", "title": "杏子上市", "history": ["杏子"]}
    assert job.context == {"form": "她填的"}
    assert jobs.waiting("shelf-a") is job, "a page that reloads just as it sees the end is shown it again"
    job.seen_at -= jobs_module.SEEN_GRACE_S
    assert jobs.waiting("shelf-a") is None, "once a page has seen it to the end, it is not offered again"


def test_a_job_belongs_to_one_shelf_and_a_second_tap_does_not_start_it_twice():
    jobs, gate, made = Jobs(), threading.Event(), []
    first = jobs.start("shelf-a", "copy", steps_gated(gate, made))
    again = jobs.start("shelf-a", "copy", steps_gated(gate, made))
    assert again is first
    assert jobs.waiting("shelf-b") is None
    gate.set()
    list(first.follow())
    assert made == ["filed"], "the copy was written once"


def test_a_failed_job_reaches_its_follower():
    jobs = Jobs()

    def steps():
        yield {"raw": "开始"}
        raise OSError("disk full")

    job = jobs.start("shelf-a", "copy", steps)
    with pytest.raises(OSError, match="disk full"):
        list(job.follow())
    job.seen_at -= jobs_module.SEEN_GRACE_S
    assert jobs.waiting("shelf-a") is None
