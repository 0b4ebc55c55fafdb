#!/usr/bin/env python3
# Issue 12 §1's reproduction against a suqiu binary (run as root): a 40 MB tmpfs, the demo district,
# a ballast file leaving ~6 MB, 8 clients posting appeals until a write fails and 3 s more, the
# ballast deleted and 3 s more; then every 201 looked up in the file, BEGIN IMMEDIATE tried beside
# the server, `suqiu check`. Usage: scripts/faults-repro.py target/debug/suqiu [serve options…]
# The suite's own test of the same is crates/suqiu/tests/faults.rs; see BENCHMARKS.md.
import json, os, socket, subprocess, sys, threading, time, urllib.request, urllib.error
exe = sys.argv[1]
work = f"/tmp/suqiu-faults-repro-{os.getpid()}"
mnt = f"{work}/mnt"
os.makedirs(mnt, exist_ok=True)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", mnt], check=True)
try:
    db = f"sqlite://{mnt}/d.db"
    subprocess.run([exe, "demo", "--appeals", "20", "--database", db], check=True, capture_output=True)
    st = os.statvfs(mnt); free = st.f_bavail * st.f_frsize
    with open(f"{mnt}/ballast", "wb") as f:
        left = free - 6 * 2**20
        while left > 0:
            n = min(left, 2**20); f.write(b"\1" * n); left -= n
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0)); port = sk.getsockname()[1]
    srv = subprocess.Popen([exe, "serve", "--listen", f"127.0.0.1:{port}", "--database", db] + sys.argv[2:],
                           stderr=open(f"{work}/server.log", "w"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/healthz"); break
        except Exception: time.sleep(0.1)
    def call(method, path, body=None, token=None):
        req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"content-type": "application/json", **({"authorization": "Bearer " + token} if token else {})})
        try:
            r = urllib.request.urlopen(req); return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")
    _, s = call("POST", "/api/v1/session", {"username": "fzq", "password": "suqiu-demo"})
    token, org = s["token"], s["user"]["org_unit_id"]
    out = []; stop = False; lock = threading.Lock()
    def writer(w):
        i = 0
        while not stop:
            i += 1
            st, v = call("POST", "/api/v1/appeals", {"appellant": {"name": "测试居民", "phone": "13800138000"}, "org_unit_id": org,
                   "channel": "walk_in", "kind": "help", "category": "public_facilities", "urgency": "normal",
                   "content": f"写入者{w}第{i}条：楼道灯坏了" + "说明" * 40}, token)
            with lock: out.append((time.time(), st, v.get("id") if st == 201 else v.get("detail")))
    ts = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    [t.start() for t in ts]
    while not any(o[1] != 201 for o in out): time.sleep(0.1)
    time.sleep(3)
    os.remove(f"{mnt}/ballast")
    time.sleep(3)
    stop = True; [t.join() for t in ts]
    first = next(i for i, o in enumerate(out) if o[1] != 201)
    after = [o for o in out[first:]]
    print("acked before first failure", first, "after:", sum(1 for o in after if o[1] == 201),
          "failures", sum(1 for o in after if o[1] != 201), "statuses", sorted(set(o[1] for o in after)))
    print("failure details", sorted(set(str(o[2]) for o in after if o[1] != 201))[:5])
    acked = [o[2] for o in out if o[1] == 201]
    r = subprocess.run(["sqlite3", f"{mnt}/d.db", "BEGIN IMMEDIATE; ROLLBACK;"], capture_output=True, text=True)
    print("outside BEGIN IMMEDIATE:", r.returncode, r.stderr.strip())
    srv.kill(); srv.wait()
    import sqlite3
    c = sqlite3.connect(f"{mnt}/d.db")
    have = set(x for (x,) in c.execute("SELECT id FROM appeals"))
    lost = [a for a in acked if a not in have]
    c.close()
    print("acknowledged", len(acked), "lost", len(lost))
    r = subprocess.run([exe, "check", "--database", db], capture_output=True, text=True)
    print("check:", r.returncode, r.stdout[-300:], r.stderr[-300:])
finally:
    subprocess.run(["umount", mnt])
