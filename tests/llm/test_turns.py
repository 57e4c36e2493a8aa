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


def test_a_server_with_slots_takes_that_many_at_once_and_poster_texts_first():
    """In front of a model server with two slots: two requests run together, never three, and
    a poster text that comes while both are taken is the next to go in."""
    turns, lock = Turns(capacity=2), threading.Lock()
    running, most, served = [0], [0], []
    release = threading.Event()

    def request(name: str, urgent: bool):
        with turns.turn(urgent):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
                served.append(name)
            release.wait(5)
            with lock:
                running[0] -= 1

    threads = []
    for name, urgent in [("moments-a", False), ("video-a", False), ("shop-a", False), ("poster-b", True)]:
        thread = threading.Thread(target=request, args=(name, urgent))
        thread.start()
        threads.append(thread)
        time.sleep(0.05)
    assert served == ["moments-a", "video-a"], "two slots, two requests in"
    release.set()
    for thread in threads:
        thread.join(5)
    assert (
        most[0] == 2
        and served[2] == "poster-b"
        and sorted(served) == sorted(["moments-a", "video-a", "shop-a", "poster-b"])
    )


def test_no_other_text_joins_a_poster_text_being_written():
    """Texts decoded together each go slower, and her posters wait for the poster text: while
    one is being written, the others wait even with slots free; posters may share them."""
    turns, served = Turns(capacity=4), []
    release = threading.Event()

    def request(name: str, urgent: bool):
        with turns.turn(urgent):
            served.append(name)
            release.wait(5)

    threads = []
    for name, urgent in [("poster-a", True), ("moments-b", False), ("poster-c", True)]:
        thread = threading.Thread(target=request, args=(name, urgent))
        thread.start()
        threads.append(thread)
        time.sleep(0.05)
    assert served == ["poster-a", "poster-c"], served
    release.set()
    for thread in threads:
        thread.join(5)
    assert served == ["poster-a", "poster-c", "moments-b"]
