"""Accounts: register, sign in and out (browser and API), and who-is-asking helpers.

What other blueprints use:

    from web.auth import current_user, login_required, api_login_required, permission_required

* `current_user()` -> `CurrentUser(id, email, role, warehouses)` or None. Pages: session cookie;
  /api: `Authorization: Bearer <token>` only.
* `@login_required` (pages) redirects to /login?next=<here>; htmx gets HX-Redirect.
* `@api_login_required` answers 401 JSON with `WWW-Authenticate: Bearer`.
* `@permission_required(Permission.X)` also insists that the account's role grants X
  (domain/roles.py; 403 otherwise).

Modules: accounts (rules, hashing, register/authenticate), current (the helpers
above), tokens (API bearer tokens), routes (the
browser pages), cli (`shopflow users create`).
"""

from web.auth.current import (
    CurrentUser,
    api_login_required,
    current_user,
    current_user_id,
    login_required,
    permission_required,
)

__all__ = [
    "CurrentUser",
    "api_login_required",
    "current_user",
    "current_user_id",
    "login_required",
    "permission_required",
]
