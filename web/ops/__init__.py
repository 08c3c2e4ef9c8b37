"""Operations endpoints: /livez, /readyz and /metrics (docs/operations.md)."""
