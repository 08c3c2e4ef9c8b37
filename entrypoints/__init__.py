"""The composition root: the one place that turns `Settings` into running processes.

Everything that builds real clients and hands them down lives here, so the layers
below stay importable on their own (checked by the import-linter contracts in
pyproject.toml):

- `runtime.py`   settings with concrete service URLs (the environment's, else, in dev
                 with none set, the embedded stack's under var/), resolved once per
                 command, on first use
- `cli.py`       the `shopflow` command: every feature's click group, imported lazily
- `run.py`       `shopflow run` (stack + migrations + demo catalogue + worker + web)
                 and `shopflow web`
- `gunicorn.py`  the one gunicorn command line (`shopflow web`, `shopflow run`,
                 Docker, benchmarks)
- `worker.py`    the Temporal worker: which workflows and activities it runs, built
                 on which clients
- `replay_check.py`  at worker start, the open workflows today's code can no longer
                 replay, said plainly
"""
