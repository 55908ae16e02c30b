"""The worker process a :class:`~netfinger.fleet.supervise.Supervisor` runs (``python -m``)."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

from netfinger.fleet.supervise import CHILD_ENV


def main() -> int:
    spec = json.loads(os.environ.pop(CHILD_ENV))
    os.dup2(2, 1)  # Celery's banner is chatter: stderr, like the rest of the worker's log
    kind, config = spec["kind"], spec["config"]
    if kind == "sensor":
        from netfinger.fleet.sensor import SensorConfig, run_worker

        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="netfinger sensor: %(message)s")
        cfg = SensorConfig(**{**config, "targets": tuple(config["targets"]),
                              "directory": Path(config["directory"])})  # fmt: skip
        return run_worker(cfg)
    from netfinger.fleet.ingest import IngestConfig
    from netfinger.fleet.ingest import run_worker as run_ingest_worker

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="netfinger fleet: %(message)s")
    return run_ingest_worker(IngestConfig(**{**config, "sites": tuple(config["sites"]),
                                             "alerts": dict(config.get("alerts") or {})}))


if __name__ == "__main__":
    sys.exit(main())
