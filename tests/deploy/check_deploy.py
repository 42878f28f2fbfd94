#!/usr/bin/env python3
"""Checks the deployment files against the binaries they run.

Every tonghopd and tonghop invocation in deploy/systemd/*.service,
deploy/Containerfile and deploy/kubernetes/*.yaml must use only flags the
binary's own --help lists, and tonghop only commands its help lists. With
--kubectl, each manifest must also pass `kubectl apply --dry-run=client
--validate=false`: kubectl needs an API server for the kinds' discovery and
to learn that the objects do not exist yet, so this script serves an empty
one (discovery documents only, every object 404) on 127.0.0.1.

Usage: check_deploy.py --source=DIR --tonghopd=BIN --tonghop=BIN [--kubectl=BIN|auto]
                       [--tools=BUILD/tools]
--kubectl=auto takes $TONGHOP_KUBECTL, else /usr/bin/kubectl when Debian's
kubernetes-client package installed it, else the copy tests/run.sh unpacked
into BUILD/tools/kubernetes-client, else exits 77 (skipped).
Exit status 0 when everything passes; each problem is printed.
"""

import argparse
import glob
import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading

import yaml

FLAG = re.compile(r"--([a-z][a-z0-9-]*)")


def help_flags(text):
    return set(FLAG.findall(text))


def cli_commands(help_text):
    """The command word lists of `tonghop help` ("admin backup")."""
    commands = []
    in_commands = False
    for line in help_text.splitlines():
        if line.startswith("commands:"):
            in_commands = True
            continue
        if in_commands and line.startswith("  ") and line.strip():
            words = re.split(r"\s{2,}", line.strip())[0]
            commands.append(words.split())
    return commands


def systemd_invocations(path):
    """argv of each Exec* line, with continuation lines joined."""
    text = open(path, encoding="utf-8").read().replace("\\\n", " ")
    for line in text.splitlines():
        match = re.match(r"^Exec[A-Za-z]*=(.*)$", line.strip())
        if match:
            yield shlex.split(match.group(1).lstrip("-@+!"))


def containerfile_invocations(path):
    """ENTRYPOINT + CMD of the last stage (exec form)."""
    text = open(path, encoding="utf-8").read().replace("\\\n", " ")
    entrypoint, command = [], []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("FROM "):
            entrypoint, command = [], []
        elif line.startswith("ENTRYPOINT "):
            entrypoint = json.loads(line[len("ENTRYPOINT "):])
        elif line.startswith("CMD "):
            command = json.loads(line[len("CMD "):])
    if entrypoint:
        yield entrypoint + command


def manifest_invocations(path, image_entrypoint):
    """command + args of every container (the image's entrypoint when no
    command is given)."""
    for document in yaml.safe_load_all(open(path, encoding="utf-8")):
        if not document:
            continue
        for container in find_containers(document):
            command = container.get("command") or image_entrypoint
            yield list(command) + list(container.get("args") or [])


