"""Accounts: register, sign in and out (browser and API).

Who is asking is shared by every feature, so it lives in web/current_user.py:

    from web.current_user import current_user, login_required, api_login_required, permission_required

* `current_user()` -> `CurrentUser(id, email, role, warehouses)` or None. Pages: session cookie;
  /api: `Authorization: Bearer <token>` only.
* `@login_required` (pages) redirects to /login?next=<here>; htmx gets HX-Redirect.
* `@api_login_required` answers 401 JSON with `WWW-Authenticate: Bearer`.
* `@permission_required(Permission.X)` also insists that the account's role grants X
  (domain/roles.py; 403 otherwise).

Modules: accounts (rules, hashing, register/authenticate), pages (the browser pages),
api (tokens and sign-up over JSON), cli (`shopflow users create`). API bearer tokens
are web/api_tokens.py; the per-process memory of token users is web/recent_users.py.
"""
