"""A task queue per service (workflows/task_queues.py): each workflow belongs to exactly
one service, a worker polls the queues it is told to, and a bad `--queues` is a usage
error that names the choices (docs/scaling.md, "Task queues")."""

from __future__ import annotations

import inspect

import click
import pytest
from click.testing import CliRunner

import workflows
from entrypoints.process_commands import parse_queues, worker_command
from entrypoints.worker import WORKFLOWS_BY_SERVICE
from workflows.task_queues import ALL_SERVICES, Service, task_queue

pytestmark = pytest.mark.unit


def _every_workflow_class() -> set[type]:
    import importlib
    import pkgutil

    found = set()
    for module in pkgutil.iter_modules(workflows.__path__):
        loaded = importlib.import_module(f"workflows.{module.name}")
        for _, value in inspect.getmembers(loaded, inspect.isclass):
            if getattr(value, "__temporal_workflow_definition", None) and (
                value.__module__ == loaded.__name__
            ):
                found.add(value)
    return found


def test_every_workflow_runs_on_exactly_one_services_queue():
    placed = [w for group in WORKFLOWS_BY_SERVICE.values() for w in group]

    assert len(placed) == len(set(placed))
    assert set(placed) == _every_workflow_class()


def test_the_queues_are_named_after_the_base_and_the_service():
    assert task_queue("shopflow", Service.FULFILMENT) == "shopflow-fulfilment"
    assert {task_queue("s", s) for s in Service} == {"s-checkout", "s-fulfilment", "s-catalog"}


@pytest.mark.parametrize(
    ("text", "services"),
    [
        ("all", ALL_SERVICES),
        ("fulfilment", (Service.FULFILMENT,)),
        (" checkout , catalog ,checkout", (Service.CHECKOUT, Service.CATALOG)),
    ],
)
def test_queues_are_read_from_the_command_line(text, services):
    assert parse_queues(text) == services


@pytest.mark.parametrize("text", ["", "orders", "checkout,warehouse"])
def test_an_unknown_queue_is_refused_naming_the_choices(text):
    with pytest.raises(click.BadParameter, match="choose from all, checkout, fulfilment, catalog"):
        parse_queues(text)


def test_the_worker_command_refuses_an_unknown_queue_before_connecting_anywhere():
    result = CliRunner().invoke(worker_command, ["--queues", "orders"], env={"SHOPFLOW_ENV": "dev"})

    assert result.exit_code == 2
    assert "--queues" in result.output and "choose from all" in result.output
