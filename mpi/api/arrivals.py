"""Batches of what a stream has delivered so far, so that a MatchStream can write many records per
transaction without waiting for records that have not arrived."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_END = object()


def arriving_batches(items: Iterator[T], max_size: int) -> Iterator[list[T]]:
    """Lists of 1 to `max_size` items in order: the next item (waiting for it), then whatever else has
    already arrived. A reader thread pulls `items`; its error, if any, is raised here."""
    arrived: queue.Queue[object] = queue.Queue(maxsize=4 * max_size)  # a bounded read-ahead
    stopped = threading.Event()  # the consumer went away (the RPC ended): the reader must not wait on

    def hand_over(item: object) -> bool:
        while not stopped.is_set():
            try:
                arrived.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in items:
                if not hand_over(item):
                    return
        except BaseException as error:  # the stream broke (cancelled, deadline): tell the consumer
            hand_over(error)
        hand_over(_END)

    threading.Thread(target=read, name="stream-reader", daemon=True).start()
    try:
        yield from _batches(arrived, max_size)
    finally:
        stopped.set()


def _batches(arrived: queue.Queue[object], max_size: int) -> Iterator[list[T]]:
    ended, error = False, None
    while not ended:
        batch: list[T] = []
        item = arrived.get()
        while True:
            if item is _END:
                ended = True
                break
            if isinstance(item, BaseException):
                ended, error = True, item  # raised once what arrived before it is handed over
                break
            batch.append(item)  # type: ignore[arg-type]
            if len(batch) == max_size:
                break
            try:
                item = arrived.get_nowait()
            except queue.Empty:
                break
        if batch:
            yield batch
    if error is not None:
        raise error
