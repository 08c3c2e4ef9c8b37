"""Did the hits match the query as typed? Read from Typesense's own answer, at no extra search.

Typesense 0.24 finds a query's words in the catalogue with up to two typos, and when
no item has every word it drops words until something matches (its default
`drop_tokens_threshold` of 1: only when nothing at all was found). Each hit says how
many of the query's words it matched (`text_match_info.tokens_matched`) and, in its
highlight, which catalogue words those were (`matched_tokens`). From the best hit:

* every word met as typed                      -> an exact match;
* a word met only by a near-spelling           -> `did_you_mean`, the query as the
                                                  catalogue spells it ("headphones");
* fewer words matched than asked for           -> `relaxed_query`, the words the results
                                                  are for ("red" for "red dress").

Measured cost (docs/benchmarks.md): the highlights that name the matched words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.spelling import closest_word, is_met_by, words_of


@dataclass(frozen=True)
class QueryMatch:
    relaxed_query: str | None = None  # the words kept when Typesense dropped some
    did_you_mean: str | None = None  # the query with respelt words, as the catalogue spells them

    @property
    def exact(self) -> bool:
        return self.relaxed_query is None and self.did_you_mean is None

    def to_json(self) -> dict[str, str | None]:
        return {"relaxed": self.relaxed_query, "didYouMean": self.did_you_mean}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> QueryMatch:
        data = data or {}
        return cls(relaxed_query=data.get("relaxed"), did_you_mean=data.get("didYouMean"))


EXACT = QueryMatch()


def query_match(text: str, hits: list[dict[str, Any]]) -> QueryMatch:
    """How the best of these hits (Typesense's raw ones) matched `text`."""
    asked = words_of(text)
    best = _best_hit(hits)
    if not asked or best is None:
        return EXACT
    matched = _matched_words(best)
    kept: list[str] = []
    respelt = False
    for position, word in enumerate(asked):
        last = position == len(asked) - 1  # Typesense reads only the last word as a prefix
        if any(is_met_by(word, found, as_prefix=last) for found in matched):
            kept.append(word)
            continue
        near = closest_word(word, matched, as_prefix=last)
        if near is not None:
            kept.append(near)
            respelt = True
    tokens_matched = int(best.get("text_match_info", {}).get("tokens_matched", len(asked)))
    dropped = tokens_matched < len(asked) and 0 < len(kept) < len(asked)
    phrase = " ".join(kept)
    return QueryMatch(
        relaxed_query=phrase if dropped else None,
        did_you_mean=phrase if respelt else None,
    )


def _best_hit(hits: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The hit that matched the most words (a page sorted by price may not start with it)."""
    if not hits:
        return None
    return max(hits, key=lambda hit: int(hit.get("text_match_info", {}).get("tokens_matched", 0)))


def _matched_words(hit: dict[str, Any]) -> list[str]:
    words: dict[str, None] = {}
    for field in (hit.get("highlight") or {}).values():
        tokens = field.get("matched_tokens", []) if isinstance(field, dict) else []
        for token in tokens:
            for word in words_of(token if isinstance(token, str) else " ".join(token)):
                words[word] = None
    return list(words)
