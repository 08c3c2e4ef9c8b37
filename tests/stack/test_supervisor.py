"""The supervisor of `shopflow run`: a process found dead is restarted after a back-off,
every step logged; one that keeps dying is given up on (then the store stops)."""

from __future__ import annotations

import pytest

from stack.supervisor import GaveUp, RestartPolicy, Supervisor

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


class Process:
    def __init__(self, name: str, *, fails: int = 0) -> None:
        self.name = name
        self.running = True
        self.pid = 100
        self.fails = fails  # restarts that fail before one works

    def alive(self) -> bool:
        return self.running

    def restart(self) -> int:
        if self.fails:
            self.fails -= 1
            raise RuntimeError("port 6390 is still in use")
        self.running = True
        self.pid += 1
        return self.pid


def supervised(*processes: Process, **policy):
    clock, log = Clock(), []
    supervisor = Supervisor(
        list(processes), policy=RestartPolicy(**policy), log=log.append, clock=clock
    )
    return supervisor, clock, log


def test_a_dead_server_is_restarted_after_its_back_off_and_the_restart_is_logged():
    redis = Process("redis")
    supervisor, clock, log = supervised(redis, first_delay=0.5)
    redis.running = False

    supervisor.tick()
    assert not redis.running  # noticed, waiting out the back-off
    clock.now += 0.5
    supervisor.tick()

    assert redis.running and redis.pid == 101
    assert log == ["redis is not running; restarting it in 0.5 s", "redis restarted (pid 101)"]
    assert supervisor.restarts == {"redis": 1}


def test_a_failing_restart_is_tried_again_with_a_longer_wait():
    postgres = Process("postgres", fails=2)
    supervisor, clock, log = supervised(postgres, first_delay=1.0)
    postgres.running = False
    supervisor.tick()
    for _ in range(3):
        clock.now += 10
        supervisor.tick()

    assert postgres.running
    assert [line for line in log if "next try" in line] == [
        "postgres: restart failed (port 6390 is still in use); next try in 2.0 s",
        "postgres: restart failed (port 6390 is still in use); next try in 4.0 s",
    ]


def test_a_process_that_keeps_dying_is_given_up_on_after_n_restarts_a_minute():
    worker = Process("worker")
    supervisor, clock, _ = supervised(worker, max_per_minute=3, first_delay=0.5, max_delay=1.0)
    with pytest.raises(GaveUp, match="worker needed 3 restarts within a minute"):
        for _ in range(20):
            worker.running = False
            supervisor.tick()
            clock.now += 1.0
            supervisor.tick()
    assert supervisor.restarts["worker"] == 3


def test_a_server_that_stays_up_a_minute_starts_over_with_the_short_back_off():
    typesense = Process("typesense")
    supervisor, clock, log = supervised(typesense, max_per_minute=3, first_delay=0.5)
    for _ in range(6):  # six crashes, each a minute and more apart: never given up on
        typesense.running = False
        supervisor.tick()
        clock.now += 0.5
        supervisor.tick()
        assert typesense.running
        clock.now += 61
        supervisor.tick()
    assert supervisor.restarts["typesense"] == 6
    assert log[-2] == "typesense is not running; restarting it in 0.5 s"
