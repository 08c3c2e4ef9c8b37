"""The staff order desk (docs/staff.md): operators and admins look any order up by its
number or by the customer's email, read it whole and cancel it with a reason.

Modules: ports (what the use cases read and call, and the read model), use_cases (look
up, one order, cancel: once for pages and API), adapters (PostgreSQL, the order
workflow's `cancel` update), pages (/staff/orders), api (/api/v1/staff/orders), openapi.
"""
