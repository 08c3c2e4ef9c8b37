"""Card-number rules every gateway applies before it talks to a bank (standard library only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

# Decline codes follow the names card processors use, so messages map one-to-one.
INVALID_NUMBER = "invalid_number"
INVALID_EXPIRY = "invalid_expiry"
EXPIRED_CARD = "expired_card"
INVALID_CVC = "invalid_cvc"

_SEPARATORS = re.compile(r"[ \-]")
# ASCII only: str.isdigit() and \d also accept "²" and Arabic-Indic digits, which pass
# Luhn (a declined test card written in them was approved) or crash int().
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_EXPIRY = re.compile(r"^ *([0-9]{1,2}) */ *([0-9]{2}|[0-9]{4}) *$", re.ASCII)


def ascii_digits(text: str) -> bool:
    return bool(_ASCII_DIGITS.fullmatch(text or ""))


def digits_only(number: str) -> str:
    """'4242 4242-4242 4242' -> '4242424242424242'; anything else left in makes it invalid."""
    return _SEPARATORS.sub("", number or "")


def luhn_valid(number: str) -> bool:
    digits = digits_only(number)
    if not ascii_digits(digits) or not 12 <= len(digits) <= 19:
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_brand(number: str) -> str:
    """'visa', 'mastercard', 'amex', 'discover' or 'card' (what the receipt shows)."""
    digits = digits_only(number)
    if not ascii_digits(digits):
        return "card"
    if digits.startswith(("34", "37")):
        return "amex"
    if digits.startswith("4"):
        return "visa"
    if len(digits) >= 4 and (51 <= int(digits[:2]) <= 55 or 2221 <= int(digits[:4]) <= 2720):
        return "mastercard"
    if digits.startswith(("6011", "65")) or (len(digits) >= 3 and 644 <= int(digits[:3]) <= 649):
        return "discover"
    return "card"


def last4(number: str) -> str:
    return digits_only(number)[-4:]


@dataclass(frozen=True)
class Expiry:
    month: int
    year: int  # four digits


def parse_expiry(text: str) -> Expiry | None:
    """'MM/YY' (or MM/YYYY) -> Expiry; None when it is not a real month."""
    match = _EXPIRY.match(text or "")
    if not match:
        return None
    month, year = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    return Expiry(month, year + 2000 if year < 100 else year)


def is_expired(expiry: Expiry, now: datetime) -> bool:
    """A card is good through the last day of its expiry month."""
    return (expiry.year, expiry.month) < (now.year, now.month)


def cvc_valid(cvc: str, brand: str) -> bool:
    wanted = 4 if brand == "amex" else 3
    return ascii_digits(cvc) and len(cvc) == wanted


@dataclass(frozen=True)
class CardProblem:
    code: str
    message: str


def card_problem(number: str, expiry: str, cvc: str, now: datetime) -> CardProblem | None:
    """The first reason these card details cannot be charged, or None when they can."""
    if not luhn_valid(number):
        return CardProblem(INVALID_NUMBER, "The card number is not valid. Check it and try again.")
    parsed = parse_expiry(expiry)
    if parsed is None:
        return CardProblem(INVALID_EXPIRY, "The expiry date must be MM/YY.")
    if is_expired(parsed, now):
        return CardProblem(EXPIRED_CARD, "This card has expired. Use another card.")
    if not cvc_valid(cvc, card_brand(number)):
        return CardProblem(INVALID_CVC, "The security code (CVC) is not valid.")
    return None
