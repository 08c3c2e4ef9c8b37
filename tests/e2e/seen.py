"""What the eye sees, measured in the browser: colours as computed, boxes as laid out.

DOM checks (`to_be_visible`) pass for white text on a white field; these helpers read
the computed styles instead and apply the WCAG 2 contrast formula.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

PHONE = {"width": 390, "height": 844}

# The element's own colour and the first opaque background behind it (walking up).
_COLOURS_JS = """
el => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const raw = getComputedStyle(el).color;
  const color = parse(raw);
  let node = el, bg = null;
  while (node && node.nodeType === 1) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) { bg = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  return {color: color.slice(0, 3), background: bg || [255, 255, 255], raw: raw};
}
"""


def _luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: list[float], background: list[float]) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_contrast(element: Locator) -> tuple[float, dict]:
    """(WCAG contrast ratio, the colours) of an element's text against what is behind it."""
    colours = element.evaluate(_COLOURS_JS)
    assert len(colours["color"]) == 3, f"unreadable colour {colours['raw']!r}"
    return contrast_ratio(colours["color"], colours["background"]), colours


def unreadable_inputs(page: Page, minimum: float = 4.5) -> list[str]:
    """Every visible text-like input whose typed text would fall under `minimum`."""
    problems = []
    fields = page.locator(
        "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea"
    )
    for i in range(fields.count()):
        field = fields.nth(i)
        if not field.is_visible():
            continue
        ratio, colours = text_contrast(field)
        if ratio < minimum:
            name = field.get_attribute("name") or field.get_attribute("id") or f"#{i}"
            problems.append(f"{name}: {ratio:.2f}:1 {colours}")
    return problems


def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no sideways scroll)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def top_within_first_screen(element: Locator, page: Page) -> bool:
    """The element starts on the first screen with at least a line of it showing."""
    box = element.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 48) <= height