def find_containers(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                yield from value
            else:
                yield from find_containers(value)
    elif isinstance(node, list):
        for item in node:
            yield from find_containers(item)


def check_invocation(where, argv, known, commands):
    problems = []
    binary = os.path.basename(argv[0])
    if binary not in known:
        return [f"{where}: runs {argv[0]}, which is neither tonghopd nor tonghop"]
    words = []
    for arg in argv[1:]:
        if arg.startswith("--"):
            name = arg[2:].split("=", 1)[0]
            if name not in known[binary]:
                problems.append(f"{where}: {binary} has no flag --{name} (see {binary} --help)")
        else:
            words.append(arg)
    if binary == "tonghop":
        if not any(words[: len(c)] == c for c in commands):
            problems.append(f"{where}: tonghop has no command \"{' '.join(words)}\"")
    elif words:
        problems.append(f"{where}: tonghopd takes no positional argument {words[0]!r}")
    return problems


# --- an empty API server for kubectl ------------------------------------

RESOURCES = {
    "/api/v1": [("secrets", "Secret"), ("services", "Service"), ("configmaps", "ConfigMap"),
                ("persistentvolumeclaims", "PersistentVolumeClaim")],
    "/apis/apps/v1": [("statefulsets", "StatefulSet")],
    "/apis/batch/v1": [("cronjobs", "CronJob"), ("jobs", "Job")],
    "/apis/networking.k8s.io/v1": [("networkpolicies", "NetworkPolicy")],
}
GROUPS = ["apps/v1", "batch/v1", "networking.k8s.io/v1"]


class EmptyApiServer(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/api":
            return self.send_json(200, {"kind": "APIVersions", "versions": ["v1"]})
        if path == "/apis":
            groups = []
            for group_version in GROUPS:
                group, version = group_version.split("/")
                entry = {"groupVersion": group_version, "version": version}
                groups.append({"name": group, "versions": [entry], "preferredVersion": entry})
            return self.send_json(200, {"kind": "APIGroupList", "apiVersion": "v1",
                                        "groups": groups})
        if path in RESOURCES:
            resources = [{"name": name, "singularName": "", "namespaced": True, "kind": kind,
                          "verbs": ["create", "delete", "get", "list", "patch", "update",
                                    "watch"]} for name, kind in RESOURCES[path]]
            return self.send_json(200, {"kind": "APIResourceList",
                                        "groupVersion": path.split("/", 2)[-1]
                                        if path.startswith("/apis/") else "v1",
                                        "resources": resources})
        self.send_json(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                             "reason": "NotFound", "code": 404,
                             "message": f"{path} not found"})


def check_kubectl(kubectl, manifests):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EmptyApiServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    problems = []
    with tempfile.TemporaryDirectory() as home:
        config = os.path.join(home, "kubeconfig")
        with open(config, "w", encoding="utf-8") as out:
            out.write(f"""apiVersion: v1
kind: Config
clusters:
- name: empty
  cluster:
    server: http://127.0.0.1:{server.server_address[1]}
contexts:
- name: empty
  context:
    cluster: empty
    namespace: tonghop
current-context: empty
users: []
""")
        env = dict(os.environ, HOME=home, KUBECONFIG=config)
        for manifest in manifests:
            result = subprocess.run(
                [kubectl, "apply", "--dry-run=client", "--validate=false", "-f", manifest],
                env=env, capture_output=True, text=True, timeout=120)
            print(f"kubectl apply --dry-run=client --validate=false -f {manifest}:")
            print("  " + (result.stdout + result.stderr).strip().replace("\n", "\n  "))
            if result.returncode != 0:
                problems.append(f"{manifest}: kubectl apply --dry-run=client refused it")
    server.shutdown()
    return problems


def debian_kubectl(tools):
    configured = os.environ.get("TONGHOP_KUBECTL")
    if configured:
        return configured
    installed = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "kubernetes-client"],
                               capture_output=True, text=True)
    if "install ok installed" in installed.stdout:
        return "/usr/bin/kubectl"
    # Where deploy/lib/common.sh unpacks Debian's package when another
    # vendor's kubectl owns /usr/bin/kubectl.
    unpacked = os.path.join(tools, "kubernetes-client", "usr", "bin", "kubectl") if tools else ""
    if unpacked and os.access(unpacked, os.X_OK):
        return unpacked
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--tonghopd", required=True)
    parser.add_argument("--tonghop", required=True)
    parser.add_argument("--kubectl")
    parser.add_argument("--tools", help="the build's tools directory (see --kubectl=auto)")
    args = parser.parse_args()

    tonghopd_help = subprocess.run([args.tonghopd, "--help"], capture_output=True, text=True,
                                   check=True).stdout
    tonghop_help = subprocess.run([args.tonghop, "help"], capture_output=True, text=True).stdout
    known = {"tonghopd": help_flags(tonghopd_help), "tonghop": help_flags(tonghop_help)}
    commands = cli_commands(tonghop_help)
    if not known["tonghopd"] or not known["tonghop"] or not commands:
        print("cannot read the binaries' help")
        return 1

    deploy = os.path.join(args.source, "deploy")
    units = sorted(glob.glob(os.path.join(deploy, "systemd", "*.service")))
    containerfile = os.path.join(deploy, "Containerfile")
    manifests = sorted(glob.glob(os.path.join(deploy, "kubernetes", "*.yaml")))
    invocations = []
    for unit in units:
        invocations += [(unit, argv) for argv in systemd_invocations(unit)]
    image = list(containerfile_invocations(containerfile))
    invocations += [(containerfile, argv) for argv in image]
    entrypoint = image[0][:1] if image else []
    for manifest in manifests:
        invocations += [(manifest, argv) for argv in manifest_invocations(manifest, entrypoint)]

    problems = []
    checked_flags = 0
    for where, argv in invocations:
        problems += check_invocation(os.path.relpath(where, args.source), argv, known, commands)
        checked_flags += sum(1 for a in argv if a.startswith("--"))
    print(f"checked {len(invocations)} invocations with {checked_flags} flags in "
          f"{len(units)} units, the Containerfile and {len(manifests)} manifests")
    for required, what in ((units, "systemd units"), (image, "Containerfile entrypoint"),
                           (manifests, "Kubernetes manifests")):
        if not required:
            problems.append(f"no {what} found under {deploy}")

    kubectl = args.kubectl
    if kubectl == "auto":
        kubectl = debian_kubectl(args.tools)
        if kubectl is None:
            print("Debian's kubectl is not available (set TONGHOP_KUBECTL, or install "
                  "kubernetes-client): skipped")
            return 77
    if kubectl:
        problems += check_kubectl(kubectl, manifests)
    for problem in problems:
        print("PROBLEM: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
