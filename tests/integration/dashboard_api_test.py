"""The dashboard's JSON API (docs/dashboard.md) on a real hyperlab-coordinator --http-listen with tokens:
status codes and JSON errors naming the field, 401/403 by role, `where`/`sort`/paging agreeing with the
CLI's `trials --where/--sort`, a note and a conclusion POSTed and then visible, worker drain (admin only),
the static front end, the cap on live-update streams, and a server-sent event arriving after a trial
completes."""
import http.client
import json
import os
import socket
import time
import urllib.parse

import harness

TOKENS = {
    "read": "read-token-0123456789abcdef",
    "submit": "submit-token-0123456789abcd",
    "admin": "admin-token-0123456789abcdef",
    "worker": "worker-token-0123456789abcde",
}

STUDY = """name: {name}
hypothesis: the dashboard shows {name}
objective: {{metric: value, goal: minimize}}
tags: [dash]
parameters:
  - {{name: x1, double: {{min: -5, max: 10}}}}
  - {{name: x2, double: {{min: 0, max: 15}}}}
  - {{name: opt, categorical: {{values: [sgd, adam]}}}}
algorithm: {{random: {{seed: 3}}}}
budget: {{max_trials: {trials}, max_parallel: 2}}
task: {{synthetic: {{function: branin, delay_seconds: {delay}}}}}
"""

# Two objectives and a constraint (examples/command-tradeoff.yaml, random): the trial list's `pareto_front`.
TRADEOFF = """name: dash-front
objectives: [{metric: dev_accuracy, goal: maximize}, {metric: latency_ms, goal: minimize}]
constraints: [{metric: params_millions, max: 1}]
parameters:
  - {name: width, integer: {min: 16, max: 1024, scale: log}}
  - {name: depth, integer: {min: 1, max: 16}}
  - {name: dropout, double: {min: 0, max: 0.5}}
algorithm: {random: {seed: 4}}
budget: {max_trials: 30, max_parallel: 2}
task:
  command:
    argv: [python3, examples/command/tradeoff.py, "--width={width}", "--depth={depth}", "--dropout={dropout}"]
    timeout_seconds: 60
"""


def dominates(a, b):
    """a dominates b on (dev_accuracy: max, latency_ms: min)."""
    ge = a["dev_accuracy"] >= b["dev_accuracy"] and a["latency_ms"] <= b["latency_ms"]
    return ge and (a["dev_accuracy"] > b["dev_accuracy"] or a["latency_ms"] < b["latency_ms"])


def check_pareto_front(cluster, api, tmp):
    """The trial list's `pareto_front` is the CLI's `study best` front, over every trial whatever `where`
    keeps, feasible trials only, and exactly the feasible trials no other feasible one dominates."""
    path = os.path.join(tmp, "front.yaml")
    with open(path, "w") as f:
        f.write(TRADEOFF)
    cluster.cli("study", "submit", path)
    cluster.cli("study", "wait", "dash-front", "--max-wait", "120", timeout=150)
    page = api.ok("/api/v1/studies/dash-front/trials?limit=10000")
    front = page["pareto_front"]
    cli = cluster.json("study", "best", "dash-front")
    assert front == sorted(t["id"] for t in cli["trials"]), (front, cli["trials"])
    done = [t for t in page["trials"] if t["state"] == "SUCCEEDED"]
    feasible = [t for t in done if t["feasible"]]
    assert 0 < len(feasible) < len(done), "the constraint keeps some trials and not others"
    expected = sorted(t["id"] for t in feasible
                      if not any(dominates(o["metrics"], t["metrics"]) for o in feasible))
    assert front == expected, (front, expected)
    print(f"pareto_front: {len(front)} trials, of {len(feasible)} feasible and {len(done)} succeeded")
    narrowed = api.ok("/api/v1/studies/dash-front/trials?" + urllib.parse.urlencode(
        {"where": f"id = {front[0]}", "limit": 5}))
    assert narrowed["pareto_front"] == front and narrowed["matched"] == 1, narrowed
    assert api.ok("/api/v1/studies/dash-a/trials?limit=1")["pareto_front"] is None


