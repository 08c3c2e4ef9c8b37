"""What happens when someone signs in, for the features that care (a blinker signal).

`log_in` (web/current_user.py) starts a fresh session, so nothing of the signed-out
session survives by accident (no session fixation). A feature that has something
to carry over, such as the cart a visitor filled before signing in (web/cart/guest.py),
listens to `signed_in` and gets the old session's contents once, in the request that
signed in: it can write to the account and flash a message on the new session.
Features never import auth, and auth never imports them.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; keyword arguments: user_id (int), previous (dict: the
# signed-out session's contents, read-only).
signed_in = _signals.signal("signed-in")
