"""In-memory fakes of the web use cases' ports, one module per port group.

Each fake has a contract test (tests/fakes/test_*_contract.py) that runs the same
scenarios against it and against the real adapter on the embedded stack (marked
integration), so the fast layer's answers are the real parts' answers.
"""
