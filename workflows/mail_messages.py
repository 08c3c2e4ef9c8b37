"""What a workflow asks the mail activity to send (docs/email.md).

One email per event, named by its event key (`<kind>:<subject id>`): the activity sends
a key once, however often Temporal runs it. The request carries only ids and what the
database does not know yet (the planned parcels, the refund, a reset link); the
activity reads the rest (the shopper's address, the lines, the card's last four).
"""

from __future__ import annotations

from dataclasses import dataclass

SEND_EMAIL = "send_email"
EMAIL_WORKFLOW_NAME = "EmailWorkflow"

ORDER_PLACED = "order-placed"
PARCEL_SHIPPED = "parcel-shipped"
ORDER_DELIVERED = "order-delivered"
ORDER_CANCELLED = "order-cancelled"
PARCELS_CANCELLED = "parcels-cancelled"  # the parcels that had not shipped, refunded
PASSWORD_RESET = "password-reset"
RETURN_AUTHORIZED = "return-authorized"
RETURN_REFUNDED = "return-refunded"
KINDS = (
    ORDER_PLACED,
    PARCEL_SHIPPED,
    ORDER_DELIVERED,
    ORDER_CANCELLED,
    PARCELS_CANCELLED,
    PASSWORD_RESET,
    RETURN_AUTHORIZED,
    RETURN_REFUNDED,
)


@dataclass(frozen=True)
class MailParcel:
    """A parcel as planned: the warehouse it ships from and how many units it holds."""

    warehouse_id: int
    units: int


@dataclass(frozen=True)
class EmailRequest:
    kind: str
    # The order id (placed, delivered, cancelled, parcels cancelled), the suborder id
    # (shipped), the return id (return authorised, refunded) or the reset link's token
    # hash (password reset: random, so unique in every database that shares a Temporal
    # namespace, and after a restore rewinds the links' row ids).
    subject_id: str
    parcels: tuple[MailParcel, ...] = ()
    refund: int = 0  # cents: a cancelled order, its cancelled parcels or a refunded return
    link: str = ""  # the password-reset link (the payload codec encrypts it in history)

    @property
    def event_key(self) -> str:
        return f"{self.kind}:{self.subject_id}"


@dataclass(frozen=True)
class EmailResult:
    event_key: str
    sent: bool  # False when an earlier attempt had already sent it


def email_workflow_id(request: EmailRequest) -> str:
    return f"email-{request.event_key}"
