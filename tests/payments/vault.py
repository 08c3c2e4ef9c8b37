"""A card sealer for tests that build the sandbox gateway by hand (random per session)."""

from __future__ import annotations

import secrets

from payments.vault_keys import CardSealer

TEST_SEALER = CardSealer((secrets.token_urlsafe(48),))
