"""The storefront: a Flask app factory in the style of the Flask tutorial.

`create_app(settings, services=...)` takes the service clients (PostgreSQL, Redis,
Typesense), built once at start-up by the composition root (entrypoints/web_services.py)
or faked by tests, and registers one blueprint per feature. Add a feature by
writing `web/<feature>/` (`pages.py`, `api.py`, each with a `bp`) and listing its
blueprints in `_feature_blueprints`.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from settings import PROJECT_ROOT, Settings, require_safe_secrets
from web.csrf import init_csrf
from web.errors import register_error_handlers
from web.formatting import register_filters
from web.headers import register_security_headers
from web.input_guard import init_input_guard
from web.limits import init_limits
from web.metrics import init_request_metrics
from web.pictures import picture_of
from web.request_id import init_request_id
from web.services import EXTENSION_KEY, Services
from web.tracing import init_tracing


def create_app(settings: Settings, *, services: Services) -> Flask:
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
    if settings.trusted_proxy_count:
        # Behind N proxies, believe their X-Forwarded-* (the client's address for the limits,
        # the scheme for URLs). At 0 the headers are ignored: the socket's peer is the client.
        n = settings.trusted_proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)
    app.json.sort_keys = False  # keep documented field order: itemID, name, price, ...
    app.extensions[EXTENSION_KEY] = services
    Htmx(app)  # request.htmx; HX-* response headers through htmx_flask.make_response
    # First: every later hook (CSRF, limits) logs with the request id, and is timed.
    init_request_id(app)
    init_request_metrics(app)
    init_tracing(app)
    init_csrf(app)  # before the blueprints' own before_request hooks
    init_input_guard(app)
    _refuse_unknown_parameters(app)
    init_limits(app, settings)

    for blueprint in _feature_blueprints():
        app.register_blueprint(blueprint)
    _plug_in_features(app)

    register_filters(app)
    register_error_handlers(app)
    register_security_headers(app, settings)  # cookie flags too
    app.jinja_env.globals["store_name"] = "shopflow"
    app.jinja_env.globals["picture_of"] = picture_of  # templates/shared/picture.html
    return app


def _refuse_unknown_parameters(app: Flask) -> None:
    # The OpenAPI document lists each operation's query parameters; nothing else passes.
    from web.openapi import document
    from web.query_parameters import init_known_parameters

    init_known_parameters(app, document()["paths"])


def _plug_in_features(app: Flask) -> None:
    # Where one feature answers for another (features never import each other).
    from web import order_cancel, ticket_access
    from web.orders.api import cancel_order_answer
    from web.waiting_room.adapters import ticket_refusal

    order_cancel.plug_in(app, cancel_order_answer)
    ticket_access.plug_in(app, ticket_refusal)


def _feature_blueprints() -> list[Blueprint]:
    # Imported here so that importing `web` alone (e.g. for Services) stays cheap.
    # Each feature's pages and JSON routes sit side by side in web/<feature>/.
    from web.account import api as account_api
    from web.account import pages as account_pages
    from web.auth import api as auth_api
    from web.auth import pages as auth_pages
    from web.auth.password_reset import api as password_reset_api
    from web.auth.password_reset import pages as password_reset_pages
    from web.cart import api as cart_api
    from web.cart import pages as cart_pages
    from web.checkout import api as checkout_api
    from web.checkout import pages as checkout_pages
    from web.codec import bp as codec
    from web.home import pages as home_pages
    from web.items import pages as items_pages
    from web.mail import pages as mail_pages
    from web.media import pages as media_pages
    from web.openapi import bp as api_docs
    from web.ops import api as ops_api
    from web.orders import api as orders_api
    from web.orders import pages as orders_pages
    from web.recommendations import api as recommendations_api
    from web.recommendations import pages as recommendations_pages
    from web.reviews import api as reviews_api
    from web.reviews import pages as reviews_pages
    from web.search import api as search_api
    from web.search import pages as search_pages
    from web.staff_orders import api as staff_orders_api
    from web.staff_orders import pages as staff_orders_pages
    from web.waiting_room import api as waiting_room_api
    from web.waiting_room import pages as waiting_room_pages
    from web.warehouses import api as warehouses_api
    from web.warehouses import pages as warehouses_pages

    return [
        home_pages.bp,
        search_pages.bp,
        items_pages.bp,
        media_pages.bp,
        auth_pages.bp,
        cart_pages.bp,
        checkout_pages.bp,
        orders_pages.bp,
        warehouses_pages.bp,
        auth_api.bp,
        cart_api.bp,
        search_api.bp,
        checkout_api.bp,
        orders_api.bp,
        warehouses_api.bp,
        api_docs,
        codec,
        account_pages.bp,
        account_api.bp,
        recommendations_pages.bp,
        recommendations_api.bp,
        waiting_room_pages.bp,
        waiting_room_api.bp,
        ops_api.bp,
        mail_pages.bp,
        password_reset_pages.bp,
        password_reset_api.bp,
        staff_orders_pages.bp,
        staff_orders_api.bp,
        reviews_pages.bp,
        reviews_api.bp,
    ]
