"""The search rules on their own, without any server: parsing, fingerprints, filters, cursors, caching."""

from __future__ import annotations

import hashlib
import json

import pytest
import redis
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from db.redis.json_cache import JsonCache
from db.search import (
    CursorCodec,
    InvalidCursor,
    InvalidSearch,
    SearchQuery,
    SortOrder,
    parse_search_args,
)
from db.search.args import cents_to_dollars_text
from db.search.cursor import CursorPosition
from db.search.filters import filter_by, quote
from db.search.typesense_request import facets_search_body, hits_search_body, sort_by
from web.formatting import money, stars, stock_label

pytestmark = pytest.mark.unit


def parse(*pairs: tuple[str, str], prices_in: str = "cents"):
    return parse_search_args(MultiDict(pairs), prices_in=prices_in)


def test_two_spellings_of_the_same_search_share_one_fingerprint():
    a = parse(
        ("query", "  Wireless   HEADPHONES "),
        ("brand", "Acme"),
        ("brand", "Zeta"),
        ("brand", "Acme"),
    )
    b = parse(
        ("query", "wireless headphones"),
        ("brand", "Zeta"),
        ("brand", "Acme"),
        ("sort", "relevance"),
    )

    assert a.query.fingerprint() == b.query.fingerprint()
    assert a.query.brands == ("Acme", "Zeta")


@pytest.mark.parametrize(
    "change",
    [
        ("sort", "price_asc"),
        ("brand", "Acme"),
        ("category", "Books"),
        ("minPrice", "1"),
        ("maxPrice", "1"),
        ("inStock", "false"),
    ],
)
def test_any_change_of_filter_or_sort_changes_the_fingerprint(change):
    assert (
        parse(("query", "tent")).query.fingerprint()
        != parse(("query", "tent"), change).query.fingerprint()
    )


def test_unknown_arguments_are_ignored_and_empty_ones_mean_no_filter():
    request = parse(
        ("utm_source", "mail"), ("category", ""), ("inStock", ""), ("minPrice", ""), ("sort", "")
    )

    assert request.query == SearchQuery()
    assert request.limit is None and request.cursor is None


def test_the_browser_form_speaks_dollars():
    request = parse(("minDollars", "$12.5"), ("maxDollars", "40"), prices_in="dollars")

    assert (request.query.min_price, request.query.max_price) == (1250, 4000)
    assert cents_to_dollars_text(1250) == "12.50" and cents_to_dollars_text(4000) == "40"


@pytest.mark.parametrize("value", ["-1", "12.345", "abc", "1e3"])
def test_bad_dollar_amounts_are_rejected(value):
    with pytest.raises(InvalidSearch, match="minDollars"):
        parse(("minDollars", value), prices_in="dollars")


def test_filters_quote_every_string_and_use_only_validated_numbers():
    query = SearchQuery(
        category="Kitchen",
        brands=["a] || price:>0", "Acme"],
        min_price="100",
        max_price=200,
        in_stock=True,
    )

    assert filter_by(query) == (
        "category:=[`Kitchen`] && brand:=[`Acme`,`a] || price:>0`] "
        "&& price:[100..200] && in_stock:=true"
    )
    assert filter_by(query, leave_out="brand") == (
        "category:=[`Kitchen`] && price:[100..200] && in_stock:=true"
    )


def test_a_one_sided_price_bound_is_one_range_with_an_open_end():
    assert filter_by(SearchQuery(min_price=2000)) == "price:[2000..2147483647]"
    assert filter_by(SearchQuery(max_price=15000)) == "price:[0..15000]"


def test_a_backtick_can_never_reach_a_filter():
    with pytest.raises(ValidationError, match="backtick"):
        SearchQuery(brands=["x` || price:>0 || brand:=`y"])
    with pytest.raises(InvalidSearch, match="backtick"):
        parse(("category", "`"))
    with pytest.raises(ValueError, match="backtick"):
        quote("`")


def test_every_sort_ends_in_the_item_id_tie_break_and_has_at_most_three_fields():
    for text in ("", "kettle"):
        for order in SortOrder:
            fields = sort_by(SearchQuery(text=text, sort=order)).split(",")
            assert fields[-1] == "item_id:asc" and len(fields) <= 3


def test_the_hits_are_asked_for_without_any_facet_counting():
    (hits,) = hits_search_body(
        "items", SearchQuery(text="tent", brands=["Acme"]), page=2, per_page=10
    )["searches"]

    assert (hits["page"], hits["per_page"], hits["filter_by"]) == (2, 10, "brand:=[`Acme`]")
    assert "facet_by" not in hits


def test_a_picked_brand_gets_its_own_facet_search_without_the_brand_filter():
    body = facets_search_body("items", SearchQuery(text="tent", brands=["Acme"]))

    counted, brand_facets = body["searches"]
    assert counted["filter_by"] == "brand:=[`Acme`]" and counted["per_page"] == 0
    assert brand_facets["facet_by"] == "brand" and brand_facets["per_page"] == 0
    assert "filter_by" not in brand_facets


