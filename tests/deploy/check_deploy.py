"""Static checks of deploy/: the Dockerfile, the kustomizations (rendered with `kubectl kustomize`), the systemd
units, and the consistency of all of them with the binaries actually built.

  python3 tests/deploy/check_deploy.py --bin-dir build --source-dir . [--kubectl PATH]...

Rendering uses each --kubectl given, else $HYPERLAB_KUBECTL, else `kubectl` on PATH (Debian 12: package
kubernetes-client). Without any kubectl the render checks are SKIPPED (reason printed), the static checks of the
raw files still run, and the script exits 77 (skipped) if those pass. Without apt-cache, package names are not
checked. Exit 0: all passed; 1: a check failed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

SKIP = 77
failures = []
skipped = []


def check(cond, what):
    if cond:
        print(f"  ok    {what}")
    else:
        print(f"  FAIL  {what}")
        failures.append(what)
    return cond


def help_flags(exe, *sub):
    r = subprocess.run([exe, *sub, "--help"], capture_output=True, text=True)
    return set(re.findall(r"^\s+(?:-\w,)?(--[a-z0-9][a-z0-9-]*)", r.stdout, re.M))


# ------------------------------------------------------------------------------------------------ binaries
class Binaries:
    def __init__(self, bin_dir):
        self.path = {"hyperlab-coordinator": os.path.join(bin_dir, "coordinator", "hyperlab-coordinator"),
                     "hyperlab-worker": os.path.join(bin_dir, "worker", "hyperlab-worker"),
                     "hyperlab": os.path.join(bin_dir, "tools", "hyperlab")}
        self.flags = {}
        for name, exe in self.path.items():
            if not os.access(exe, os.X_OK):
                raise SystemExit(f"check_deploy: {exe} missing: build first")
            self.flags[name] = help_flags(exe)
        # The CLI's flags: global ones plus those of the subcommands the manifests use.
        for sub in (["study"], ["study", "submit"], ["study", "list"], ["admin"], ["admin", "status"]):
            self.flags["hyperlab"] |= help_flags(self.path["hyperlab"], *sub)

    def check_argv(self, binary, argv, where):
        name = os.path.basename(binary)
        if name not in self.flags:
            return check(False, f"{where}: runs {binary}, not one of the three binaries")
        used = [a.split("=", 1)[0] for a in argv if a.startswith("--")]
        unknown = sorted(set(u for u in used if u not in self.flags[name]))
        return check(not unknown, f"{where}: {name} accepts {' '.join(sorted(set(used))) or '(no flags)'}"
                     + (f" -- NOT ACCEPTED: {' '.join(unknown)}" if unknown else ""))


# ------------------------------------------------------------------------------------------------ Dockerfile
def dockerfile_instructions(path):
    lines, cur, start = [], "", 0
    for n, raw in enumerate(open(path), start=1):
        line = raw.rstrip("\n")
        if not cur and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if cur and line.lstrip().startswith("#"):
            continue
        if not cur:
            start = n
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        cur += line
        lines.append((start, cur.strip()))
        cur = ""
    return lines


def check_dockerfile(src, apt_cache):
    print("Dockerfile (deploy/docker/Dockerfile):")
    path = os.path.join(src, "deploy", "docker", "Dockerfile")
    known = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
             "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}
    ins = dockerfile_instructions(path)
    bad = [(n, l.split()[0]) for n, l in ins if l.split()[0].upper() not in known]
    check(not bad, f"every instruction is a Dockerfile instruction {bad or ''}")
    stages, packages, copies = [], set(), []
    user_set = healthcheck = False
    ignore = []
    ign_path = path + ".dockerignore"
    if os.path.exists(ign_path):
        ignore = [l.strip() for l in open(ign_path) if l.strip() and not l.startswith("#")]
    for n, line in ins:
        word, rest = line.split(None, 1)
        word = word.upper()
        if word == "FROM":
            m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?", rest, re.I)
            stages.append(m.group(2))
            check(m.group(1) in ("${DEBIAN_IMAGE}", "debian:12") or m.group(1).startswith("debian:12"),
                  f"line {n}: FROM Debian 12 ({m.group(1)})")
        elif word == "RUN":
            for seg in re.split(r"&&|;|\|\||\bthen\b", rest):
                m = re.search(r"apt-get install\s+(.*)", seg)
                if m:
                    packages |= {p for p in m.group(1).split() if not p.startswith("-") and not p.startswith("$")}
        elif word in ("COPY", "ADD"):
            parts = rest.split()
            opts = [p for p in parts if p.startswith("--")]
            args = [p for p in parts if not p.startswith("--")]
            copies.append((n, opts, args[:-1], args[-1]))
        elif word == "USER":
            user_set = rest.split(":")[0] not in ("root", "0")
        elif word == "HEALTHCHECK":
            healthcheck = "CMD" in rest
    check(len(stages) >= 2 and stages[0] == "build", f"multi-stage: stages {stages}")
    check(user_set, "the runtime stage runs as a non-root USER")
    check(healthcheck, "a HEALTHCHECK with a command")
    for n, opts, srcs, dest in copies:
        frm = [o.split("=", 1)[1] for o in opts if o.startswith("--from=")]
        if frm:
            check(frm[0] in stages, f"line {n}: COPY --from={frm[0]} names an earlier stage")
            continue
        for s in srcs:
            full = os.path.join(src, s)
            ignored = any(s.rstrip("/") == i.rstrip("/") for i in ignore)
            check(os.path.exists(full) and not ignored, f"line {n}: COPY source {s} exists in the context")
    hc = os.path.join(src, "deploy", "docker", "hyperlab-healthcheck")
    check(subprocess.run(["sh", "-n", hc]).returncode == 0 and os.access(hc, os.X_OK),
          "hyperlab-healthcheck is an executable, syntactically valid sh script")
    if apt_cache:
        missing = [p for p in sorted(packages)
                   if subprocess.run([apt_cache, "show", p], capture_output=True).returncode != 0]
        check(not missing, f"all {len(packages)} apt packages exist (apt-cache show)"
              + (f" -- UNKNOWN: {missing}" if missing else ""))
    else:
        skipped.append("Dockerfile package names: no apt-cache")
        print("  SKIP  package names: no apt-cache here")
    return stages


# ------------------------------------------------------------------------------------------------ Kubernetes
def render(kubectl, src, overlay, tmp):
    """Renders deploy/k8s/<overlay> from a copy of deploy/k8s (prod gets fresh secrets from make-secrets.sh)."""
    k8s = os.path.join(tmp, "k8s")
    if not os.path.exists(k8s):
        shutil.copytree(os.path.join(src, "deploy", "k8s"), k8s,
                        ignore=shutil.ignore_patterns("secrets"))
        r = subprocess.run(["bash", os.path.join(k8s, "overlays", "prod", "make-secrets.sh")],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"overlays/prod/make-secrets.sh creates the prod secrets {r.stderr.strip()}")
    r = subprocess.run([kubectl, "kustomize", os.path.join(k8s, overlay)], capture_output=True, text=True)
    warnings = [l for l in r.stderr.splitlines() if "deprecated" in l]
    ok = check(r.returncode == 0, f"{kubectl} kustomize {overlay} renders"
               + (f" ({len(warnings)} deprecation warnings of kustomize v5, kept for kubectl 1.20)" if warnings
                  else "") + ("" if r.returncode == 0 else f": {r.stderr.strip()}"))
    return list(d for d in yaml.safe_load_all(r.stdout) if d) if ok else None


def load_raw(src, rel):
    docs = []
    d = os.path.join(src, "deploy", "k8s", rel)
    for f in sorted(os.listdir(d)):
        if f.endswith(".yaml") and f not in ("kustomization.yaml", "study.yaml"):
            docs += [x for x in yaml.safe_load_all(open(os.path.join(d, f))) if x and isinstance(x, dict)
                     and "kind" in x]
    # The ConfigMaps the kustomization generates from literals, as kustomize would (without the hash suffix).
    k = yaml.safe_load(open(os.path.join(d, "kustomization.yaml")))
    for g in k.get("configMapGenerator", []):
        data = dict(l.split("=", 1) for l in g.get("literals", []))
        docs.append({"kind": "ConfigMap", "metadata": {"name": g["name"]}, "data": data})
    return docs


def pod_specs(objs):
    for o in objs:
        t = o.get("spec", {}).get("template")
        if o["kind"] in ("StatefulSet", "Deployment", "Job", "DaemonSet") and t:
            yield o, t


def matches(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def check_objects(objs, label, bins, src, rendered):
    print(f"consistency of {label}:")
    by = {}
    for o in objs:
        by.setdefault(o["kind"], {})[o["metadata"]["name"]] = o
    cms, secrets, services = by.get("ConfigMap", {}), by.get("Secret", {}), by.get("Service", {})
    kinds = set(by)
    for k in ("StatefulSet", "Service", "Deployment", "PodDisruptionBudget", "NetworkPolicy", "Job"):
        check(k in kinds, f"has a {k}")
    if rendered:
        for k in ("ConfigMap",):
            check(k in kinds, f"has a {k} (flags)")
    sts = list(by.get("StatefulSet", {}).values())
    for s in sts:
        check(bool(s["spec"].get("volumeClaimTemplates")), f"StatefulSet {s['metadata']['name']} has volumeClaimTemplates")
        check(s["spec"].get("replicas", 1) == 1, "the coordinator StatefulSet has exactly one replica")
        gov = services.get(s["spec"].get("serviceName"))
        check(gov is not None and gov["spec"].get("clusterIP") == "None",
              f"StatefulSet serviceName {s['spec'].get('serviceName')} is a headless Service")

    def env_of(container):
        env = {}
        for e in container.get("envFrom", []):
            ref = e.get("configMapRef", {}).get("name")
            if ref and ref in cms:
                env.update(cms[ref].get("data", {}))
        for e in container.get("env", []):
            env[e["name"]] = e.get("value", "<from " + str(list(e.get("valueFrom", {}).keys())) + ">")
        return env

    for o, t in pod_specs(objs):
        oname = f"{o['kind']} {o['metadata']['name']}"
        spec = t["spec"]
        labels = t.get("metadata", {}).get("labels", {})
        sel = o["spec"].get("selector", {}).get("matchLabels")
        if sel is not None:
            check(matches(sel, labels), f"{oname}: selector matches the pod template labels")
        vols = {v["name"]: v for v in spec.get("volumes", [])}
        for c in o["spec"].get("volumeClaimTemplates", []):
            vols[c["metadata"]["name"]] = {"pvc": True}
        psc = spec.get("securityContext", {})
        check(psc.get("runAsNonRoot") is True, f"{oname}: runAsNonRoot")
        for c in spec.get("containers", []):
            cname = f"{oname}/{c['name']}"
            csc = c.get("securityContext", {})
            check(csc.get("allowPrivilegeEscalation") is False and csc.get("readOnlyRootFilesystem") is True,
                  f"{cname}: no privilege escalation, read-only root filesystem")
            res = c.get("resources", {})
            check(bool(res.get("requests")) and bool(res.get("limits")), f"{cname}: resource requests and limits")
            # References: ConfigMaps, Secrets and their keys.
            if rendered:
                for e in c.get("envFrom", []):
                    ref = e.get("configMapRef", {}).get("name")
                    if ref:
                        check(ref in cms, f"{cname}: envFrom ConfigMap {ref} exists")
                for e in c.get("env", []):
                    skr = e.get("valueFrom", {}).get("secretKeyRef")
                    if skr:
                        sec = secrets.get(skr["name"])
                        check(sec is not None and skr["key"] in sec.get("data", {}),
                              f"{cname}: env {e['name']} <- Secret {skr['name']} key {skr['key']} exists")
            env = env_of(c)
            # $(VAR) in args resolve; then flags the binary accepts.
            argv = []
            for a in c.get("args", []):
                for var in re.findall(r"\$\((\w+)\)", a):
                    if rendered:
                        check(var in env, f"{cname}: $({var}) in args is defined")
                    a = a.replace(f"$({var})", str(env.get(var, "x")))
                argv.append(a)
            cmd = c.get("command", [])
            check(bool(cmd), f"{cname}: names its command")
            if cmd:
                bins.check_argv(cmd[0], argv, cname)
            ports = {p["containerPort"]: p.get("name") for p in c.get("ports", [])}
            pnames = {v: k for k, v in ports.items() if v}
            for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
                p = c.get(kind)
                if not p:
                    continue
                if "grpc" in p:
                    check(p["grpc"]["port"] in ports, f"{cname}: {kind} grpc port {p['grpc']['port']} is a container port")
                    listen = next((a.split("=", 1)[1] for a in argv if a.startswith("--listen=")), "")
                    check(listen.endswith(f":{p['grpc']['port']}"), f"{cname}: {kind} port is the --listen port ({listen})")
                    tls = any(a.startswith("--tls-cert") for a in argv)
                    check(not tls, f"{cname}: {kind} is a native gRPC probe only without TLS (the kubelet speaks plaintext)")
                if "exec" in p:
                    exe = p["exec"]["command"][0]
                    check(exe == "/usr/local/bin/hyperlab-healthcheck", f"{cname}: {kind} exec {exe} is in the image")
                for k in ("tcpSocket", "httpGet"):
                    if k in p:
                        port = p[k]["port"]
                        check(port in ports or port in pnames, f"{cname}: {kind} port {port} is a container port")
            if o["kind"] == "StatefulSet":
                check(all(k in c for k in ("livenessProbe", "readinessProbe")), f"{cname}: liveness and readiness probes")
            # Mounts: volumes exist; files named by flags lie in a mounted volume with that key.
            mounts = {}
            for m in c.get("volumeMounts", []):
                check(m["name"] in vols, f"{cname}: volumeMount {m['name']} has a volume")
                mounts[m["mountPath"].rstrip("/")] = vols.get(m["name"], {})
            for a in argv:
                if a.startswith("--") and "=" in a and a.split("=", 1)[1].startswith("/etc/hyperlab/"):
                    path = a.split("=", 1)[1]
                    d, f = os.path.dirname(path), os.path.basename(path)
                    v = mounts.get(d)
                    ok = False
                    if v is not None:
                        src_ = v.get("secret") or v.get("configMap")
                        if src_:
                            items = src_.get("items")
                            if items is not None:
                                keys = [i["path"] for i in items]
                                ok = f in keys
                                iname = [i["key"] for i in items if i["path"] == f]
                                if rendered and ok:
                                    ref = src_.get("secretName") or src_.get("name")
                                    store = secrets if "secretName" in src_ else cms
                                    ok = ref in store and iname[0] in store[ref].get("data", {})
                            elif rendered:
                                ref = src_.get("secretName") or src_.get("name")
                                store = secrets if "secretName" in src_ else cms
                                ok = ref in store and f in store[ref].get("data", {})
                            else:
                                ok = True
                    if rendered or v is not None:
                        check(ok, f"{cname}: {a.split('=')[0]} file {path} is a key of a mounted Secret/ConfigMap")
            if rendered:
                for v in vols.values():
                    s = v.get("secret")
                    if s:
                        sec = secrets.get(s["secretName"])
                        check(sec is not None and all(i["key"] in sec.get("data", {}) for i in s.get("items", [])),
                              f"{cname}: volume Secret {s['secretName']} exists with keys {[i['key'] for i in s.get('items', [])]}")
                    cm = v.get("configMap")
                    if cm:
                        check(cm["name"] in cms, f"{cname}: volume ConfigMap {cm['name']} exists")
            # Listening beyond loopback without tokens needs --insecure-allow-remote (and the reverse); tokens
            # beyond loopback need TLS (the coordinator refuses to start otherwise, issue 14 #17).
            if cmd and cmd[0] == "hyperlab-coordinator":
                listen = next((a.split("=", 1)[1] for a in argv if a.startswith("--listen=")), "")
                remote = not listen.startswith(("127.", "localhost", "[::1]"))
                tokens = any(a.startswith("--auth-tokens") for a in argv)
                tls = any(a.startswith("--tls-cert") for a in argv)
                if rendered:
                    check(not remote or tokens or "--insecure-allow-remote" in argv,
                          f"{cname}: listens on {listen}: tokens or an explicit --insecure-allow-remote")
                    check(not remote or not tokens or tls, f"{cname}: tokens on {listen} travel over TLS")
            # Workers and clients find the coordinator through its Service.
            if cmd and cmd[0] in ("hyperlab-worker", "hyperlab") and rendered:
                target = next((a.split("=", 1)[1] for a in argv if a.startswith("--coordinator=")), "")
                host, _, port = target.rpartition(":")
                svc = services.get(host.split(".")[0])
                check(svc is not None and int(port) in [p["port"] for p in svc["spec"]["ports"]],
                      f"{cname}: --coordinator {target} is a Service and one of its ports")
                if svc is not None:
                    coord = [x for x, tt in pod_specs(objs) if matches(svc["spec"]["selector"],
                                                                        tt.get("metadata", {}).get("labels", {}))]
                    check(bool(coord) and coord[0]["kind"] == "StatefulSet",
                          f"{cname}: Service {svc['metadata']['name']} selects the coordinator StatefulSet")
                    tls = any(a.startswith("--tls-ca") for a in argv)
                    coord_tls = coord and any("--tls-cert" in a for cc in coord[0]["spec"]["template"]["spec"]["containers"]
                                              for a in cc.get("args", []))
                    check(bool(tls) == bool(coord_tls), f"{cname}: uses TLS exactly when the coordinator does")
    # Services: selectors match a workload, target ports exist.
    for s in services.values():
        pods = [(x, tt) for x, tt in pod_specs(objs) if matches(s["spec"]["selector"], tt.get("metadata", {}).get("labels", {}))]
        check(len(pods) == 1, f"Service {s['metadata']['name']} selects exactly one workload")
        for p in s["spec"]["ports"]:
            tp = p.get("targetPort", p["port"])
            cports = [cp for _, tt in pods for c in tt["spec"]["containers"] for cp in c.get("ports", [])]
            check(any(tp in (cp["containerPort"], cp.get("name")) for cp in cports),
                  f"Service {s['metadata']['name']} port {p['port']} -> targetPort {tp} is a container port")
    for pdb in by.get("PodDisruptionBudget", {}).values():
        sel = pdb["spec"]["selector"]["matchLabels"]
        check(any(matches(sel, tt.get("metadata", {}).get("labels", {})) for _, tt in pod_specs(objs)),
              f"PodDisruptionBudget {pdb['metadata']['name']} selects a workload")
    policies = list(by.get("NetworkPolicy", {}).values())
    coordinator_policies = [p for p in policies if "Ingress" in p["spec"].get("policyTypes", [])
                            and [x["kind"] for x, tt in pod_specs(objs)
                                 if matches(p["spec"]["podSelector"]["matchLabels"],
                                            tt.get("metadata", {}).get("labels", {}))] == ["StatefulSet"]]
    check(len(coordinator_policies) == 1, "one NetworkPolicy restricts ingress to the coordinator")
    check_isolation(objs, policies)
    for np_ in coordinator_policies:
        grpc_rule = [r for r in np_["spec"]["ingress"] if any(p["port"] == 7411 for p in r.get("ports", []))]
        admitted = set()
        for x, tt in pod_specs(objs):
            lab = tt.get("metadata", {}).get("labels", {})
            if any(matches(f.get("podSelector", {}).get("matchLabels"), lab) and "namespaceSelector" not in f
                   for r in grpc_rule for f in r.get("from", [])):
                admitted.add(f"{x['kind']}/{x['metadata']['name']}")
        clients = {f"{x['kind']}/{x['metadata']['name']}" for x, tt in pod_specs(objs)
                   if any(c.get("command", [""])[0] in ("hyperlab-worker", "hyperlab") for c in tt["spec"]["containers"])}
        check(admitted == clients, f"NetworkPolicy admits to 7411 exactly the workers and clients: {sorted(admitted)}")
    for hpa in by.get("HorizontalPodAutoscaler", {}).values():
        ref = hpa["spec"]["scaleTargetRef"]
        check(ref["name"] in by.get(ref["kind"], {}), f"HorizontalPodAutoscaler targets {ref['kind']} {ref['name']}")
    if rendered:
        ns = {o["metadata"].get("namespace") for o in objs if o["kind"] != "Namespace"}
        check(len(ns) == 1, f"every object in one namespace: {ns}")


def check_isolation(objs, policies):
    """Issue 14: no pod holds a service-account token; emptyDirs are bounded; worker pods reach only the
    coordinator's gRPC port and DNS; each worker pool has a token of its own, read from a private file."""
    pods = list(pod_specs(objs))
    for o, t in pods:
        oname = f"{o['kind']} {o['metadata']['name']}"
        spec = t["spec"]
        check(spec.get("automountServiceAccountToken") is False, f"{oname}: automountServiceAccountToken: false")
        for v in spec.get("volumes", []):
            if "emptyDir" in v:
                check(bool((v["emptyDir"] or {}).get("sizeLimit")), f"{oname}: emptyDir {v['name']} has a sizeLimit")
            s = v.get("secret")
            if s is not None and "defaultMode" in s:
                check(s["defaultMode"] & ~0o640 == 0,
                      f"{oname}: Secret volume {v['name']} mode {oct(s['defaultMode'])} within 0640")
    coordinator_labels = [tt.get("metadata", {}).get("labels", {}) for x, tt in pods if x["kind"] == "StatefulSet"]
    workers = [(x, tt) for x, tt in pods
               if any(c.get("command", [""])[0] == "hyperlab-worker" for c in tt["spec"]["containers"])]
    for x, tt in workers:
        wname = f"{x['kind']} {x['metadata']['name']}"
        labels = tt.get("metadata", {}).get("labels", {})
        # Tokens: from a file in a Secret this pool alone mounts, never from the coordinator's token Secret.
        for c in tt["spec"]["containers"]:
            env = {e["name"]: e for e in c.get("env", [])}
            secret_refs = [e["valueFrom"]["secretKeyRef"]["name"] for e in c.get("env", [])
                           if "secretKeyRef" in e.get("valueFrom", {})]
            check("HYPERLAB_TOKEN" not in env, f"{wname}: no token in the environment (trials could inherit it)")
            check(not secret_refs, f"{wname}: reads no Secret through env: {secret_refs}")
            vols = {v["name"]: v for v in tt["spec"].get("volumes", [])}
            token_file = env.get("HYPERLAB_TOKEN_FILE", {}).get("value")
            if token_file is None:
                continue
            mount = next((m for m in c.get("volumeMounts", []) if token_file.startswith(m["mountPath"].rstrip("/") + "/")), None)
            secret = (vols.get(mount["name"], {}).get("secret") or {}).get("secretName") if mount else None
            check(secret is not None, f"{wname}: HYPERLAB_TOKEN_FILE {token_file} is in a mounted Secret")
            users = {f"{y['kind']}/{y['metadata']['name']}" for y, ty in pods
                     if any((v.get("secret") or {}).get("secretName") == secret for v in ty["spec"].get("volumes", []))
                     or any(e.get("valueFrom", {}).get("secretKeyRef", {}).get("name") == secret
                            for cc in ty["spec"]["containers"] for e in cc.get("env", []))}
            check(users == {f"{x['kind']}/{x['metadata']['name']}"},
                  f"{wname}: its token Secret {secret} is mounted by this worker pool only: {sorted(users)}")
        egress = [p for p in policies if "Egress" in p["spec"].get("policyTypes", [])
                  and matches(p["spec"]["podSelector"].get("matchLabels"), labels)]
        if not check(bool(egress), f"{wname}: a NetworkPolicy restricts its egress"):
            continue
        allowed = []
        for p in egress:
            for rule in p["spec"].get("egress", []):
                ports = {(q.get("port"), q.get("protocol", "TCP")) for q in rule.get("ports", [])}
                for peer in rule.get("to", []):
                    if "ipBlock" in peer:
                        allowed.append(("ipBlock", peer["ipBlock"].get("cidr")))
                    elif "namespaceSelector" in peer:
                        dns = peer.get("podSelector", {}).get("matchLabels", {}).get("k8s-app") == "kube-dns"
                        allowed.append(("dns" if dns and ports <= {(53, "UDP"), (53, "TCP")} else "namespace",
                                        sorted(ports)))
                    else:
                        to_coord = any(matches(peer.get("podSelector", {}).get("matchLabels"), lab)
                                       for lab in coordinator_labels)
                        allowed.append(("coordinator" if to_coord and ports == {(7411, "TCP")} else "pods",
                                        sorted(ports)))
                if not rule.get("to"):
                    allowed.append(("anywhere", sorted(ports)))
        kinds = {a[0] for a in allowed}
        check(kinds <= {"coordinator", "dns"} and "coordinator" in kinds,
              f"{wname}: egress only to the coordinator's 7411 and DNS: {allowed}")

