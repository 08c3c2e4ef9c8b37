"""How a shopper's words relate to the catalogue's: exact, a prefix, a near-spelling, or none.

Search (db/search/query_match.py) reads which catalogue words Typesense matched and
works out from them whether the shopper's query was met as typed, met with words
respelt ("headphnes" -> "headphones": "did you mean"), or met only after words were
dropped ("red dress" -> "red": "no exact match"). The rules here are the ones
Typesense itself follows (docs/search.md, "No exact match and did you mean"): words are
split on spaces, hyphens and slashes, compared without case and punctuation, and a
word may be respelt by at most two edits (one for words shorter than seven letters,
none under four; two swapped neighbours count as one edit).
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s/-]+")
_NOT_A_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
MIN_LENGTH_ONE_TYPO = 4
MIN_LENGTH_TWO_TYPOS = 7


def words_of(text: str) -> list[str]:
    """The words Typesense would search for: "Wi-Fi router, 5.3" -> ["wi", "fi", "router", "53"]."""
    words = (_NOT_A_LETTER_OR_DIGIT.sub("", part).casefold() for part in _SEPARATORS.split(text))
    return [word for word in words if word]


def typos_allowed(word: str) -> int:
    if len(word) >= MIN_LENGTH_TWO_TYPOS:
        return 2
    return 1 if len(word) >= MIN_LENGTH_ONE_TYPO else 0


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Edits between `a` and `b` (insert, delete, substitute, or swap two neighbours, as
    Typesense counts a typo: "kettel" is one from "kettle"), or `limit + 1` once it is
    known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, start=1):
        current = [i]
        for j, right in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right))
            if i > 1 and j > 1 and left == b[j - 2] and a[i - 2] == right:
                cost = min(cost, before[j - 2] + 1)  # two neighbours swapped
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def closest_word(word: str, vocabulary: list[str], *, as_prefix: bool = False) -> str | None:
    """The vocabulary word `word` is a near-spelling of (fewest edits, then first), if any.

    `as_prefix`: the word may be unfinished (the last one typed), so it is also
    compared with the start of each vocabulary word.
    """
    limit = typos_allowed(word)
    best: tuple[int, str] | None = None
    for candidate in vocabulary:
        distance = edit_distance(word, candidate, limit=limit)
        if as_prefix and len(candidate) > len(word):
            distance = min(distance, edit_distance(word, candidate[: len(word)], limit=limit))
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def is_met_by(word: str, catalogue_word: str, *, as_prefix: bool = False) -> bool:
    """True when the catalogue word is the shopper's word (or, for the last word, starts with it)."""
    return catalogue_word == word or (as_prefix and catalogue_word.startswith(word))
