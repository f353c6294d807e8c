"""Load generators for `make bench`: wrk for steady load, a small asyncio client for the deadline spike.

The spike needs its own client: wrk stops at its deadline with requests in flight, which the
server may still commit, so "acknowledged = committed" could not be checked exactly. This client
sends nothing new after the deadline but waits for every answer.
"""

import asyncio
import json
import os
import statistics
import subprocess  # nosec B404 - runs wrk
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"


@dataclass
class Measurement:
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    errors: int = 0
    ok: int = 0
    acked: int = 0
    refused: int = 0
    other: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _lua_requests(requests: list[dict]) -> str:
    rows = []
    for r in requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r["headers"].items())
        body = "nil" if r.get("body") is None else _lua_string(r["body"])
        rows.append(
            f"{{method = {_lua_string(r['method'])}, path = {_lua_string(r['path'])}, "
            f"headers = {{{headers}}}, body = {body}}}"
        )
    return "return {\n" + ",\n".join(rows) + "\n}\n"


def wrk(
    port: int, requests: list[dict], *, seconds: int, connections: int, threads: int = 1, timeout: int = 60
) -> Measurement:
    """Run wrk over the requests for ``seconds`` (a closed loop: each connection waits for its answer)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as data:
        data.write(_lua_requests(requests))
    try:
        env = {**os.environ, "BENCH_REQUESTS": data.name, "BENCH_THREADS": str(threads)}
        out = subprocess.run(  # nosec B603 B607 - fixed arguments
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                f"--timeout={timeout}s",
                "-s",
                str(HERE / "scenario.lua"),
                f"http://{HOST}:{port}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(data.name)
    line = next((row for row in out.splitlines() if row.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    raw = json.loads(line[len("BENCH_JSON ") :])
    return Measurement(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=raw["errors"] + raw["timeouts"],
        ok=raw["ok"],
        acked=raw["acked"],
        refused=raw["refused"],
        other=raw["other"],
    )


# -- the spike --------------------------------------------------------------------------------------------


def _raw(port: int, request: dict) -> bytes:
    body = (request.get("body") or "").encode()
    lines = [
        f"{request['method']} {request['path']} HTTP/1.1",
        f"Host: {HOST}:{port}",
        *(f"{k}: {v}" for k, v in request["headers"].items()),
        f"Content-Length: {len(body)}",
        "Connection: close",
        "",
        "",
    ]
    return "\r\n".join(lines).encode("latin-1") + body


async def _send(port: int, raw: bytes, timeout: float) -> tuple[int, str]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        writer.write(raw)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    location = next((line.split(":", 1)[1].strip() for line in head[1:] if line.lower().startswith("location:")), "")
    return status, location


async def _spike(port: int, requests: list[dict], seconds: float, connections: int, timeout: float) -> Measurement:
    prepared = [_raw(port, r) for r in requests]
    result, latencies = Measurement(), []
    deadline = time.perf_counter() + seconds

    async def connection(index: int) -> None:
        position = index
        while time.perf_counter() < deadline:
            raw = prepared[position % len(prepared)]
            position += connections
            started = time.perf_counter()
            try:
                status, location = await _send(port, raw, timeout)
            except (OSError, asyncio.TimeoutError, IndexError, ValueError):
                result.errors += 1
                continue
            latencies.append(time.perf_counter() - started)
            if status == 302 and "/review/" not in location:
                result.acked += 1
            elif status == 302:
                result.refused += 1
            else:
                result.other += 1

    started = time.perf_counter()
    await asyncio.gather(*(connection(i) for i in range(connections)))
    result.seconds = time.perf_counter() - started
    result.requests = len(latencies)
    if latencies:
        latencies.sort()
        result.p50_ms = statistics.median(latencies) * 1000
        result.p99_ms = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
        result.max_ms = latencies[-1] * 1000
    return result


def spike(port: int, requests: list[dict], *, seconds: float, connections: int, timeout: float = 300) -> Measurement:
    """``connections`` clients submit back to back for ``seconds``, then every answer is awaited."""
    return asyncio.run(_spike(port, requests, seconds, connections, timeout))
