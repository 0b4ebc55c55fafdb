#!/usr/bin/env python3
"""Sign-in flood: memory of a Suqiu server under many concurrent sign-ins.

Starts `suqiu serve --demo` on a fresh SQLite database in a temp dir, sends N sign-ins at
concurrency C, and reports the answers by status and the server's memory from
/proc/<pid>/status (VmRSS before, VmHWM = peak, VmRSS after). Two kinds of sign-in:

  unknown   usernames that do not exist (no account needed: anyone can send these), each
            from its own client address (the server runs with --trusted-proxy 127.0.0.1 and
            the script sends X-Forwarded-For), so the per-address limit does not stop them
            and every one costs a password hash: the worst case for hashing memory;
  correct   the demo user's right password (fzq / suqiu-demo).

    python3 scripts/signin-flood.py --bin target/release/suqiu --kind unknown
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mem(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) // 1024  # MiB
    return out


def wait_ready(port, proc, timeout=300):
    start = time.time()
    while time.time() - start < timeout:
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("server not ready")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/suqiu")
    ap.add_argument("--kind", choices=["unknown", "correct"], default="unknown")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=128)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="suqiu-flood-")
    port = free_port()
    log = open(os.path.join(tmp, "server.log"), "w")
    proc = subprocess.Popen(
        [args.bin, "serve", "--demo", "--no-background-jobs",
         "--listen", f"127.0.0.1:{port}",
         "--database", f"sqlite://{tmp}/suqiu.db",
         "--trusted-proxy", "127.0.0.1"],
        stdout=log, stderr=log)
    try:
        wait_ready(port, proc)
        time.sleep(1)
        before = mem(proc.pid)
        peak_rss = [before["VmRSS"]]
        done = threading.Event()

        def sample():
            while not done.is_set():
                try:
                    peak_rss[0] = max(peak_rss[0], mem(proc.pid)["VmRSS"])
                except OSError:
                    return
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        local = threading.local()

        def one(i):
            if args.kind == "unknown":
                body = {"username": f"nobody{i}", "password": "guess-123456"}
            else:
                body = {"username": "fzq", "password": "suqiu-demo"}
            headers = {"Content-Type": "application/json",
                       "X-Forwarded-For": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"}
            for _ in range(2):
                try:
                    if getattr(local, "conn", None) is None:
                        local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    local.conn.request("POST", "/api/v1/session", json.dumps(body), headers)
                    res = local.conn.getresponse()
                    res.read()
                    return res.status
                except (OSError, http.client.HTTPException):
                    local.conn = None
            return "error"

        start = time.time()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            statuses = Counter(pool.map(one, range(args.requests)))
        elapsed = time.time() - start
        done.set()
        sampler.join()
        time.sleep(2)
        after = mem(proc.pid)
        print(json.dumps({
            "kind": args.kind,
            "requests": args.requests,
            "concurrency": args.concurrency,
            "seconds": round(elapsed, 1),
            "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
            "rss_before_mib": before["VmRSS"],
            "rss_peak_sampled_mib": peak_rss[0],
            "vm_hwm_mib": after["VmHWM"],
            "rss_after_mib": after["VmRSS"],
        }, indent=2))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
