"""Files and transport at the edge of the cluster (issue 14, #17), with the real binaries under umask 022:

  - the coordinator's data directory is 0700 and nothing in it or in a backup is readable by group or
    others (they followed the umask: 755/644); an existing 0755 data directory is tightened to 0700;
  - a world-readable --auth-tokens file stops the coordinator (exit 2, naming the file and its mode), and a
    world-readable $HYPERLAB_TOKEN_FILE stops the worker and the CLI the same way;
  - tokens without TLS on a non-loopback address stop the coordinator unless --insecure-plaintext-tokens.
"""
import os
import stat
import subprocess

import harness

ADMIN = "admin-token-" + "a" * 20
WORKER = "worker-token-" + "d" * 20


def leaky_paths(root):
    """Paths under root (root included) that group or others may read, write or enter."""
    found = []
    for path in [root] + [os.path.join(d, n) for d, dirs, files in os.walk(root) for n in dirs + files]:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        if not stat.S_ISLNK(os.lstat(path).st_mode) and mode & 0o077:
            found.append(f"{path} {oct(mode)}")
    return found


def write(path, text, mode):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def run_binary(cluster, rel, *argv, env=None, timeout=20):
    e = dict(os.environ)
    e.pop("HYPERLAB_TOKEN", None)
    e.update(env or {})
    return subprocess.run([os.path.join(os.path.abspath(cluster.bin), rel), *argv], capture_output=True, text=True,
                          timeout=timeout, env=e, cwd=cluster.tmp)


def test(cluster):
    os.umask(0o022)  # An operator's usual umask: what made the 755/644 of the finding.
    tmp = cluster.tmp

    # 1. A fresh data directory and a backup are private.
    cluster.start_coordinator()
    cluster.submit("examples/branin-random.yaml")
    os.makedirs(os.path.join(tmp, "backups"))  # The operator's directory; the backup in it is the coordinator's.
    backup = os.path.join(tmp, "backups", "b1")
    cluster.cli("admin", "backup", backup)
    cluster.stop()
    assert stat.S_IMODE(os.stat(cluster.data_dir).st_mode) == 0o700, oct(os.stat(cluster.data_dir).st_mode)
    leaks = leaky_paths(cluster.data_dir) + leaky_paths(backup)
    assert not leaks, f"readable by group or others: {leaks[:5]}"
    print(f"data dir and backup: {sum(len(f) for _, _, f in os.walk(cluster.data_dir))} files, all owner-only")

    # 2. An existing 0755 data directory is tightened.
    os.chmod(cluster.data_dir, 0o755)
    cluster.start_coordinator()
    cluster.stop()
    assert stat.S_IMODE(os.stat(cluster.data_dir).st_mode) == 0o700

    # 3. A world-readable token file stops the coordinator, naming the file and its mode.
    tokens = write(os.path.join(tmp, "tokens"), f"{ADMIN} admin ops\n{WORKER} worker pool-a\n", 0o644)
    r = run_binary(cluster, "coordinator/hyperlab-coordinator", "--listen", "127.0.0.1:0", "--data-dir",
                   os.path.join(tmp, "d3"), "--auth-tokens", tokens)
    assert r.returncode == 2 and tokens in r.stderr and "mode 0644" in r.stderr, (r.returncode, r.stderr)
    assert ADMIN not in r.stderr + r.stdout
    print("coordinator, 0644 token file:", r.stderr.strip())

    # 4. Tokens in plaintext beyond loopback: refused, unless the operator says --insecure-plaintext-tokens.
    os.chmod(tokens, 0o600)
    r = run_binary(cluster, "coordinator/hyperlab-coordinator", "--listen", "0.0.0.0:0", "--data-dir",
                   os.path.join(tmp, "d4"), "--auth-tokens", tokens)
    assert r.returncode == 2 and "plaintext" in r.stderr and "--insecure-plaintext-tokens" in r.stderr, r.stderr
    print("coordinator, tokens on 0.0.0.0 without TLS:", r.stderr.strip())
    port = harness.free_port()
    p = subprocess.Popen([os.path.join(os.path.abspath(cluster.bin), "coordinator", "hyperlab-coordinator"), "--listen",
                          f"0.0.0.0:{port}", "--data-dir", os.path.join(tmp, "d5"), "--auth-tokens", tokens,
                          "--insecure-plaintext-tokens"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        harness.wait_for_port(port)
    finally:
        p.terminate()
        p.wait(timeout=10)

    # 5. Clients: a world-readable $HYPERLAB_TOKEN_FILE stops the worker and the CLI.
    token_file = write(os.path.join(tmp, "worker-token"), WORKER + "\n", 0o644)
    r = run_binary(cluster, "worker/hyperlab-worker", "--coordinator", cluster.address,
                   env={"HYPERLAB_TOKEN_FILE": token_file})
    assert r.returncode == 2 and token_file in r.stderr and "mode 0644" in r.stderr, (r.returncode, r.stderr)
    r = run_binary(cluster, "tools/hyperlab", "--coordinator", cluster.address, "study", "list",
                   env={"HYPERLAB_TOKEN_FILE": token_file})
    assert r.returncode != 0 and token_file in r.stderr and "mode 0644" in r.stderr, (r.returncode, r.stderr)
    assert WORKER not in r.stderr
    print("worker and CLI, 0644 token file:", r.stderr.strip())
    # ... and a client does not send its token in plaintext to a remote address.
    os.chmod(token_file, 0o600)
    r = run_binary(cluster, "tools/hyperlab", "--coordinator", "coordinator.example.com:7411", "study", "list",
                   env={"HYPERLAB_TOKEN_FILE": token_file})
    assert r.returncode != 0 and "plaintext" in r.stderr, r.stderr


if __name__ == "__main__":
    harness.run(test, "edge_permissions_test")
