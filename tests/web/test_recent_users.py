"""A valid bearer token's user is remembered for a few seconds, and only as it was."""

import pytest

from web.recent_users import RecentUsers

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_seen_a_moment_ago_is_known_without_asking_the_database():
    clock = Clock()
    recent = RecentUsers(10, clock=clock)
    recent.remember(7, "fp", "ada")

    clock.now += 9.9

    assert recent.get(7, "fp") == "ada"


def test_after_the_window_the_database_is_asked_again():
    clock = Clock()
    recent = RecentUsers(10, clock=clock)
    recent.remember(7, "fp", "ada")

    clock.now += 10

    assert recent.get(7, "fp") is None


def test_a_token_from_before_a_password_change_is_not_matched_by_the_new_one():
    recent = RecentUsers(10, clock=Clock())
    recent.remember(7, "new-password-fingerprint", "ada")

    assert recent.get(7, "old-password-fingerprint") is None


def test_zero_seconds_remembers_nothing():
    recent = RecentUsers(0, clock=Clock())
    recent.remember(7, "fp", "ada")

    assert recent.get(7, "fp") is None


def test_while_paused_nobody_is_remembered_until_everyone_is_forgotten_again():
    recent = RecentUsers(10, clock=Clock())
    recent.remember(7, "fp", "ada")

    recent.pause()  # the revocation messages stopped
    recent.remember(8, "fp", "bob")
    assert recent.get(7, "fp") is None and recent.get(8, "fp") is None

    recent.forget_everyone()  # they flow again
    recent.remember(8, "fp", "bob")
    assert recent.get(8, "fp") == "bob"
