"""Who may do what: the store's roles, written once for the portal, the API, the codec
server and the CLI alike (docs/security.md, "Roles").

    shopper    shops; no staff page at all
    warehouse  works in the warehouses it is bound to: their queues, suborders and
               restock; another warehouse does not exist for it (a 404, not a 403, so
               an id says nothing about what lies behind it)
    operator   every warehouse, the waiting rooms' switch, the codec's decode,
               the order desk (any shopper's orders: look up, cancel),
               refunds of any order or line
    admin      all an operator may, plus managing accounts and the codec's encode

A role is a string in `users.role`; a warehouse worker's warehouses are rows of
`user_warehouses`. `Access` is what a request carries: the role and those warehouses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum, StrEnum


class Role(StrEnum):
    SHOPPER = "shopper"
    WAREHOUSE = "warehouse"
    OPERATOR = "operator"
    ADMIN = "admin"


class Permission(Enum):
    WAREHOUSE_PORTAL = "warehouse portal"  # which warehouses: Access.works_in
    EVERY_WAREHOUSE = "every warehouse"
    WAITING_ROOMS = "waiting rooms"  # the waiting room's switch
    DECODE_PAYLOADS = "decode payloads"
    ENCODE_PAYLOADS = "encode payloads"
    MANAGE_USERS = "manage users"
    REFUND_ORDERS = "refund orders"  # any order or line, with a reason (docs/returns.md)
    ORDER_DESK = "order desk"  # any shopper's orders: look up, cancel (docs/staff.md)


_OPERATOR = frozenset(
    {
        Permission.WAREHOUSE_PORTAL,
        Permission.EVERY_WAREHOUSE,
        Permission.WAITING_ROOMS,
        Permission.DECODE_PAYLOADS,
        Permission.REFUND_ORDERS,
        Permission.ORDER_DESK,
    }
)
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.SHOPPER: frozenset(),
    Role.WAREHOUSE: frozenset({Permission.WAREHOUSE_PORTAL}),
    Role.OPERATOR: _OPERATOR,
    Role.ADMIN: _OPERATOR | {Permission.ENCODE_PAYLOADS, Permission.MANAGE_USERS},
}

ROLES = tuple(role.value for role in Role)


class RoleError(ValueError):
    """An account the rules do not allow: a message for the person who asked for it."""


def check_binding(role: str, warehouses: Iterable[int]) -> tuple[Role, frozenset[int]]:
    """The role and warehouses an account may be created with.

    A warehouse worker needs at least one warehouse; every other role takes none (an
    operator already sees every warehouse, and a shopper none)."""
    try:
        parsed = Role(role)
    except ValueError:
        raise RoleError(f"role must be one of {', '.join(ROLES)}, not {role!r}.") from None
    bound = frozenset(warehouses)
    if parsed is Role.WAREHOUSE and not bound:
        raise RoleError("A warehouse worker needs at least one warehouse (--warehouse ID).")
    if parsed is not Role.WAREHOUSE and bound:
        raise RoleError(f"Only warehouse workers are bound to warehouses, not {parsed.value}s.")
    if any(w <= 0 for w in bound):
        raise RoleError("Warehouse ids are positive whole numbers.")
    return parsed, bound


@dataclass(frozen=True)
class Access:
    """What one signed-in account may do."""

    role: str
    warehouses: frozenset[int] = field(default_factory=frozenset)

    def may(self, permission: Permission) -> bool:
        try:
            return permission in GRANTS[Role(self.role)]
        except ValueError:  # a role this code does not know grants nothing
            return False

    @property
    def is_staff(self) -> bool:
        """Anyone who works for the store (the page header's staff links)."""
        return self.may(Permission.WAREHOUSE_PORTAL)

    def works_in(self, warehouse_id: int) -> bool:
        """May see and act on this warehouse's queue, suborders and restock."""
        if not self.may(Permission.WAREHOUSE_PORTAL):
            return False
        return self.may(Permission.EVERY_WAREHOUSE) or warehouse_id in self.warehouses


SHOPPER_ACCESS = Access(Role.SHOPPER.value)
