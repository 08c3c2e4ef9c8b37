"""Which task queue each workflow runs on: one per service, so each scales on its own
(docs/scaling.md, "Task queues").

`TEMPORAL_TASK_QUEUE` is the base name; the queues are `<base>-checkout` (checkout, the
waiting room, the minutely hold sweep), `<base>-fulfilment` (orders, suborders, the
warehouse side, emails) and `<base>-catalog` (reindexing). `shopflow worker --queues
fulfilment` polls one of them; the default polls all three, as `make run` does.
A child workflow and an activity run on their parent's queue unless told otherwise, so
only the starters name a queue: the web (checkout, waiting room, password-reset mail),
`catalog reindex`, the hold-sweep schedule and the activity that starts an order.
"""

from __future__ import annotations

from enum import StrEnum


class Service(StrEnum):
    CHECKOUT = "checkout"
    FULFILMENT = "fulfilment"
    CATALOG = "catalog"


def task_queue(base: str, service: Service) -> str:
    return f"{base}-{service.value}"


ALL_SERVICES: tuple[Service, ...] = tuple(Service)
