"""The waiting room, as the web sees it (docs/waiting-room.md).

use_cases        enter (BEGIN for a cart holding an item with a waiting room: join, or
                 begin with an admission) and status; used by checkout's BEGIN through
                 its `WaitingRoomDoor` port, the pages, the API and the ticket stream
adapters        the use cases' ports on Redis, PostgreSQL and Temporal
workflow_client  start the item's WaitingRoomWorkflow; switch an item's waiting room on or off
pages            the waiting page and the staff page `/staff/waiting-rooms`
api, json        the JSON routes and a ticket's shape
cli              `shopflow items hot <itemID> --on|--off`
"""
