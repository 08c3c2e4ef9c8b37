"""The names of one item's waiting-room keys in Redis: the one place they are made.

All carry the hash tag `{wr:<itemID>}`, so an item's keys share one Redis Cluster slot
(docs/scaling.md, "Redis Cluster") and the scripts of db/redis/waiting_room.py, which
are handed `ItemKeys.all` as KEYS, touch one slot each.
"""

from __future__ import annotations

from dataclasses import dataclass

TICKET_FIELDS = (
    "user",
    "qty",
    "state",
    "seq",
    "joinedAt",
    "admittedAt",
    "admittedUntil",
    "checkoutID",
)


# The scripts' KEYS, in this order (db/redis/waiting_room.py unpacks them by these names).
SCRIPT_KEYS = ("queue", "out", "seq", "soldout", "admits", "tickets", "users", "expiry")


@dataclass(frozen=True)
class ItemKeys:
    """Every Redis key of one item's waiting room: the one place their names are made."""

    item_id: int

    @property
    def tag(self) -> str:
        return f"{{wr:{self.item_id}}}"

    def _key(self, name: str) -> str:
        return f"wr:{self.tag}:{name}"

    @property
    def all(self) -> list[str]:
        """The scripts' KEYS, in `SCRIPT_KEYS` order."""
        return [self._key(name) for name in SCRIPT_KEYS]

    @property
    def queue(self) -> str:
        return self._key("queue")

    @property
    def out(self) -> str:
        return self._key("out")

    @property
    def soldout(self) -> str:
        return self._key("soldout")

    @property
    def admits(self) -> str:
        return self._key("admits")

    @property
    def tickets(self) -> str:
        return self._key("tickets")

    @property
    def users(self) -> str:
        return self._key("users")

    @property
    def lock(self) -> str:
        """The admitter's lock (activities/waiting_room.py)."""
        return self._key("lock")

    @property
    def workflow_checked(self) -> str:
        """Set while the item's waiting room workflow is known to run (web/waiting_room)."""
        return self._key("workflow-checked")


def item_keys(item_id: int) -> ItemKeys:
    return ItemKeys(item_id)


def ticket_fields(ticket_id: str, *names: str) -> list[str]:
    """Field names of a ticket in the item's `tickets` hash."""
    return [f"{ticket_id}:{name}" for name in names or TICKET_FIELDS]
