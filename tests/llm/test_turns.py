"""Turns: a one-at-a-time model serves poster texts first, the rest in the order they came."""

from __future__ import annotations

import threading
import time

from assistant.llm import Turns


def test_urgent_requests_go_first_and_the_rest_in_the_order_they_came():
    turns, served = Turns(), []
    holding, release = threading.Event(), threading.Event()

    def first():
        with turns.turn():
            holding.set()
            release.wait(5)
            served.append("first")

    def request(name: str, urgent: bool):
        with turns.turn(urgent):
            served.append(name)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    holding.wait(5)
    for name, urgent in [("moments-a", False), ("xiaohongshu-a", False), ("poster-b", True), ("poster-c", True)]:
        thread = threading.Thread(target=request, args=(name, urgent))
        thread.start()
        threads.append(thread)
        time.sleep(0.05)  # they arrive in this order
    release.set()
    for thread in threads:
        thread.join(5)
    assert served == ["first", "poster-b", "poster-c", "moments-a", "xiaohongshu-a"]


def test_a_turn_is_given_back_when_its_reader_stops_early():
    turns = Turns()

    def stream():
        with turns.turn():
            yield from "一二三"

    reading = stream()
    next(reading)
    reading.close()  # the page went away mid-answer
    done = threading.Event()
    threading.Thread(target=lambda: (turns.turn().__enter__(), done.set())).start()
    assert done.wait(2), "the next request got its turn"
