"""What a shopper is told when they cancel, in the browser and through the API, for every
answer the cancel use case can give (web/orders/use_cases.py), on the fakes: the order
workflow's answer is scripted (tests/fakes/orders.py's FakeOrderClient).

The races (cancel against pay, against a shipment) and the stock and refund that follow a
cancel need the real workflow: tests/web/test_orders_cancel_api.py and _pages.py."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import pytest

from domain.refusals import RefusalKind
from tests.fakes.orders import order_view
from tests.web.shoppers import HTMX
from web.orders.errors import CLOSED_MESSAGE, NOT_READY, STILL_WORKING, UNAVAILABLE
from web.orders.ports import WorkflowGone
from web.refusals import Refused
from web.suborder_reads import SuborderRow

pytestmark = pytest.mark.web

NOW = datetime.now(UTC)


def parcel(status: str) -> SuborderRow:
    return SuborderRow("o-S1", "o", 1, "Seattle", "Seattle, WA, US", status, NOW, NOW, None, {}, ())


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def browser(fake_shop):
    return fake_shop.shopper()


@pytest.fixture
def pending(fake_shop, browser) -> str:
    return fake_shop.orders.add(browser.id, order_view(NOW)).order_id


def api_cancel(fake_shop, user, order_id):
    return fake_shop.app.test_client().post(
        "/api/v1/checkout?op=CANCEL",
        json={"orderID": order_id},
        headers=fake_shop.api_headers(user),
    )


def test_a_cancel_the_workflow_accepts_answers_the_cancelled_order(fake_shop, browser, pending):
    answer = browser.post(f"/orders/{pending}/cancel", htmx=True)

    assert answer.status_code == 200
    assert 'data-status="CANCELLED"' in html(answer) and 'data-test="order-cancelled"' in html(
        answer
    )
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert fake_shop.order_client.calls == [(browser.id, pending)]


def test_without_javascript_a_cancel_goes_back_to_the_order_page(browser, pending):
    answer = browser.post(f"/orders/{pending}/cancel")

    assert answer.status_code == 303 and answer.headers["Location"] == f"/orders/{pending}"


def test_the_api_answers_the_cancelled_order(fake_shop, pending):
    answer = api_cancel(fake_shop, fake_shop.users[min(fake_shop.users)], pending)

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] == "CANCELLED" and answer.get_json()["orderID"] == pending
    assert answer.headers["Cache-Control"] == "private, no-store"


def test_cancelling_twice_answers_the_cancelled_order_without_asking_again(
    fake_shop, browser, pending
):
    browser.post(f"/orders/{pending}/cancel", htmx=True)
    again = browser.post(f"/orders/{pending}/cancel", htmx=True)

    assert again.status_code == 200 and 'data-status="CANCELLED"' in html(again)
    assert len(fake_shop.order_client.calls) == 1


def test_a_shipped_parcel_is_refused_at_once_without_asking_the_workflow(fake_shop, browser):
    order = fake_shop.orders.add(browser.id, order_view(NOW, suborders=(parcel("SHIPPED"),)))

    page = browser.post(f"/orders/{order.order_id}/cancel", htmx=True)
    api = api_cancel(fake_shop, fake_shop.users[browser.id], order.order_id)

    assert page.status_code == 409 and 'data-test="order-notice"' in html(page)
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "already_shipped"
    assert fake_shop.order_client.calls == []


def test_a_delivered_order_cannot_be_cancelled(fake_shop, browser):
    order = fake_shop.orders.add(browser.id, order_view(NOW, status="DELIVERED"))

    api = api_cancel(fake_shop, fake_shop.users[browser.id], order.order_id)

    assert api.status_code == 409 and api.get_json()["error"]["code"] == "delivered"
    assert "delivered" in api.get_json()["error"]["message"]


def test_the_workflows_own_refusal_is_a_409_with_its_code_and_words(fake_shop, browser, pending):
    fake_shop.order_client.answer = Refused(RefusalKind.ALREADY_SHIPPED, "A parcel has just left.")

    page = browser.post(f"/orders/{pending}/cancel", htmx=True)
    api = api_cancel(fake_shop, fake_shop.users[browser.id], pending)

    assert page.status_code == 409 and "A parcel has just left." in html(page)
    assert api.status_code == 409
    assert api.get_json()["error"] == {
        "code": "already_shipped",
        "message": "A parcel has just left.",
    }


@pytest.mark.parametrize(
    ("answer", "status", "code", "words"),
    [
        (WorkflowGone(started=True), 409, "order_closed", CLOSED_MESSAGE),
        (WorkflowGone(started=False), 503, "service_unavailable", NOT_READY),
        (Refused(RefusalKind.SERVICE_UNAVAILABLE, UNAVAILABLE, retry_after=5), 503,
         "service_unavailable", UNAVAILABLE),
        (Refused(RefusalKind.SERVICE_UNAVAILABLE, STILL_WORKING, retry_after=5), 503,
         "service_unavailable", STILL_WORKING),
    ],
)  # fmt: skip
def test_no_workflow_to_ask_or_no_answer_says_what_the_shopper_can_do(
    fake_shop, browser, pending, answer, status, code, words
):
    fake_shop.order_client.answer = answer

    page = browser.post(f"/orders/{pending}/cancel", htmx=True)
    api = api_cancel(fake_shop, fake_shop.users[browser.id], pending)

    assert page.status_code == status and words in html(page)
    assert 'data-test="cancel-order"' in html(page)  # still PENDING: they may try again
    assert api.status_code == status
    assert api.get_json()["error"] == {"code": code, "message": words}
    if status == 503:
        assert api.headers["Retry-After"] == "5"


def test_another_shoppers_order_is_a_404_and_its_workflow_is_never_asked(fake_shop, pending):
    mallory = fake_shop.shopper()

    assert mallory.post(f"/orders/{pending}/cancel", htmx=True).status_code == 404
    assert api_cancel(fake_shop, fake_shop.users[mallory.id], pending).status_code == 404
    assert mallory.get(f"/orders/{pending}/progress", htmx=True).status_code == 404
    assert fake_shop.order_client.calls == []


def test_the_workflow_saying_not_yours_is_a_404_too(fake_shop, browser, pending):
    fake_shop.order_client.answer = Refused(RefusalKind.NOT_FOUND, "We couldn't find that order.")

    assert browser.post(f"/orders/{pending}/cancel", htmx=True).status_code == 404


def test_cancelling_needs_the_pages_csrf_token(fake_shop, browser, pending):
    forged = browser.client.post(f"/orders/{pending}/cancel", headers=HTMX)
    wrong = browser.client.post(
        f"/orders/{pending}/cancel", headers={**HTMX, "X-CSRF-Token": browser.csrf[:-2] + "xx"}
    )

    assert forged.status_code == 403 and wrong.status_code == 403
    assert fake_shop.order_client.calls == []
    assert 'data-status="PENDING"' in html(browser.get(f"/orders/{pending}"))


def test_the_progress_fragment_stops_polling_once_nothing_will_change(fake_shop, browser, pending):
    delivered = fake_shop.orders.add(browser.id, order_view(NOW, status="DELIVERED")).order_id

    assert browser.get(f"/orders/{pending}/progress", htmx=True).status_code == 200
    assert browser.get(f"/orders/{delivered}/progress", htmx=True).status_code == 286
    assert browser.get(f"/orders/{delivered}/progress").status_code == 200  # a whole page


@pytest.mark.parametrize(
    ("body", "status", "wanted"),
    [
        (b"{oops", 400, "not valid JSON"),
        (b"[]", 400, "JSON object"),
        (b'{"orderID": null}', 400, "orderID is required"),
        (b'{"orderID": ""}', 400, "orderID must not be empty"),
        (b'{"orderID": "   "}', 400, "orderID must not be empty"),
        (b'{"orderID": 42}', 400, "orderID must be a string"),
        (b'{"orderID": ["a"]}', 400, "orderID must be a string"),
        (b'{"orderID": "abc", "checkoutID": "abc"}', 400, "not both"),
        (b'{"orderID": "' + b"f" * 32 + b'"}', 404, "couldn't find that order"),
        (b'{"orderID": "../../etc/passwd"}', 404, "couldn't find that order"),
        (b'{"orderID": "' + b"x" * 300 + b'"}', 404, "couldn't find that order"),
        (b'{"orderID": "a\\u0000b"}', 400, "characters we can't accept"),
    ],
)
def test_a_bad_cancel_body_is_a_4xx_with_a_message(fake_shop, body, status, wanted):
    answer = fake_shop.app.test_client().post(
        "/api/v1/checkout?op=CANCEL",
        data=body,
        content_type="application/json",
        headers=fake_shop.api_headers(),
    )

    assert answer.status_code == status
    assert wanted in answer.get_json()["error"]["message"]
    assert fake_shop.order_client.calls == []


def test_another_shoppers_order_reads_exactly_like_a_missing_one(fake_shop, pending):
    mallory = fake_shop.api_headers()
    client = fake_shop.app.test_client()

    answer = client.get(f"/api/v1/orders/{pending}", headers=mallory)
    missing = client.get(f"/api/v1/orders/{'f' * 32}", headers=mallory)

    assert answer.status_code == missing.status_code == 404
    assert answer.get_json()["error"]["code"] == missing.get_json()["error"]["code"]
    assert "Ada" not in answer.get_data(as_text=True)  # nothing of the order leaks
