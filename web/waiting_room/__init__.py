"""The waiting room for hot items, as the web sees it (docs/waiting-room.md).

pages       the waiting page and the staff page `/staff/hot-items`
api         the tickets and the switch over JSON
cli         `shopflow items hot ITEM_ID --on|--off`

Shared with checkout and the live streams, so top-level modules: web/waiting_room_gate.py
(BEGIN for a cart holding a hot item: join the line, or begin with an admitted ticket),
web/waiting_room_gatekeeper.py (start the item's HotItemGateWorkflow; switch an item
hot or back) and web/waiting_room_json.py (a place in the line as JSON).
"""
