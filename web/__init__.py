"""The storefront: a Flask app factory in the style of the Flask tutorial.

`create_app(settings)` builds the service clients (PostgreSQL, Redis, Typesense)
once, at start-up, and registers one blueprint per feature. Add a feature by
writing `web/<feature>.py` with a `bp` and listing it in `_feature_blueprints`.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from htmx_flask import Htmx

from settings import PROJECT_ROOT, Settings, require_safe_secrets
from web.csrf import init_csrf
from web.errors import register_error_handlers
from web.formatting import register_filters
from web.headers import register_security_headers
from web.input_guard import init_input_guard
from web.limits import init_limits
from web.services import EXTENSION_KEY, Services


def create_app(settings: Settings, *, services: Services | None = None) -> Flask:
    # Before anything is built: a public SECRET_KEY would let anyone forge a session.
    require_safe_secrets(settings)
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # Nothing the store accepts is anywhere near this; bigger bodies are refused (413).
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    app.json.sort_keys = False  # keep documented field order: itemID, name, price, ...
    app.extensions[EXTENSION_KEY] = services or Services.build(settings)
    Htmx(app)  # request.htmx; HX-* response headers through htmx_flask.make_response
    init_csrf(app)  # before the blueprints' own before_request hooks
    init_input_guard(app)
    init_limits(app, settings)

    for blueprint in _feature_blueprints():
        app.register_blueprint(blueprint)

    register_filters(app)
    register_error_handlers(app)
    register_security_headers(app, settings)  # cookie flags too
    app.jinja_env.globals["store_name"] = "shopflow"
    return app


def _feature_blueprints() -> list[Blueprint]:
    # Imported here so that importing `web` alone (e.g. for Services) stays cheap.
    from web import home, items, recommendations, search
    from web.account.routes import bp as account
    from web.api import bp as api
    from web.api.addresses import bp as api_addresses
    from web.api.checkout import bp as api_checkout
    from web.api.openapi import bp as api_docs
    from web.api.orders import bp as api_orders
    from web.api.recommendations import bp as api_recommendations
    from web.api.waiting_room import bp as api_waiting_room
    from web.api.warehouses import bp as api_warehouses
    from web.auth.routes import bp as auth
    from web.cart.routes import bp as cart
    from web.checkout.routes import bp as checkout
    from web.codec import bp as codec
    from web.orders.routes import bp as orders
    from web.waiting_room.routes import bp as waiting_room
    from web.warehouses.routes import bp as warehouses

    # The checkout and orders APIs are blueprints of their own (not routes on `api`) so
    # that every answer they give, errors included, is marked private, no-store.
    return [
        home.bp,
        search.bp,
        items.bp,
        auth,
        cart,
        checkout,
        orders,
        warehouses,
        api,
        api_checkout,
        api_orders,
        api_warehouses,
        api_docs,
        codec,
        account,
        api_addresses,
        recommendations.bp,
        api_recommendations,
        waiting_room,
        api_waiting_room,
    ]
