"""The waiting room for hot items, as the web sees it (docs/waiting-room.md).

gate        BEGIN for a cart holding a hot item: join the line, or begin with an
            admitted ticket (used by /api/v1/checkout and the cart page)
gatekeeper  start the item's WaitingRoomWorkflow; switch an item hot or back
routes      the waiting page and the staff page `/staff/hot-items`
cli         `shopflow items hot ITEM_ID --on|--off`
"""
