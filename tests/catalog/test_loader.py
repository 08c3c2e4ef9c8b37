"""Loading a catalogue: PostgreSQL and Typesense agree, and a new index goes live atomically."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

import catalog.loader as loader
from catalog.generator import generate_items, generate_warehouses
from catalog.loader import CatalogLoadError, catalog_is_empty, load_catalog, reindex_from_database
from db.postgres.invariants import check_invariants
from db.search.schema import SEARCH_FIELDS
from tests.catalog.conftest import scalar, search_index_for

pytestmark = pytest.mark.integration

WAREHOUSES = generate_warehouses(5, seed=42)

# I1 with nothing in flight, for every item in one query: aggregated == Σ available.
ITEMS_BREAKING_I1 = """
SELECT count(*) FROM items i
LEFT JOIN aggregated_stock a ON a.item_id = i.id
LEFT JOIN (SELECT item_id, sum(available_stock) AS units FROM warehouse_stock GROUP BY item_id) w
       ON w.item_id = i.id
WHERE a.stock IS DISTINCT FROM coalesce(w.units, 0)
"""


def catalogue(count: int, seed: int = 42):
    return generate_items(count, warehouse_ids=[w.id for w in WAREHOUSES], seed=seed)


def load(settings, count: int = 2_000, seed: int = 42, **kwargs):
    return load_catalog(
        settings, WAREHOUSES, catalogue(count, seed), total=count, progress=False, **kwargs
    )


def test_loading_2000_items_fills_postgres_and_typesense_consistently(
    catalog_settings, catalog_engine
):
    assert catalog_is_empty(catalog_settings)

    report = load(catalog_settings)

    assert not catalog_is_empty(catalog_settings)
    assert (report.items, report.documents, report.typesense_errors) == (2_000, 2_000, 0)
    assert (
        report.items_per_s > 0
        and report.collection == f"{catalog_settings.typesense_collection}_v1"
    )
    assert scalar(catalog_engine, "SELECT count(*) FROM items") == 2_000
    assert scalar(catalog_engine, "SELECT count(*) FROM aggregated_stock") == 2_000
    assert scalar(catalog_engine, "SELECT count(*) FROM warehouses") == 5
    assert scalar(catalog_engine, "SELECT count(DISTINCT item_id) FROM warehouse_stock") == 2_000
    assert scalar(catalog_engine, ITEMS_BREAKING_I1) == 0
    assert (
        scalar(
            catalog_engine,
            "SELECT count(*) FROM warehouse_stock WHERE physical_stock <> available_stock",
        )
        == 0
    )
    assert check_invariants(catalog_engine, now=datetime.now(UTC)).ok

    index = search_index_for(catalog_settings)
    assert index.current_collection() == report.collection
    assert index.count_documents() == 2_000
    assert scalar(catalog_engine, "SELECT version FROM catalog_state") == 1
    assert scalar(catalog_engine, "SELECT collection FROM catalog_state") == report.collection


def test_in_stock_flags_in_search_match_aggregated_stock(catalog_settings, catalog_engine):
    load(catalog_settings)
    sold_out = scalar(catalog_engine, "SELECT count(*) FROM aggregated_stock WHERE stock = 0")
    found = (
        search_index_for(catalog_settings)
        .client.collections[catalog_settings.typesense_collection]
        .documents.search({"q": "*", "filter_by": "in_stock:false", "per_page": 1})
    )
    assert sold_out > 0 and found["found"] == sold_out


def test_a_shopper_typing_wireles_headphnes_finds_wireless_headphones(catalog_settings):
    load(catalog_settings)
    result = (
        search_index_for(catalog_settings)
        .client.collections[catalog_settings.typesense_collection]
        .documents.search({"q": "wireles headphnes", "query_by": SEARCH_FIELDS})
    )
    assert result["found"] > 0
    assert "Wireless Headphones" in result["hits"][0]["document"]["name"]


def test_a_second_load_swaps_the_alias_drops_the_old_collection_and_bumps_the_version(
    catalog_settings, catalog_engine
):
    first = load(catalog_settings)
    second = load(catalog_settings)

    index = search_index_for(catalog_settings)
    assert second.collection != first.collection
    assert index.current_collection() == second.collection
    assert not index.collection_exists(first.collection)
    assert (first.version, second.version) == (1, 2)
    assert scalar(catalog_engine, "SELECT version FROM catalog_state") == 2
    assert index.count_documents() == 2_000
    assert scalar(catalog_engine, "SELECT count(*) FROM items") == 2_000
    assert scalar(catalog_engine, ITEMS_BREAKING_I1) == 0


def test_a_load_over_an_existing_catalogue_replaces_those_items_and_keeps_the_rest_searchable(
    catalog_settings, catalog_engine
):
    load(catalog_settings, 2_000, seed=1)
    report = load(catalog_settings, 500, seed=2)

    assert report.replaced_existing and report.items == 500
    assert report.documents == 2_000  # the index is rebuilt from PostgreSQL: all items
    replaced = next(iter(catalogue(1, seed=2)))
    with catalog_engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM items WHERE id = 1")).scalar_one()
    assert name == replaced.name
    assert search_index_for(catalog_settings).count_documents() == 2_000
    assert scalar(catalog_engine, ITEMS_BREAKING_I1) == 0


def test_a_document_typesense_rejects_fails_the_load_and_the_old_catalogue_stays_live(
    catalog_settings, catalog_engine, monkeypatch
):
    first = load(catalog_settings, 1_000)
    good_document = loader.document_for_record

    def one_bad_document(record):
        document = good_document(record)
        if record.id == 777:
            document["price"] = "not a number"  # the schema says int32
        return document

    monkeypatch.setattr(loader, "document_for_record", one_bad_document)
    # A fresh database would take the streaming path: empty this one's catalogue first.
    with catalog_engine.begin() as conn:
        conn.execute(text("TRUNCATE items, aggregated_stock, warehouse_stock CASCADE"))

    with pytest.raises(CatalogLoadError, match="rejected 1 of 2000"):
        load(catalog_settings, 2_000)

    index = search_index_for(catalog_settings)
    assert index.current_collection() == first.collection
    assert not index.collection_exists(f"{catalog_settings.typesense_collection}_v2")
    assert scalar(catalog_engine, "SELECT count(*) FROM items") == 0  # rolled back
    assert scalar(catalog_engine, "SELECT version FROM catalog_state") == 1


def test_an_import_reports_each_rejected_document(catalog_settings):
    index = search_index_for(catalog_settings)
    collection = index.create_versioned_collection(9)
    good = {
        "id": "1",
        "item_id": 1,
        "name": "Acme Kettle",
        "title": "Kettle",
        "description": "Boils.",
        "brand": "Acme",
        "category": "Kitchen",
        "price": 1999,
        "rating": 4.5,
        "review_count": 2,
        "in_stock": True,
    }
    # The title is what search reads (the name is only shown): a document needs one.
    missing_title = {key: value for key, value in good.items() if key != "title"} | {"id": "2"}
    wrong_type = good | {"id": "3", "rating": "great"}

    assert index.import_documents(collection, [good, missing_title, wrong_type]) == 2
    assert index.count_documents(collection) == 1
    assert index.import_documents(collection, [good]) == 0  # upsert: a retry is harmless


def test_stock_changes_flip_the_in_stock_flag_of_the_live_index(catalog_settings):
    load(catalog_settings, 100)
    index = search_index_for(catalog_settings)
    documents = index.client.collections[index.alias].documents

    assert index.set_in_stock(5, False)
    assert documents["5"].retrieve()["in_stock"] is False
    assert index.set_in_stock(5, True)
    assert documents["5"].retrieve()["in_stock"] is True
    assert not index.set_in_stock(99_999, True)  # not indexed: nothing to flip


def test_reindexing_from_postgres_without_temporal_rebuilds_the_same_index(catalog_settings):
    first = load(catalog_settings, 1_500)
    report = reindex_from_database(catalog_settings, batch_size=400, progress=False)

    index = search_index_for(catalog_settings)
    assert report.documents == 1_500 and report.version == first.version + 1
    assert index.current_collection() == report.collection
    assert index.count_documents() == 1_500
    assert not index.collection_exists(first.collection)


def test_the_loader_says_which_service_is_missing(catalog_settings):
    with pytest.raises(CatalogLoadError, match="DATABASE_URL"):
        catalog_is_empty(replace(catalog_settings, database_url=None))


def test_two_loads_at_once_take_turns_and_the_last_one_wins(catalog_settings, catalog_engine):
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda seed: load(catalog_settings, 800, seed=seed), (1, 2)))

    assert sorted(report.version for report in reports) == [1, 2]
    last = max(reports, key=lambda report: report.version)
    index = search_index_for(catalog_settings)
    assert index.current_collection() == last.collection
    assert index.count_documents() == 800
    assert scalar(catalog_engine, "SELECT version FROM catalog_state") == 2


def test_a_load_writes_the_demo_reviews_and_each_rating_is_their_average(
    catalog_settings, catalog_engine
):
    load(catalog_settings, 300)
    records = list(catalogue(300))

    demo_rows = scalar(catalog_engine, "SELECT count(*) FROM reviews WHERE demo")
    assert demo_rows == sum(record.review_count for record in records) > 0
    with catalog_engine.connect() as conn:
        stored = {row.id: (row.rating, row.review_count) for row in conn.execute(
            text("SELECT id, rating, review_count FROM items"))}  # fmt: skip
    assert stored == {r.id: (r.rating, r.review_count) for r in records}
    assert any(count == 0 and rating is None for rating, count in stored.values())
    unreviewed = next(r.id for r in records if not r.demo_reviews)
    document = (
        search_index_for(catalog_settings)
        .client.collections[catalog_settings.typesense_collection]
        .documents[str(unreviewed)]
        .retrieve()
    )
    assert (document["rating"], document["review_count"]) == (0.0, 0)


def test_a_reload_replaces_the_demo_reviews_and_keeps_a_shoppers_own_in_the_rating(
    catalog_settings, catalog_engine
):
    from sqlalchemy.orm import sessionmaker

    from db.postgres.reviews import add_review
    from db.postgres.users import create_user
    from domain.reviews import ReviewInput, summarise

    load(catalog_settings, 300, seed=1)
    with sessionmaker(catalog_engine).begin() as session:
        shopper = create_user(session, email="reviewer@example.com", password_hash="x").id
        add_review(session, shopper, 1, ReviewInput(1, "Meh", "Broke after a week."))

    load(catalog_settings, 50, seed=2)  # over the existing catalogue: item 1 is replaced

    replaced = next(iter(catalogue(1, seed=2)))
    with catalog_engine.connect() as conn:
        demo, own = conn.execute(
            text("SELECT count(*) FILTER (WHERE demo), count(*) FILTER (WHERE NOT demo)"
                 " FROM reviews WHERE item_id = 1")).one()  # fmt: skip
        rating, count = conn.execute(
            text("SELECT rating, review_count FROM items WHERE id = 1")
        ).one()
    assert (demo, own) == (replaced.review_count, 1)
    expected = summarise(sum(replaced.demo_reviews) + 1, replaced.review_count + 1)
    assert (rating, count) == (expected.as_float, expected.count)
    assert scalar(catalog_engine, "SELECT count(*) FROM rating_search_pending WHERE item_id = 1")
