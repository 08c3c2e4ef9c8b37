"""The warehouse portal: warehouse workers see their warehouses' queues of suborders,
mark them shipped / delivered (through the suborder's Temporal workflow) and record
restocks; operators and admins see every warehouse (domain/roles.py).

Modules: use_cases (what the pages and the API do, with its ports and outcomes),
corrections (stock corrected down with a reason, docs/staff.md),
adapters (the real ports: PostgreSQL, the Redis queue stream, Temporal, restock),
parsing (ids, statuses, limits, cursors and form fields), pages (the browser), api
(/api/v1/warehouses), openapi (its OpenAPI piece).
"""
