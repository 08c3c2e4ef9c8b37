"""`python -m entrypoints ...` is the `shopflow` command."""

from entrypoints.cli import main

main()