def test_facet_counts_are_shared_by_every_sort_of_the_same_search():
    by_price = SearchQuery(text="tent", sort=SortOrder.PRICE_ASC)
    by_rating = SearchQuery(text="Tent", sort=SortOrder.RATING)

    assert by_price.facets_fingerprint() == by_rating.facets_fingerprint()
    assert by_price.fingerprint() != by_rating.fingerprint()
    assert (
        by_price.facets_fingerprint()
        != SearchQuery(text="tent", in_stock=True).facets_fingerprint()
    )


def test_typos_and_unfinished_words_are_looked_for_in_title_and_brand_not_description():
    (hits,) = hits_search_body("items", SearchQuery(text="headpho"), page=1, per_page=20)[
        "searches"
    ]

    assert hits["query_by"].split(",") == ["title", "brand", "description"]
    assert (hits["num_typos"], hits["prefix"]) == ("2,1,0", "true,true,false")


def test_a_cursor_made_by_the_last_release_still_reads():
    # Made with an HMAC object, as cursors were before the one-shot digest. The tag must
    # not change, or every "Load more" in flight at a deploy would be refused.
    made = "WzEsImZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmIiw0MCwyMF1l75eKRGj8GYJDbeS674yl"
    codec = CursorCodec("a secret of the last release")

    assert codec.decode(made) == CursorPosition("f" * 32, 40, 20)
    assert codec.encode(CursorPosition("f" * 32, 40, 20)) == made


def fingerprint_as_the_last_release_made_it(query: SearchQuery, **dump) -> str:
    canonical = query.model_dump(mode="json", **dump)
    canonical["text"] = query.text.lower()
    blob = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


@pytest.mark.parametrize(
    "pairs",
    [
        (("query", "wireless headphones"), ("sort", "price_asc"), ("maxPrice", "15000")),
        (("query", "Café crème"), ("brand", "Señor"), ("inStock", "true")),
        (("query", 'say "hi" \\ there'), ("category", "Books"), ("brand", "A&B")),
        (("query", "日本 茶"),),
    ],
)
def test_a_fingerprint_is_the_one_the_last_release_made(pairs):
    # Cursors in flight carry it: a faster encoder must not change a single byte.
    query = parse(*pairs).query

    assert query.fingerprint() == fingerprint_as_the_last_release_made_it(query)
    assert query.facets_fingerprint() == fingerprint_as_the_last_release_made_it(
        query, exclude={"sort"}
    )


def test_invisible_characters_in_the_query_are_spaces_and_visible_ones_stay():
    assert parse(("query", "wire\u200bless\u00a0 head\u2060phones")).query.text == (
        "wire less head phones"
    )
    assert parse(("query", " Café  crème ")).query.text == "Café crème"


def test_a_cursor_round_trips_and_rejects_any_change():
    codec = CursorCodec("secret")
    cursor = codec.encode(CursorPosition("f" * 32, 40, 20))

    assert codec.decode(cursor) == CursorPosition("f" * 32, 40, 20)
    with pytest.raises(InvalidCursor):
        CursorCodec("other secret").decode(cursor)
    for index in range(len(cursor)):
        changed = cursor[:index] + ("A" if cursor[index] != "A" else "B") + cursor[index + 1 :]
        try:
            position = codec.decode(changed)
        except InvalidCursor:
            continue
        # base64 may decode a changed last character to the same bytes; anything else is caught.
        assert position == CursorPosition("f" * 32, 40, 20)


class BrokenRedis:
    calls = 0

    def get(self, key):
        BrokenRedis.calls += 1
        raise redis.ConnectionError("down")

    def set(self, *args, **kwargs):
        BrokenRedis.calls += 1
        raise redis.ConnectionError("down")


def test_a_failing_redis_is_a_miss_and_is_left_alone_for_a_while():
    now = [100.0]
    cache = JsonCache(BrokenRedis(), namespace="t", ttl_seconds=30, clock=lambda: now[0])

    assert cache.get("k") is None
    cache.set("k", {"a": 1})
    assert cache.get("k") is None
    assert BrokenRedis.calls == 1  # backed off after the first failure
    now[0] += 10
    assert cache.get("k") is None and BrokenRedis.calls == 2


@pytest.mark.parametrize(
    ("cents", "text"), [(0, "$0.00"), (5, "$0.05"), (1234, "$12.34"), (123456789, "$1,234,567.89")]
)
def test_prices_read_as_dollars_and_cents(cents, text):
    assert money(cents) == text


@pytest.mark.parametrize(
    ("stock", "label"),
    [
        (0, "Out of stock"),
        (None, "Out of stock"),
        (1, "Only 1 left"),
        (3, "Only 3 left"),
        (5, "Only 5 left"),
        (6, "In stock"),
    ],
)
def test_stock_is_told_the_way_a_shopper_expects(stock, label):
    assert stock_label(stock) == label


def test_ratings_show_as_stars():
    assert stars(4.4) == "★★★★☆" and stars(0) == "☆☆☆☆☆" and stars(5) == "★★★★★"
