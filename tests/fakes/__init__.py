"""In-memory fakes of the web features' ports, for the fast layer.

Each fake has a contract test (marked integration) that runs the same checks against
the real adapter, so a fake cannot drift from what production does:
tests/web/test_warehouse_contracts.py for tests/fakes/warehouses.py.
"""
