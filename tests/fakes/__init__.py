"""In-memory fakes of the web's ports, one module per port group, for the fast layer.

Each fake keeps the rules its real adapter keeps (the contract tests in
tests/web/test_*_contract.py run the same scenarios against both), so a web test on a
fake fails for the same reasons it would on the real stack.
"""
