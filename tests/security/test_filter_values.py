"""Every special character of Typesense's filter syntax, anywhere in a brand or category
value, stays part of that one value: nothing widens the filter (on the real engine).

A trailing backslash used to escape the closing backtick, so `brand=A\\` beside
`brand=x,Vertex` returned Vertex's items.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.web, pytest.mark.integration]

SPECIAL = list("\\`,[]()&|:=!<>*\"'{}.-_ ") + ["&&", "||", "\\`", "\\\\"]
REAL_BRAND = "SoundMax"


@pytest.fixture
def client(make_security_app, security_catalogue):
    return make_security_app().test_client()


def found(client, **params) -> set[int] | None:
    answer = client.get("/api/v1/items", query_string={"limit": 100, **params})
    if answer.status_code == 400:  # refused outright: nothing widened either
        return None
    assert answer.status_code == 200, answer.get_json()
    return {item["itemID"] for item in answer.get_json()["items"]}


def exactly(items, field: str, values) -> set[int]:
    return {i.id for i in items if getattr(i, field) in values}


@pytest.mark.parametrize("special", SPECIAL, ids=[f"U+{ord(c[0]):04X}x{len(c)}" for c in SPECIAL])
@pytest.mark.parametrize("where", ["end", "start", "middle"])
@pytest.mark.parametrize("field", ["brand", "category"])
def test_a_special_character_in_a_value_never_widens_the_filter(
    client, security_catalogue, special, where, field
):
    hostile = {"end": f"A{special}", "start": f"{special}A", "middle": f"A{special}B"}[where]
    # The finding's shape: the hostile value first, then values that look like more syntax.
    values = [hostile, f"x,{REAL_BRAND}", f"x`,`{REAL_BRAND}", f"x]||{field}:=[{REAL_BRAND}"]
    if field == "category":
        values = values[:1]  # one category at a time

    ids = found(client, **{field: values})

    assert ids is None or ids == exactly(security_catalogue, field, values), (
        f"{field}={values!r} matched {sorted(ids or ())}"
    )


@pytest.mark.parametrize("special", SPECIAL, ids=[f"U+{ord(c[0]):04X}x{len(c)}" for c in SPECIAL])
def test_a_hostile_value_beside_a_real_brand_adds_nothing(client, security_catalogue, special):
    values = [f"A{special}", REAL_BRAND]
    ids = found(client, brand=values)
    assert ids is None or ids == exactly(security_catalogue, "brand", [REAL_BRAND])


def test_the_trailing_backslash_of_the_finding(client, security_catalogue):
    ids = found(client, brand=["A\\", "x,Vertex", "SoundMax"])
    assert ids is None or ids == exactly(security_catalogue, "brand", ["SoundMax"])
