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
from payments.vault_keys import card_sealer
from settings import Settings


def payment_gateway(sessions: sessionmaker[Session], settings: Settings) -> PaymentGateway:
    """The gateway for this store, on `sessions` (the worker passes bounded ones); the
    sandbox seals the cards it vaults with `VAULT_KEYS`."""
    return SandboxGateway(sessions, card_sealer(settings))
