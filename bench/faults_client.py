"""The client of the `faults` benchmark: threads sending the mixed workload (scans, searches,
event writes) to the production server, each answer recorded with its status, time and
Retry-After, and the faults with the moments they began and ended."""

from __future__ import annotations

import http.client
import json
import random
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.mixed import HTML_SHARE
from bench.mixed import MIX
from bench.mixed_setup import Workload

CLIENT_THREADS = 6
CLIENT_TIMEOUT_S = 10


@dataclass
class Answer:
    """One request as the client saw it."""

    at: float  # seconds since the run started, when the answer (or error) came
    kind: str  # scan | search | event
    status: int | None  # None: no HTTP answer
    error: str = ""  # socket | timeout
    retry_after: bool = False


@dataclass
class Fault:
    """A fault injected into the run: what, and when it started and ended (run seconds)."""

    name: str
    started: float
    ended: float


class Client(threading.Thread):
    """Sends the mixed workload over one keep-alive connection until told to stop."""

    def __init__(self, base_url: str, workload: Workload, epoch: float, stop: threading.Event):
        super().__init__(daemon=True)
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.tags = workload.lines("tags")
        self.searches = workload.lines("searches")
        self.components = workload.lines("components")
        self.buyer = f"Bearer {workload.buyer_token}"
        self.contractor = f"Bearer {workload.contractor_token}"
        self.epoch, self.stop = epoch, stop
        self.answers: list[Answer] = []
        self.random = random.Random()

    def _request(self) -> tuple[str, str, str, dict, bytes | None]:
        roll = self.random.random()
        if roll < MIX["scan"]:
            html = self.random.random() < HTML_SHARE
            accept = "text/html" if html else "application/json"
            return "scan", "GET", f"/t/{self.random.choice(self.tags)}", {"Accept": accept}, None
        if roll < MIX["scan"] + MIX["search"]:
            headers = {"Accept": "application/json", "Authorization": self.buyer}
            return "search", "GET", self.random.choice(self.searches), headers, None
        body = json.dumps({"kind": "note", "notes": "faults benchmark"}).encode()
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": self.contractor,
            "Idempotency-Key": f"faults-{secrets.token_hex(12)}",
        }
        path = f"/api/v1/components/{self.random.choice(self.components)}/events"
        return "event", "POST", path, headers, body

    def run(self) -> None:
        conn = None
        while not self.stop.is_set():
            kind, method, path, headers, body = self._request()
            if conn is None:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=CLIENT_TIMEOUT_S)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                answer = Answer(
                    time.monotonic() - self.epoch,
                    kind,
                    response.status,
                    retry_after=response.getheader("Retry-After") is not None,
                )
                if response.will_close:
                    conn.close()
                    conn = None
            except TimeoutError:
                answer = Answer(time.monotonic() - self.epoch, kind, None, "timeout")
                conn.close()
                conn = None
            except (OSError, http.client.HTTPException):
                answer = Answer(time.monotonic() - self.epoch, kind, None, "socket")
                conn.close()
                conn = None
            self.answers.append(answer)
        if conn is not None:
            conn.close()
