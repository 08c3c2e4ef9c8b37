"""The warehouse portal: staff see each warehouse's queue of suborders, mark them
shipped / delivered (through the suborder's Temporal workflow) and record restocks.

Modules: reads (PostgreSQL reads and the parsing of ids, statuses, cursors),
workflow_client (the confirm_shipped / confirm_delivered updates), operations (what
the pages and the API do), routes (the browser pages). The JSON API is
web/warehouses/api.py; the queue stream is db/redis/warehouse_queue.py; restock is
db/postgres/restock.py.
"""
