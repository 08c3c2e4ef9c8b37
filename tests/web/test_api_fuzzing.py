"""Schemathesis fuzzes every /api/v1 operation of the live test app (WSGI, on the session's
real PostgreSQL, Redis, Typesense and Temporal server, with a real checkout worker and
the demo catalogue), generating valid and invalid requests from the OpenAPI document,
signed in as a shopper whose cart holds an item. Two checks on every answer: never a
5xx, and every documented answer matches its documented schema.

Budget: FUZZ_EXAMPLES examples per operation (and schemathesis' own coverage cases),
sized to finish in a few minutes on two cores. After the run, every checkout it began is
cancelled so nothing stays held, and I1-I3 must hold.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.web.checkout_calls import register_api_shopper

pytestmark = [pytest.mark.web, pytest.mark.integration]

FUZZ_EXAMPLES = 25
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzzed_app(stack_settings, demo_catalog, checkout_worker):
    from entrypoints.web_services import build_web_app

    # The session's settings keep every abuse limit out of the way (tests/conftest.py):
    # schemathesis asks for tokens with made-up passwords many times.
    app = build_web_app(stack_settings)
    app.config["TESTING"] = True
    yield app
    checkout_worker.end_checkouts(stack_settings.task_queue)
    app.extensions["shopflow"].close()


@pytest.fixture(scope="module")
def api_schema(fuzzed_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)


@pytest.fixture(scope="module")
def shopper_headers(fuzzed_app, demo_catalog) -> dict[str, str]:
    plentiful = next(item for item in demo_catalog if item.total_stock >= 50)
    return register_api_shopper(fuzzed_app.test_client(), {plentiful.id: 1}).headers


REVOKING = {"/api/v1/auth/sign-out-everywhere", "/api/v1/auth/password"}


def operations() -> list[tuple[str, str]]:
    from web.openapi import document

    return [(method, path) for path, item in document()["paths"].items() for method in item]


# One test per operation, its cases drawn by hypothesis from schemathesis' strategies
# (valid and invalid requests alike). Schemathesis' own pytest plugin is not used: it
# does not run under pytest 9.2 (it sets Function._nodeid, which pytest no longer has).
@pytest.mark.parametrize(("method", "path"), operations(), ids=lambda v: v)
def test_no_request_makes_the_api_fail_or_break_its_schema(
    api_schema, fuzzed_app, shopper_headers, method, path
):
    operation = api_schema[path][method.upper()]
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        # These end every token of the account: each call gets a shopper of its own.
        headers = (
            register_api_shopper(fuzzed_app.test_client()).headers
            if path in REVOKING
            else shopper_headers
        )
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()


def test_the_fuzzing_left_stock_consistent(
    fuzzed_app, assert_invariants, checkout_worker, stack_settings
):
    checkout_worker.end_checkouts(stack_settings.task_queue)

    assert_invariants()
