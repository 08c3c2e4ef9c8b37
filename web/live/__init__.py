"""Live stock in the browser and the API: Server-Sent Events served by the ASGI app
(web/live/asgi.py) beside the Flask storefront, on the same origin. See docs/live-stock.md."""