class Api:
    def __init__(self, port):
        self.port = port

    def request(self, method, path, token=None, body=None, raw_body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {TOKENS.get(token, token)}"
        data = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = text
        return response.status, parsed

    def get(self, path, token="read"):
        return self.request("GET", path, token)

    def ok(self, path, token="read"):
        status, body = self.get(path, token)
        assert status == 200, (path, status, body)
        return body


def expect_error(api, method, path, status, field, token="read", body=None, raw_body=None, contains=""):
    got, payload = api.request(method, path, token, body, raw_body)
    assert got == status, (method, path, got, payload)
    assert isinstance(payload, dict) and "error" in payload, (path, payload)
    assert payload["error"]["status"] == status and payload["error"]["field"] == field, (path, payload)
    assert contains in payload["error"]["message"], (path, payload)
    return payload["error"]


def open_stream(port, study, token):
    """An SSE connection; returns the socket after the response headers (and the status line)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    sock.sendall((f"GET /api/v1/studies/{study}/events HTTP/1.1\r\nHost: x\r\n"
                  f"Authorization: Bearer {TOKENS[token]}\r\nAccept: text/event-stream\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        assert chunk, "the stream closed before its headers"
        head += chunk
    status_line = head.split(b"\r\n", 1)[0].decode()
    headers, body = head.split(b"\r\n\r\n", 1)
    length = [int(h.split(b":")[1]) for h in headers.split(b"\r\n") if h.lower().startswith(b"content-length:")]
    while length and len(body) < length[0]:  # A refusal: its whole JSON body.
        chunk = sock.recv(4096)
        if not chunk:
            break
        body += chunk
    return sock, status_line, body


def read_events(sock, initial, until, timeout):
    """Reads `event: study` data (parsed) until until(list) holds or `timeout` passes."""
    buffer, events = initial, []
    deadline = time.time() + timeout
    while time.time() < deadline:
        for line in buffer.split(b"\n"):
            if line.startswith(b"data: "):
                events.append(json.loads(line[6:]))
        buffer = buffer[buffer.rfind(b"\n") + 1:] if b"\n" in buffer else buffer
        if until(events):
            return events
        sock.settimeout(max(0.1, deadline - time.time()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        buffer += chunk
    return events


def test(cluster):
    tokens = os.path.join(cluster.tmp, "tokens")
    with open(tokens, "w") as f:
        for role, token in TOKENS.items():
            f.write(f"{token} {role} {role}-user\n")
    os.chmod(tokens, 0o600)
    http_port = harness.free_port()
    cluster.start_coordinator(extra=("--auth-tokens", tokens, "--http-listen", f"127.0.0.1:{http_port}"))
    harness.wait_for_port(http_port)
    api = Api(http_port)
    os.environ["HYPERLAB_TOKEN"] = TOKENS["admin"]  # The CLI's token (harness.cli passes the environment on).

    path = os.path.join(cluster.tmp, "a.yaml")
    with open(path, "w") as f:
        f.write(STUDY.format(name="dash-a", trials=24, delay=0))
    cluster.cli("study", "submit", path)
    cluster.start_worker(slots=2, extra=("--token", TOKENS["worker"]))
    cluster.cli("study", "wait", "dash-a", "--max-wait", "120", timeout=150)

    # Auth: no token 401, unknown token 401, read may view, read may not write, submit may not drain.
    expect_error(api, "GET", "/api/v1/studies", 401, "Authorization", token=None, contains="no token")
    expect_error(api, "GET", "/api/v1/studies", 401, "Authorization", token="x" * 20)
    studies = api.ok("/api/v1/studies")["studies"]
    assert [s["name"] for s in studies] == ["dash-a"], studies
    a = studies[0]
    assert a["state"] == "COMPLETED" and a["counts"]["succeeded"] == 24 and a["objective"] == {
        "metric": "value", "goal": "minimize"} and a["tags"] == ["dash"], a
    assert api.ok("/api/v1/studies/dash-a") == api.ok(f"/api/v1/studies/{a['id']}")
    expect_error(api, "POST", f"/api/v1/studies/{a['id']}/trials/0/notes", 403, "Authorization",
                 body={"text": "hi"}, contains="needs role 'submit'")

    # Bad input: 400 naming the field; unknown: 404.
    sid = a["id"]
    base = f"/api/v1/studies/{sid}"
    expect_error(api, "GET", "/api/v1/studies/nope", 404, "study")
    expect_error(api, "GET", "/api/v1/studies/" + "x" * 300, 400, "study")
    expect_error(api, "GET", "/api/v1/studies?tag=a&tag=b", 400, "tag")
    for query, field in [("limit=0", "limit"), ("limit=10001", "limit"), ("limit=ten", "limit"),
                         ("offset=-1", "offset"), ("measurements=maybe", "measurements"),
                         ("limit=201&measurements=true", "limit"), ("where=" + urllib.parse.quote("valu < 1"), "where"),
                         ("where=" + urllib.parse.quote("value <"), "where"), ("sort=-nothing", "sort"),
                         ("where=" + "(" * 5000, "where")]:
        expect_error(api, "GET", f"{base}/trials?{query}", 400, field)
    err = expect_error(api, "GET", f"{base}/trials?where=" + urllib.parse.quote("opt = adma"), 400, "where")
    assert "adma" in err["message"], err
    expect_error(api, "GET", f"{base}/trials/abc", 400, "trial")
    expect_error(api, "GET", f"{base}/trials/-3", 400, "trial")
    expect_error(api, "GET", f"{base}/trials/99999", 404, "trial")
    expect_error(api, "GET", "/api/v1/nothing", 404, "path")
    expect_error(api, "DELETE", base, 405, "method")

    # where/sort/paging select what the CLI selects, in its order.
    where, sort = "value < 60 and opt = adam", "-value"
    cli = cluster.json("trials", "dash-a", "--where", where, "--sort", sort)
    page = api.ok(f"{base}/trials?" + urllib.parse.urlencode({"where": where, "sort": sort, "limit": 3}))
    assert page["total"] == 24 and page["matched"] == len(cli) and len(cli) > 3, (page["matched"], len(cli))
    assert [t["id"] for t in page["trials"]] == [t["id"] for t in cli[:3]], (page["trials"], cli[:3])
    rest = api.ok(f"{base}/trials?" + urllib.parse.urlencode({"where": where, "sort": sort, "offset": 3, "limit": 1000}))
    assert [t["id"] for t in page["trials"] + rest["trials"]] == [t["id"] for t in cli]
    assert page["parameters"] == ["x1", "x2", "opt"] and "value" in page["metrics"], page
    beyond = api.ok(f"{base}/trials?offset=500")
    assert beyond["trials"] == [] and beyond["matched"] == 24, beyond
    first = page["trials"][0]
    cli_first = cli[0]
    assert first["params"] == cli_first["params"] and first["metrics"]["value"] == cli_first["metrics"]["value"]

    # A note (submit) is then visible on the trial; empty and oversized ones are refused naming `text`.
    trial = first["id"]
    status, body = api.request("POST", f"{base}/trials/{trial}/notes", "submit", {"text": "checked by hand"})
    assert status == 201 and body["notes"][-1]["text"] == "checked by hand", (status, body)
    detail = api.ok(f"{base}/trials/{trial}")
    assert [n["text"] for n in detail["notes"]] == ["checked by hand"], detail["notes"]
    assert detail["params"] == first["params"] and "measurement_list" in detail, detail
    expect_error(api, "POST", f"{base}/trials/{trial}/notes", 400, "text", "submit", {"text": "  "})
    expect_error(api, "POST", f"{base}/trials/{trial}/notes", 400, "text", "submit", {"text": 5})
    expect_error(api, "POST", f"{base}/trials/{trial}/notes", 400, "text", "submit", {"text": "x" * 70000})
    expect_error(api, "POST", f"{base}/trials/{trial}/notes", 400, "body", "submit", raw_body="{not json")
    expect_error(api, "POST", f"{base}/trials/{trial}/notes", 400, "body", "submit", raw_body="[1]")
    expect_error(api, "POST", f"{base}/trials/99999/notes", 404, "trial", "submit", {"text": "x"})
    shown = [t for t in cluster.json("trials", "dash-a") if t["id"] == trial]
    assert "checked by hand" in json.dumps(shown), shown
    status, body = api.request("POST", f"{base}/conclusion", "submit", {"text": "the basin is near x1=3"})
    assert status == 200 and body["conclusion"] == "the basin is near x1=3", (status, body)
    assert api.ok(base)["conclusion"] == "the basin is near x1=3"

    check_pareto_front(cluster, api, cluster.tmp)

    # Workers: listed for read; drain needs admin.
    workers = api.ok("/api/v1/workers")["workers"]
    assert len(workers) == 1 and not workers[0]["draining"], workers
    wid = workers[0]["id"]
    expect_error(api, "POST", f"/api/v1/workers/{wid}/drain", 403, "Authorization", "submit", {"drain": True})
    expect_error(api, "POST", f"/api/v1/workers/{wid}/drain", 400, "drain", "admin", {"drain": "yes"})
    expect_error(api, "POST", "/api/v1/workers/nobody/drain", 404, "worker", "admin", {"drain": True})
    status, body = api.request("POST", f"/api/v1/workers/{wid}/drain", "admin", {"drain": True})
    assert status == 200 and body["draining"], (status, body)
    status, body = api.request("POST", f"/api/v1/workers/{wid}/drain", "admin", {"drain": False})
    assert status == 200 and not body["draining"], (status, body)

    # The front end is served without a token (it holds no data); unknown files are 404.
    status, page_html = api.request("GET", "/", None)
    assert status == 200 and "<title>Hyperlab</title>" in page_html, page_html[:200]
    assert api.request("GET", "/no-such-file.js", None)[0] == 404

    # At most 16 streams at once: the 17th is 429 and names the limit; a stream needs the read role.
    s_worker, status_line, _ = open_stream(http_port, sid, "worker")
    assert " 403 " in status_line, status_line
    s_worker.close()
    streams = [open_stream(http_port, sid, "read") for _ in range(16)]
    assert all(" 200 " in s[1] for s in streams), [s[1] for s in streams]
    s17, status_line, rest = open_stream(http_port, sid, "read")
    assert " 429 " in status_line and b"live-update streams open" in rest, (status_line, rest)
    s17.close()
    for s in streams:
        s[0].close()

    # Live updates: with the worker drained, a new study's stream starts with no trial done; once the
    # worker is undrained an event arrives with a trial succeeded. Closed streams give their places back
    # (found by the keep-alive writes, every 3 s), so the stream opens within a few seconds.
    status, _ = api.request("POST", f"/api/v1/workers/{wid}/drain", "admin", {"drain": True})
    assert status == 200
    with open(path, "w") as f:
        f.write(STUDY.format(name="dash-b", trials=4, delay=0.2))
    cluster.cli("study", "submit", path)
    b = api.ok("/api/v1/studies/dash-b")

    def try_open():
        stream = open_stream(http_port, b["id"], "read")
        if " 200 " in stream[1]:
            return stream
        stream[0].close()
        return None

    sock, _, rest = harness.wait_until(try_open, 20, "a live-update stream place freed")
    events = read_events(sock, rest, lambda e: len(e) >= 1, timeout=10)
    assert events and events[0]["name"] == "dash-b" and events[0]["counts"]["succeeded"] == 0, events
    status, _ = api.request("POST", f"/api/v1/workers/{wid}/drain", "admin", {"drain": False})
    assert status == 200
    started = time.time()
    events = read_events(sock, b"", lambda e: any(x["counts"]["succeeded"] >= 1 for x in e), timeout=30)
    assert any(e["counts"]["succeeded"] >= 1 for e in events), [e["counts"] for e in events]
    print(f"an event {time.time() - started:.2f} s after the undrain (trials take 0.2 s)")
    sock.close()
    cluster.cli("study", "wait", "dash-b", "--max-wait", "60", timeout=90)


if __name__ == "__main__":
    harness.run(test, "dashboard_api")
