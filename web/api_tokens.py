"""API bearer tokens: signed, expiring, stateless (itsdangerous with the app's SECRET_KEY).

A token is `URLSafeTimedSerializer(secret_key, salt="shopflow.api-token")` over
`{"u": user_id, "p": password fingerprint}`; it is valid for API_TOKEN_TTL_SECONDS
(default 24 h) from issue. Nothing is stored server-side. Tokens die early when the
password changes (the fingerprint no longer matches) or SECRET_KEY is rotated.
The payload is signed, not encrypted: it holds nothing secret.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "shopflow.api-token"
MAX_TOKEN_LENGTH = 512  # ours are ~100 characters; anything far longer is not ours


class InvalidToken(Exception):
    """The token is malformed, forged, expired or revoked; the message says which, politely."""


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    fingerprint: str


class ApiTokens:
    def __init__(self, secret_key: str, ttl_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
        self.ttl_seconds = ttl_seconds

    def issue(self, user_id: int, fingerprint: str) -> str:
        return self._serializer.dumps({"u": user_id, "p": fingerprint})

    def read(self, token: str) -> TokenClaims:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise InvalidToken("The bearer token is not valid.")
        try:
            payload = self._serializer.loads(token, max_age=self.ttl_seconds)
        except SignatureExpired:
            raise InvalidToken("The bearer token has expired. Get a new one.") from None
        except BadSignature:
            raise InvalidToken("The bearer token is not valid.") from None
        user_id, fingerprint = (
            (payload.get("u"), payload.get("p")) if isinstance(payload, dict) else (None, None)
        )
        if type(user_id) is not int or not isinstance(fingerprint, str):
            raise InvalidToken("The bearer token is not valid.")
        return TokenClaims(user_id, fingerprint)
