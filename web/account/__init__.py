"""The shopper's account page (`/account`): the address book, and a place for the
sessions list (sign out everywhere) beside it. The JSON API is web/account/api.py."""
