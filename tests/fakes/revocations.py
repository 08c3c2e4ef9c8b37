"""The `TokenRevocations` port in memory: what a process announced, in order."""

from __future__ import annotations


class FakeTokenRevocations:
    def __init__(self) -> None:
        self.announced: list[int] = []

    def announce(self, user_id: int) -> None:
        self.announced.append(user_id)
