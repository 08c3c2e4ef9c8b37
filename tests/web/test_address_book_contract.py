"""The address book's fake (tests/fakes/account.py) and its real adapter
(web/account/adapters.py over PostgreSQL) answer every scenario alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db.postgres.addresses import MAX_ADDRESSES, AddressBookFull

HOME = {
    "name": "Ada Shopper",
    "line1": "1 Main St",
    "line2": "Apt 4",
    "city": "Seattle",
    "postalCode": "98101",
    "country": "US",
}
BERLIN = {
    "name": "Ada Shopper",
    "line1": "Unter den Linden 1",
    "city": "Berlin",
    "postalCode": "10117",
    "country": "DE",
}


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("real", marks=pytest.mark.integration),
    ]
)
def world(request):
    """(book, new_user)."""
    if request.param == "fake":
        from itertools import count

        from tests.fakes.account import FakeAddressBook

        ids = count(1)
        return FakeAddressBook(), lambda: next(ids)
    from tests.web.contract_worlds import real_sessions, user_maker
    from web.account.adapters import SqlAddressBook

    sessions = real_sessions(request)
    return SqlAddressBook(sessions), user_maker(sessions)


def test_a_saved_address_reads_back_as_it_was_saved(world):
    book, new_user = world
    user = new_user()

    saved = book.create(user, HOME)
    berlin = book.create(user, BERLIN)

    assert saved.fields() == HOME and saved.last_used_at is None
    assert berlin.line2 == ""  # an absent line2 is an empty one
    assert book.find(user, saved.id) == saved
    assert [record.id for record in book.list(user)] == [berlin.id, saved.id]  # newest first


def test_the_last_used_comes_first(world):
    book, new_user = world
    user = new_user()
    first, second, third = (book.create(user, HOME) for _ in range(3))
    now = datetime.now(UTC).replace(microsecond=0)

    book.mark_used(user, first.id, now - timedelta(days=1))
    book.mark_used(user, second.id, now)
    used = book.create(user, BERLIN, used_at=now - timedelta(days=2))

    assert [r.id for r in book.list(user)] == [second.id, first.id, used.id, third.id]
    assert book.find(user, second.id).last_used_at == now


def test_update_and_delete_change_only_the_owners_address(world):
    book, new_user = world
    owner, intruder = new_user(), new_user()
    saved = book.create(owner, HOME)

    assert book.find(intruder, saved.id) is None
    assert book.update(intruder, saved.id, BERLIN) is None
    assert book.delete(intruder, saved.id) is False
    book.mark_used(intruder, saved.id, datetime.now(UTC))
    assert book.find(owner, saved.id) == saved and book.list(intruder) == []

    updated = book.update(owner, saved.id, BERLIN)
    assert updated.city == "Berlin" and book.find(owner, saved.id) == updated
    assert book.delete(owner, saved.id) is True
    assert book.find(owner, saved.id) is None and book.delete(owner, saved.id) is False


def test_odd_ids_are_simply_not_found(world):
    book, new_user = world
    user = new_user()

    for address_id in (0, -1, 2**63, 2**70):
        assert book.find(user, address_id) is None
        assert book.update(user, address_id, HOME) is None
        assert book.delete(user, address_id) is False


def test_a_full_book_refuses_one_more_and_keeps_what_it_has(world):
    book, new_user = world
    user = new_user()
    for _ in range(MAX_ADDRESSES):
        book.create(user, HOME)

    with pytest.raises(AddressBookFull):
        book.create(user, BERLIN)

    assert len(book.list(user)) == MAX_ADDRESSES
    assert book.create(new_user(), BERLIN).city == "Berlin"  # the limit is per shopper
