"""Many shoppers, few units: the reserve activity never oversells, whatever the timing."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.exceptions import ApplicationError

from activities.checkout import CheckoutActivities
from db.postgres.engine import make_engine, make_session_factory
from domain.checkout import to_iso
from domain.stock import Line
from payments.sandbox import SandboxGateway
from tests.payments.vault import TEST_SEALER
from workflows.checkout_messages import ReleaseRequest, ReserveRequest

pytestmark = pytest.mark.integration
ITEM = 910002
UNITS = 20
SHOPPERS = UNITS + 50


@pytest.fixture
def crowded(stack_settings, shop):
    """The shop's activities on a pool big enough for every shopper to hold a connection at once."""
    engine = make_engine(stack_settings.database_url, pool_size=SHOPPERS, max_overflow=0)
    sessions = make_session_factory(engine)
    shop.set_stock(ITEM, UNITS)
    yield CheckoutActivities(sessions, SandboxGateway(sessions, TEST_SEALER))
    engine.dispose()


def test_with_s_units_and_s_plus_50_shoppers_exactly_s_get_one_and_the_rest_are_told_sold_out(
    crowded, shop, assert_invariants
):
    start = threading.Barrier(SHOPPERS)
    expires = to_iso(datetime.now(UTC) + timedelta(minutes=5))

    def shopper(_: int) -> tuple[str, str]:
        checkout = f"co-crowd-{uuid.uuid4().hex}"
        start.wait()
        try:
            crowded.reserve(ReserveRequest(checkout, (Line(ITEM, 1),), expires))
            return checkout, "held"
        except ApplicationError as error:
            assert error.type == "OutOfStock" and error.details == (
                {"itemID": ITEM, "asked": 1, "left": 0},
            )
            return checkout, "sold out"

    with ThreadPoolExecutor(max_workers=SHOPPERS) as pool:
        outcomes = list(pool.map(shopper, range(SHOPPERS)))

    winners = [checkout for checkout, outcome in outcomes if outcome == "held"]
    assert len(winners) == UNITS and len(outcomes) - len(winners) == 50
    assert shop.stock(ITEM) == 0
    assert (
        shop.scalar(
            "SELECT count(*) FROM reservations WHERE item_id = :i AND state = 'HELD'", i=ITEM
        )
        == UNITS
    )
    assert_invariants()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(
            pool.map(lambda checkout: crowded.release(ReleaseRequest(checkout)), winners + winners)
        )

    assert shop.stock(ITEM) == UNITS
    assert_invariants()
