"""The payment gateway, picked once for the web and the worker alike.

The web vaults cards with it (tokenize); the worker's activities authorize, void and
refund with it. Both must talk to the same processor, so both ask here. The bundled
sandbox keeps its ledger in the store's own database; a real processor's adapter (the
same `PaymentGateway` protocol, payments/gateway.py) would be chosen here, from Settings.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from payments.gateway import PaymentGateway
from payments.sandbox import SandboxGateway


def payment_gateway(sessions: sessionmaker[Session]) -> PaymentGateway:
    """The gateway for this store, on `sessions` (the worker passes bounded ones)."""
    return SandboxGateway(sessions)
