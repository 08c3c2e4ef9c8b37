"""Operators' refunds of any order or line, with a reason (docs/returns.md)."""
