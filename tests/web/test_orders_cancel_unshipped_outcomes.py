"""Cancelling the parcels that have not shipped, in the browser and through
`POST /api/v1/orders/{orderID}/cancel-unshipped`, for every answer the use case can give
(web/orders/use_cases.py), on the fakes: the workflow's answer is scripted
(tests/fakes/orders.py's FakeOrderClient).

The stock, the refund and the race with a shipment need the real workflow:
tests/web/test_orders_cancel_unshipped_api.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from html import unescape

import pytest

from domain.refusals import RefusalKind
from tests.fakes.orders import order_view
from web.orders.errors import UNAVAILABLE
from web.orders.reads import OrderLineView
from web.refusals import Refused
from web.suborder_reads import SuborderRow, SuborderRowLine

pytestmark = pytest.mark.web

NOW = datetime.now(UTC)
TEA, MUG = 7, 8


def parcel(n: int, status: str, item_id: int, name: str, quantity: int) -> SuborderRow:
    return SuborderRow(
        f"o-S{n}",
        "o",
        n,
        f"Warehouse {n}",
        "Somewhere",
        status,
        NOW,
        NOW if status != "ASSIGNED" else None,
        None,
        {},
        (SuborderRowLine(item_id, name, quantity),),
    )


def two_parcels(tea: str = "SHIPPED", mug: str = "ASSIGNED"):
    """A tea tin (15.00) from warehouse 1 and two mugs (9.00 each) from warehouse 2."""
    return replace(
        order_view(NOW),
        lines=(OrderLineView(TEA, "Tea Tin", 1, 1_500), OrderLineView(MUG, "Mug", 2, 900)),
        total=3_300,
        suborders=(parcel(1, tea, TEA, "Tea Tin", 1), parcel(2, mug, MUG, "Mug", 2)),
    )


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def browser(fake_shop):
    return fake_shop.shopper()


def api_cancel_unshipped(fake_shop, user_id, order_id):
    user = fake_shop.users[user_id]
    return fake_shop.app.test_client().post(
        f"/api/v1/orders/{order_id}/cancel-unshipped", headers=fake_shop.api_headers(user)
    )


def test_the_api_cancels_the_parcel_that_has_not_shipped_and_names_the_refund(fake_shop, browser):
    order_id = fake_shop.orders.add(browser.id, two_parcels()).order_id

    answer = api_cancel_unshipped(fake_shop, browser.id, order_id)

    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["cancelledSuborders"] == ["o-S2"]
    assert body["refund"] == 1_800  # the two mugs only
    assert body["status"] == body["order"]["status"] == "PARTLY_CANCELLED"
    assert body["order"]["cancelled"] == [{"itemID": MUG, "name": "Mug", "quantity": 2}]
    assert body["order"]["canCancelUnshipped"] is False
    assert answer.headers["Cache-Control"] == "private, no-store"


def test_the_order_page_offers_the_button_only_while_some_shipped_and_some_did_not(
    fake_shop, browser
):
    partly = fake_shop.orders.add(browser.id, two_parcels()).order_id
    nothing_shipped = fake_shop.orders.add(browser.id, two_parcels(tea="ASSIGNED")).order_id
    all_shipped = fake_shop.orders.add(browser.id, two_parcels(mug="SHIPPED")).order_id

    def offered(order_id: str) -> bool:
        page = browser.get(f"/orders/{order_id}")
        assert page.status_code == 200
        return "Cancel the parcels that have not shipped" in html(page)

    assert offered(partly)
    assert not offered(nothing_shipped) and not offered(all_shipped)


def test_the_button_cancels_in_place_and_the_page_says_what_was_refunded(fake_shop, browser):
    order_id = fake_shop.orders.add(browser.id, two_parcels()).order_id

    answer = browser.post(f"/orders/{order_id}/cancel-unshipped", htmx=True)

    assert answer.status_code == 200
    page = html(answer)
    assert 'data-status="PARTLY_CANCELLED"' in page and "PARTLY CANCELLED" in page
    assert 'data-test="parcels-cancelled"' in page and "Mug ×2" in page
    assert "$18.00 is being refunded" in page
    assert "Cancel the parcels that have not shipped" not in page


def test_without_javascript_the_button_goes_back_to_the_order_page(fake_shop, browser):
    order_id = fake_shop.orders.add(browser.id, two_parcels()).order_id

    answer = browser.post(f"/orders/{order_id}/cancel-unshipped")

    assert answer.status_code == 303 and answer.headers["Location"] == f"/orders/{order_id}"


@pytest.mark.parametrize(
    ("order", "code"),
    [
        (lambda: two_parcels(tea="ASSIGNED"), "nothing_shipped"),
        (lambda: two_parcels(mug="SHIPPED"), "nothing_unshipped"),
        (lambda: replace(two_parcels(), status="DELIVERED"), "delivered"),
        (lambda: replace(two_parcels(), status="CANCELLED"), "order_cancelled"),
    ],
)
def test_an_order_with_nothing_to_cancel_apart_is_a_409_without_asking_the_workflow(
    fake_shop, browser, order, code
):
    order_id = fake_shop.orders.add(browser.id, order()).order_id

    answer = api_cancel_unshipped(fake_shop, browser.id, order_id)

    assert answer.status_code == 409, answer.get_json()
    assert answer.get_json()["error"]["code"] == code
    assert fake_shop.order_client.calls == []


def test_nothing_shipped_yet_points_to_cancelling_the_whole_order(fake_shop, browser):
    order_id = fake_shop.orders.add(browser.id, two_parcels(tea="ASSIGNED")).order_id

    answer = api_cancel_unshipped(fake_shop, browser.id, order_id)

    assert "cancel the whole order" in answer.get_json()["error"]["message"]


def test_the_whole_cancel_of_a_partly_shipped_order_points_to_cancelling_the_rest(
    fake_shop, browser
):
    order_id = fake_shop.orders.add(browser.id, two_parcels()).order_id

    answer = fake_shop.app.test_client().post(
        "/api/v1/checkout?op=CANCEL",
        json={"orderID": order_id},
        headers=fake_shop.api_headers(fake_shop.users[browser.id]),
    )

    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert error["code"] == "already_shipped"
    assert "cancel the parcels that have not shipped" in error["message"]
    assert error["cancelUnshipped"] == f"/api/v1/orders/{order_id}/cancel-unshipped"


def test_a_refusal_by_the_workflow_is_passed_on(fake_shop, browser):
    order_id = fake_shop.orders.add(browser.id, two_parcels()).order_id
    fake_shop.order_client.unshipped_answer = Refused(
        RefusalKind.NOTHING_UNSHIPPED, "Every parcel has shipped."
    )

    answer = api_cancel_unshipped(fake_shop, browser.id, order_id)

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "nothing_unshipped"


def test_an_unreachable_order_system_is_a_503_that_changed_nothing(fake_shop, browser):
    order_id = fake_shop.orders.add(browser.id, two_parcels()).order_id
    fake_shop.order_client.unshipped_answer = Refused(
        RefusalKind.SERVICE_UNAVAILABLE, UNAVAILABLE, retry_after=5
    )

    answer = api_cancel_unshipped(fake_shop, browser.id, order_id)

    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert fake_shop.orders.find(browser.id, order_id).status == "PENDING"


def test_another_shoppers_order_looks_missing(fake_shop, browser):
    order_id = fake_shop.orders.add(browser.id, two_parcels()).order_id
    stranger = fake_shop.shopper()

    answer = api_cancel_unshipped(fake_shop, stranger.id, order_id)

    assert answer.status_code == 404
    assert fake_shop.order_client.calls == []


def test_a_shipment_the_workflow_has_not_heard_of_yet_is_a_503_to_retry(fake_shop, browser):
    """The row says shipped a moment before the parcel has told its order: try again."""
    order_id = fake_shop.orders.add(browser.id, two_parcels()).order_id
    fake_shop.order_client.unshipped_answer = Refused(
        RefusalKind.NOTHING_SHIPPED, "Nothing has shipped yet."
    )

    answer = api_cancel_unshipped(fake_shop, browser.id, order_id)

    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert "try again in a moment" in answer.get_json()["error"]["message"]
