"""The deployment files use the real liveness signal and stop gracefully."""

from __future__ import annotations

import re
from pathlib import Path

DEPLOY = Path(__file__).parents[1] / "deploy"


def test_the_docker_healthcheck_asks_the_bot_not_python() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    check = re.search(r"HEALTHCHECK[^\n]*\\\n\s*CMD (.*)", dockerfile)
    assert check and '"bot.health"' in check.group(1) and "import bot" not in dockerfile


def test_kubernetes_probes_hit_healthz() -> None:
    manifest = (DEPLOY / "k8s" / "claimwatch.yaml").read_text()
    for probe in ("livenessProbe", "readinessProbe"):
        block = manifest.split(probe, 1)[1][:200]
        assert "path: /healthz" in block and "port: health" in block
    assert "containerPort: 8080, name: health" in manifest


def test_systemd_runs_the_watchdog() -> None:
    unit = (DEPLOY / "claimwatch.service").read_text()
    assert "Type=notify" in unit and re.search(r"^WatchdogSec=\d+", unit, re.MULTILINE)
    assert "NotifyAccess=main" in unit