# ------------------------------------------------------------------------------------------------ systemd
def check_systemd(src, bins):
    print("systemd units (deploy/systemd):")
    d = os.path.join(src, "deploy", "systemd")
    for unit, binary, envfile in (("hyperlab-coordinator.service", "hyperlab-coordinator", "coordinator.env"),
                                  ("hyperlab-worker.service", "hyperlab-worker", "worker.env")):
        text = open(os.path.join(d, unit)).read()
        for key in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "StateDirectory=",
                    "Restart=", "User=hyperlab", f"EnvironmentFile=/etc/hyperlab/{envfile}"):
            check(key in text, f"{unit}: {key}")
        exec_line = re.search(r"^ExecStart=(.*)$", text, re.M).group(1).split()
        env = dict(l.split("=", 1) for l in open(os.path.join(d, envfile)) if re.match(r"^\w+=", l))
        # Commented example lines of the env file are checked too: they are what users uncomment.
        examples = dict(l.lstrip("# ").split("=", 1) for l in open(os.path.join(d, envfile))
                        if re.match(r"^#\s+HYPERLAB_\w+_OPTS=", l))
        argv = exec_line[1:]
        check(exec_line[0] == f"/usr/local/bin/{binary}", f"{unit}: ExecStart runs /usr/local/bin/{binary}")
        for var in re.findall(r"\$\{?(\w+)\}?", " ".join(argv)):
            check(var in env, f"{unit}: ${var} is set in {envfile}")
        bins.check_argv(binary, argv, f"{unit} ExecStart")
        for k, v in examples.items():
            bins.check_argv(binary, v.split(), f"{envfile} example {k}")
    analyze = shutil.which("systemd-analyze")
    if analyze:
        with tempfile.TemporaryDirectory() as tmp:
            for name, exe in bins.path.items():
                os.symlink(os.path.abspath(exe), os.path.join(tmp, name))
            units = []
            for unit in ("hyperlab-coordinator.service", "hyperlab-worker.service"):
                with open(os.path.join(tmp, unit), "w") as f:
                    f.write(open(os.path.join(d, unit)).read().replace("/usr/local/bin/", tmp + "/"))
                units.append(os.path.join(tmp, unit))
            r = subprocess.run([analyze, "verify", "--man=no", *units], capture_output=True, text=True)
            check(r.returncode == 0 and not r.stderr.strip(), f"systemd-analyze verify (binaries from the build) {r.stderr.strip()}")
    else:
        skipped.append("systemd-analyze verify: not installed")
        print("  SKIP  systemd-analyze verify: not installed")
    with tempfile.TemporaryDirectory() as root:
        cmd = ["bash", os.path.join(d, "install.sh"), "--root", root, "--bin-dir", os.path.dirname(os.path.dirname(bins.path["hyperlab"]))]
        r1 = subprocess.run(cmd, capture_output=True, text=True)
        r2 = subprocess.run(cmd, capture_output=True, text=True)
        files = sorted(os.path.relpath(os.path.join(dp, f), root) for dp, _, fs in os.walk(root) for f in fs)
        check(r1.returncode == 0 and r2.returncode == 0 and "nothing changed" in r2.stdout,
              f"install.sh --root: installs {len(files)} files, a second run changes nothing")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--kubectl", action="append", default=[])
    args = ap.parse_args()
    src = os.path.abspath(args.source_dir)
    bins = Binaries(os.path.abspath(args.bin_dir))

    check_dockerfile(src, shutil.which("apt-cache"))
    kubectls = args.kubectl or ([os.environ["HYPERLAB_KUBECTL"]] if os.environ.get("HYPERLAB_KUBECTL") else []) \
        or ([shutil.which("kubectl")] if shutil.which("kubectl") else [])
    overlays = ["base", "overlays/dev", "overlays/prod"]
    if kubectls:
        for kubectl in kubectls:
            v = subprocess.run([kubectl, "version", "--client"], capture_output=True, text=True).stdout.strip()
            print(f"kustomize with {kubectl} ({v.splitlines()[0] if v else '?'}):")
            with tempfile.TemporaryDirectory() as tmp:
                for o in overlays:
                    objs = render(kubectl, src, o, tmp)
                    if objs is not None and o != "base":
                        check_objects(objs, f"{o} rendered by {kubectl}", bins, src, rendered=True)
    else:
        reason = "no kubectl (install Debian's kubernetes-client, or set HYPERLAB_KUBECTL)"
        print(f"SKIPPED: rendering the kustomizations: {reason}; checking the raw files instead")
        skipped.append("kustomize render: " + reason)
        check_objects(load_raw(src, "base"), "base (raw files)", bins, src, rendered=False)
    check_systemd(src, bins)

    print()
    if failures:
        print(f"check_deploy: FAILED ({len(failures)} checks):")
        for f in failures:
            print(f"  - {f}")
        return 1
    if skipped:
        print(f"check_deploy: SKIPPED parts ({'; '.join(skipped)}); every other check passed")
        return SKIP if any(s.startswith("kustomize render") for s in skipped) else 0
    print("check_deploy: PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
