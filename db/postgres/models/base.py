"""The declarative base every model shares, its naming convention and column types."""

from __future__ import annotations

import enum

from sqlalchemy import DateTime, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

# Constraint names Alembic can compare and migrations can name (e.g. pk_orders).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def string_enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as VARCHAR + CHECK: adding a state later is a plain migration.
    return Enum(cls, name=name, native_enum=False, length=16, create_constraint=True)


def timestamptz() -> DateTime:
    return DateTime(timezone=True)
