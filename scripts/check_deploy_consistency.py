#!/usr/bin/env python3
"""Checks that the deployment files agree with each other and with the built binaries.

    check_deploy_consistency.py --bin-dir build/bin \\
        [--repo .] [--rendered dev=build/deploy/dev.yaml ...] [--no-packages]

What is compared (every mismatch is one FAIL line; exit status 1 if there is any):

- Environment: every variable set by deploy/docker/Dockerfile (ENV), docker-compose.yml and
  the rendered Kubernetes manifests (env, envFrom ConfigMaps) for one of our containers is one
  its binary's `--help` lists. Which binary a container runs is read off its image name,
  auth-content/<Dockerfile target>.
- Subcommands: the Dockerfile and compose health checks, compose `command:` and Kubernetes
  `args:` name subcommands that `--help` lists.
- Ports: the listen addresses in effect (variables set in the files, else the Dockerfile ENV,
  else the --help default) listen on all interfaces, and their ports agree with EXPOSE,
  containerPorts, probes, Service targetPorts, the Ingress backend, the Prometheus annotation,
  the published compose port, and the gateway's and content's *_SERVICE_TARGET and auth's
  AUTH_CONTENT_ADDR (which must reach a Service or compose service running the right binary,
  headless for dns:///).
- Images: Dockerfile targets, compose `build.target`/`image:` and the images in every rendered
  overlay name the same three images.
- Kubernetes hygiene the design relies on: security contexts (non-root uid = Dockerfile USER,
  read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp), resource
  requests and limits, no service-link variables, terminationGracePeriodSeconds above
  SHUTDOWN_DRAIN_MS + SHUTDOWN_GRACE_MS, file paths of *_FILE variables on a mounted volume,
  HPA/PDB/NetworkPolicy selecting what exists, every container port admitted by a
  NetworkPolicy, the metrics port in no Service.
- Runtime packages (unless --no-packages): every shared library `ldd` finds in each binary
  belongs (`dpkg -S`) to a package that the runtime stages of its Dockerfile target install,
  directly or as a dependency (`apt-cache depends --recurse`), or that debian:bookworm-slim
  already has (Priority: required / Essential packages and their dependencies).
- The PostgreSQL init script of compose and its copy in the dev overlay are identical.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

IMAGE_PREFIX = "auth-content/"
# What the checker knows about the roles of the binaries (the rest is read from the files).
LISTEN = {
    # binary: (host variable, port variable) or (address variable, None)
    "auth-service": ("AUTH_LISTEN_ADDR", None),
    "content-service": ("CONTENT_LISTEN_ADDR", None),
    "gateway": ("GATEWAY_HOST", "GATEWAY_PORT"),
}
PORT_NAME = {"auth-service": "grpc", "content-service": "grpc", "gateway": "http"}
TARGET_VARS = {"AUTH_SERVICE_TARGET": "auth-service", "CONTENT_SERVICE_TARGET": "content-service",
               "AUTH_CONTENT_ADDR": "content-service"}
WILDCARD_HOSTS = {"0.0.0.0", "::", "[::]"}
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.checks = 0

    def check(self, ok: bool, message: str) -> bool:
        self.checks += 1
        if not ok:
            self.failures.append(message)
        return ok

    def fail(self, message: str) -> None:
        self.check(False, message)


# --------------------------------------------------------------------------------------------
# Binaries


@dataclass
class Help:
    variables: dict[str, str | None]
    commands: set[str]


def read_help(binary: Path) -> Help:
    # A clean environment: the defaults printed are the binary's own.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    result = subprocess.run([str(binary), "--help"], capture_output=True, text=True, env=env,
                            timeout=20, check=False)
    text = result.stdout + result.stderr
    variables: dict[str, str | None] = {}
    commands: set[str] = set()
    section = ""
    for line in text.splitlines():
        if line and not line[0].isspace():
            section = line.lower()
            continue
        if "command" in section:
            m = re.match(r"^ {2}([a-z][a-z0-9-]*)(\s|$)", line)
            if m:
                commands.add(m.group(1))
            continue
        m = re.match(r"^ {2}([A-Z][A-Z0-9_]+)\s{2,}(.*)$", line)
        if m:
            d = re.search(r"\(default: (.*)\)\s*$", m.group(2))
            default = None
            if d:
                default = "" if d.group(1) == '""' else d.group(1)
            variables[m.group(1)] = default
    if not variables:
        raise RuntimeError(f"{binary} --help listed no environment variables (exit {result.returncode}):\n{text}")
    # Running without a subcommand serves; `serve` may or may not be listed.
    commands.add("serve")
    return Help(variables, commands)


# --------------------------------------------------------------------------------------------
# Dockerfile


@dataclass
class Stage:
    name: str
    base: str
    env: dict[str, str] = field(default_factory=dict)
    packages: list[str] = field(default_factory=list)
    expose: list[int] = field(default_factory=list)
    user: str | None = None
    entrypoint: object = None
    cmd: object = None
    healthcheck: object = None
    copies: list[tuple[str | None, list[str], str]] = field(default_factory=list)


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    instructions: list[tuple[str, str]] = []
    current = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not current):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        if current.strip():
            word, _, rest = current.strip().partition(" ")
            instructions.append((word.upper(), rest.strip()))
        current = ""
    if current.strip():
        word, _, rest = current.strip().partition(" ")
        instructions.append((word.upper(), rest.strip()))
    return instructions


def parse_exec_form(value: str) -> object:
    value = value.strip()
    if value.startswith("["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value  # shell form: a string


def parse_env_instruction(rest: str) -> dict[str, str]:
    out: dict[str, str] = {}
    tokens = shlex.split(rest)
    if tokens and "=" not in tokens[0]:  # legacy "ENV KEY value"
        return {tokens[0]: " ".join(tokens[1:])}
    for token in tokens:
        key, _, value = token.partition("=")
        out[key] = value
    return out


def apt_packages(run: str) -> list[str]:
    packages: list[str] = []
    for segment in re.split(r"&&|\|\||;", run):
        tokens = shlex.split(segment)
        tokens = [t for t in tokens if not re.match(r"^[A-Z_][A-Z0-9_]*=", t)]
        if len(tokens) >= 2 and tokens[0] in ("apt-get", "apt") and "install" in tokens:
            after = tokens[tokens.index("install") + 1:]
            packages += [t.split("=")[0] for t in after if not t.startswith("-")]
    return packages


def parse_dockerfile(path: Path) -> dict[str, Stage]:
    stages: dict[str, Stage] = {}
    stage: Stage | None = None
    for word, rest in dockerfile_instructions(path.read_text()):
        if word == "FROM":
            m = re.match(r"^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$", rest, re.IGNORECASE)
            if not m:
                raise RuntimeError(f"{path}: cannot parse FROM {rest}")
            name = m.group(2) or f"stage{len(stages)}"
            stage = Stage(name=name, base=m.group(1))
            stages[name] = stage
        elif stage is None:
            continue
        elif word == "ENV":
            stage.env.update(parse_env_instruction(rest))
        elif word == "RUN":
            stage.packages += apt_packages(rest)
        elif word == "EXPOSE":
            stage.expose += [int(p.split("/")[0]) for p in rest.split()]
        elif word == "USER":
            stage.user = rest.strip()
        elif word == "ENTRYPOINT":
            stage.entrypoint = parse_exec_form(rest)
        elif word == "CMD":
            stage.cmd = parse_exec_form(rest)
        elif word == "HEALTHCHECK":
            m = re.search(r"\bCMD\s+(.*)$", rest)
            stage.healthcheck = parse_exec_form(m.group(1)) if m else rest
        elif word == "COPY":
            tokens = rest.split()
            source_stage = None
            args = []
            for t in tokens:
                if t.startswith("--from="):
                    source_stage = t.split("=", 1)[1]
                elif not t.startswith("--"):
                    args.append(t)
            if len(args) >= 2:
                stage.copies.append((source_stage, args[:-1], args[-1]))
    return stages


def stage_chain(stages: dict[str, Stage], name: str) -> list[Stage]:
    chain = []
    while name in stages:
        chain.append(stages[name])
        name = stages[name].base
    return list(reversed(chain))  # base first


@dataclass
class Target:
    name: str  # = binary name
    env: dict[str, str]
    packages: list[str]
    expose: list[int]
    user: str | None
    entrypoint: object
    healthcheck: object
    stage: Stage


def dockerfile_targets(stages: dict[str, Stage]) -> dict[str, Target]:
    targets = {}
    for name, stage in stages.items():
        chain = stage_chain(stages, name)
        entrypoint = next((s.entrypoint for s in reversed(chain) if s.entrypoint is not None), None)
        if entrypoint is None:
            continue
        env: dict[str, str] = {}
        packages: list[str] = []
        expose: list[int] = []
        user = None
        healthcheck = None
        for s in chain:
            env.update(s.env)
            packages += s.packages
            expose += s.expose
            user = s.user or user
            healthcheck = s.healthcheck if s.healthcheck is not None else healthcheck
        targets[name] = Target(name, env, packages, expose, user, entrypoint, healthcheck, stage)
    return targets


# --------------------------------------------------------------------------------------------
# Shared helpers


def split_host_port(address: str) -> tuple[str, int | None]:
    m = re.match(r"^\[([^\]]*)\]:(\d+)$", address) or re.match(r"^([^:]*):(\d+)$", address)
    if not m:
        return address, None
    return m.group(1), int(m.group(2))


def effective(help_: Help, target: Target | None, settings: dict[str, str | None]) -> dict[str, str | None]:
    values: dict[str, str | None] = dict(help_.variables)
    if target:
        values.update(target.env)
    values.update(settings)
    return values


def listen_address(binary: str, values: dict[str, str | None]) -> tuple[str | None, int | None]:
    host_var, port_var = LISTEN[binary]
    if port_var is None:
        value = values.get(host_var)
        if value is None:
            return None, None
        return split_host_port(value)
    port = values.get(port_var)
    return values.get(host_var), int(port) if port and port.isdigit() else None


def metrics_port(values: dict[str, str | None]) -> int | None:
    value = values.get("METRICS_ADDR")
    return split_host_port(value)[1] if value else None


def parse_grpc_target(value: str) -> tuple[str, list[tuple[str, int | None]]]:
    """(scheme, [(host, port)]) of a gRPC target string."""
    m = re.match(r"^dns:(?://[^/]*)?/(.+)$", value)
    if m:
        return "dns", [split_host_port(m.group(1))]
    m = re.match(r"^(ipv4|ipv6):(.+)$", value)
    if m:
        return m.group(1), [split_host_port(a) for a in m.group(2).split(",")]
    if value.startswith("unix:"):
        return "unix", []
    return "passthrough", [split_host_port(value)]


def binary_of_image(image: str, targets: dict[str, Target]) -> str | None:
    m = re.search(r"(?:^|/)" + re.escape(IMAGE_PREFIX) + r"([a-z0-9._-]+)(?:[:@].*)?$", image)
    return m.group(1) if m else None


def subcommand_of(value: object) -> str | None:
    if isinstance(value, list) and value:
        return str(value[0])
    if isinstance(value, str) and value.strip():
        return value.split()[0]
    return None


def check_variables(report: Report, where: str, binary: str, names, help_: Help) -> None:
    for name in names:
        report.check(name in help_.variables,
                     f"{where}: {name} is not a variable `{binary} --help` lists")


# --------------------------------------------------------------------------------------------
# Dockerfile checks


def check_dockerfile(report: Report, path: Path, targets: dict[str, Target], helps: dict[str, Help]) -> None:
    report.check(set(targets) == set(LISTEN),
                 f"{path}: final targets (stages with an ENTRYPOINT) are {sorted(targets)}, expected {sorted(LISTEN)}")
    for name, t in targets.items():
        where = f"{path} target {name}"
        if name not in helps:
            continue
        help_ = helps[name]
        ok_entry = isinstance(t.entrypoint, list) and len(t.entrypoint) >= 1 and \
            Path(str(t.entrypoint[0])).name == name
        report.check(ok_entry, f"{where}: ENTRYPOINT must be exec form running the {name} binary, got {t.entrypoint!r}")
        if ok_entry:
            dest = str(t.entrypoint[0])
            report.check(any(src and any(Path(s).name == name for s in sources) and
                             (dest == d or dest.startswith(d.rstrip("/") + "/")) for src, sources, d in t.stage.copies),
                         f"{where}: no COPY --from=<build> of bin/{name} to {dest}")
        report.check(t.user is not None and t.user.split(":")[0] == "10001",
                     f"{where}: USER must be 10001, got {t.user!r}")
        check_variables(report, f"{where} ENV", name, t.env, help_)
        hc = t.healthcheck
        if report.check(isinstance(hc, list) and len(hc) >= 2,
                        f"{where}: HEALTHCHECK must be exec form CMD [\"{name} path\", \"healthcheck\"], got {hc!r}"):
            report.check(ok_entry and hc[0] == t.entrypoint[0],
                         f"{where}: HEALTHCHECK runs {hc[0]}, not the ENTRYPOINT binary")
            report.check(hc[1] in help_.commands,
                         f"{where}: HEALTHCHECK subcommand {hc[1]!r} is not a command `{name} --help` lists")
        values = effective(help_, t, {})
        host, port = listen_address(name, values)
        report.check(host in WILDCARD_HOSTS,
                     f"{where}: listens on {host!r} in a container; set {LISTEN[name][0]} to 0.0.0.0")
        report.check(port in t.expose, f"{where}: listen port {port} is not in EXPOSE {t.expose}")
        mport = metrics_port(values)
        report.check(mport is not None and mport in t.expose,
                     f"{where}: METRICS_ADDR port {mport} is not in EXPOSE {t.expose}")
        if values.get("METRICS_ADDR"):
            report.check(split_host_port(values["METRICS_ADDR"])[0] in WILDCARD_HOSTS,
                         f"{where}: METRICS_ADDR {values['METRICS_ADDR']} is unreachable from outside the container")


# Packages of scripts/install-deps.sh that building needs (the rest run tests or the local
# stack). libgmock-dev: GMock is optional to CMake's GTest package and only tests use it;
# libclang-rt-14-dev: the sanitizer runtimes and libFuzzer, for the sanitized test tree only.
BUILD_TOOLS = {"build-essential", "cmake", "ninja-build", "pkg-config", "protobuf-compiler",
               "protobuf-compiler-grpc", "python3-yaml"}
NOT_FOR_IMAGE_BUILD = {"libgmock-dev", "libclang-rt-14-dev"}


def install_deps_packages(path: Path) -> list[str]:
    m = re.search(r"^PACKAGES=\((.*?)^\)", path.read_text(), re.MULTILINE | re.DOTALL)
    if not m:
        return []
    names = []
    for line in m.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        names += line.split()
    return names


def check_build_stage(report: Report, dockerfile: Path, stages: dict[str, Stage], install_deps: Path) -> None:
    build_stages = {src for t in stages.values() for src, _, _ in t.copies if src}
    packages = {p for name in build_stages for s in stage_chain(stages, name) for p in s.packages}
    wanted = [p for p in install_deps_packages(install_deps)
              if (p.endswith("-dev") or p in BUILD_TOOLS) and p not in NOT_FOR_IMAGE_BUILD]
    report.check(bool(wanted), f"{install_deps}: no PACKAGES list found")
    for p in wanted:
        report.check(p in packages, f"{dockerfile}: the build stage ({', '.join(sorted(build_stages))}) does not "
                                    f"install {p}, which {install_deps.name} installs for building")


# --------------------------------------------------------------------------------------------
# docker-compose checks

_INTERPOLATE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value):
    """Compose variable interpolation with every variable unset (so defaults apply)."""
    if isinstance(value, str):
        def repl(m):
            if m.group(0) == "$$":
                return "$"
            if m.group(2) in (":-", "-"):
                return m.group(3)
            return ""
        return _INTERPOLATE.sub(repl, value)
    if isinstance(value, list):
        return [interpolate(v) for v in value]
    if isinstance(value, dict):
        return {k: interpolate(v) for k, v in value.items()}
    return value


def compose_env(service: dict) -> dict[str, str | None]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        out: dict[str, str | None] = {}
        for item in env:
            key, sep, value = str(item).partition("=")
            out[key] = value if sep else None
        return out
    return {k: (None if v is None else str(v)) for k, v in env.items()}


def compose_mounts(service: dict) -> list[tuple[str, str]]:
    """(source, target) of each volume."""
    out = []
    for v in service.get("volumes") or []:
        if isinstance(v, str):
            parts = v.split(":")
            if len(parts) >= 2:
                out.append((parts[0], parts[1]))
            else:
                out.append(("", parts[0]))
        elif isinstance(v, dict):
            out.append((str(v.get("source", "")), str(v.get("target", ""))))
    return out


def check_compose(report: Report, path: Path, repo: Path, dockerfile: Path,
                  targets: dict[str, Target], helps: dict[str, Help]) -> None:
    doc = interpolate(yaml.safe_load(path.read_text()))
    services: dict[str, dict] = doc.get("services") or {}
    binaries: dict[str, str] = {}
    values_of: dict[str, dict[str, str | None]] = {}
    for name, svc in services.items():
        where = f"{path} service {name}"
        image = str(svc.get("image", ""))
        build = svc.get("build")
        binary = binary_of_image(image, targets) if image else None
        if isinstance(build, dict) or isinstance(build, str):
            build = {"context": build} if isinstance(build, str) else build
            target = build.get("target")
            df = (repo / str(build.get("context", ".")) / str(build.get("dockerfile", "Dockerfile"))).resolve()
            report.check(df == dockerfile.resolve(), f"{where}: builds {df}, not {dockerfile}")
            if report.check(target in targets, f"{where}: build.target {target!r} is not a final Dockerfile target {sorted(targets)}"):
                report.check(binary == target,
                             f"{where}: image {image!r} does not name build target {target!r} ({IMAGE_PREFIX}{target})")
        if binary is None:
            if image.startswith(IMAGE_PREFIX) or "/" + IMAGE_PREFIX in image:
                report.fail(f"{where}: image {image!r} names no Dockerfile target")
            continue
        if not report.check(binary in targets and binary in helps, f"{where}: image {image!r} names no Dockerfile target"):
            continue
        binaries[name] = binary
        help_ = helps[binary]
        target = targets[binary]
        env = compose_env(svc)
        check_variables(report, f"{where} environment", binary, env, help_)
        values = effective(help_, target, env)
        values_of[name] = values
        command = svc.get("command")
        if isinstance(command, str):
            command = shlex.split(command)
        sub = subcommand_of(command)
        report.check(sub is None or sub in help_.commands,
                     f"{where}: command {sub!r} is not a command `{binary} --help` lists")
        hc = svc.get("healthcheck") or {}
        if hc and not hc.get("disable"):
            test = hc.get("test")
            ok = isinstance(test, list) and len(test) >= 3 and test[0] == "CMD"
            if report.check(ok, f"{where}: healthcheck test must be [\"CMD\", binary, subcommand], got {test!r}"):
                report.check(isinstance(target.entrypoint, list) and test[1] == target.entrypoint[0],
                             f"{where}: healthcheck runs {test[1]}, not the image's binary")
                report.check(test[2] in help_.commands,
                             f"{where}: healthcheck subcommand {test[2]!r} is not a command `{binary} --help` lists")
        serving = sub in (None, "serve")
        if serving:
            host, port = listen_address(binary, values)
            report.check(host in WILDCARD_HOSTS, f"{where}: listens on {host!r}, unreachable from other containers")
            report.check(port in target.expose, f"{where}: listen port {port} is not EXPOSEd by target {binary} {target.expose}")
            mport = metrics_port(values)
            report.check(mport in target.expose, f"{where}: METRICS_ADDR port {mport} is not EXPOSEd by target {binary} {target.expose}")
        # *_FILE settings must lie on a mounted volume (the key made by auth-keygen).
        for var, value in values.items():
            if var.endswith("_FILE") and value and var in env:
                report.check(any(value.startswith(t.rstrip("/") + "/") for _, t in compose_mounts(svc)),
                             f"{where}: {var}={value} is on no volume of the service")
    # Ports: only the gateway publishes, on its listen port.
    for name, svc in services.items():
        where = f"{path} service {name}"
        for p in svc.get("ports") or []:
            if binaries.get(name) != "gateway":
                report.fail(f"{where}: publishes {p!r}; only the gateway may publish a port")
                continue
            container = str(p.get("target")) if isinstance(p, dict) else str(p).split(":")[-1].split("/")[0]
            _, port = listen_address("gateway", values_of[name])
            report.check(container == str(port), f"{where}: publishes container port {container}, the gateway listens on {port}")
    report.check(sorted(set(binaries.values())) == sorted(targets),
                 f"{path}: runs {sorted(set(binaries.values()))}, expected every image {sorted(targets)}")
    # gRPC targets reach a compose service running the right binary, on its listen port.
    for name, values in values_of.items():
        env = compose_env(services[name])
        for var, role in TARGET_VARS.items():
            if var not in env or not env[var]:
                continue
            scheme, addresses = parse_grpc_target(env[var])
            for host, port in addresses:
                where = f"{path} service {name} {var}={env[var]}"
                if scheme in ("dns", "passthrough"):
                    if not report.check(binaries.get(host) == role, f"{where}: {host!r} is no compose service running {role}"):
                        continue
                    _, listen_port = listen_address(role, values_of[host])
                    report.check(port == listen_port, f"{where}: port {port}, but {host} listens on {listen_port}")
    # URLs of PostgreSQL/Redis name compose services.
    for name, values in values_of.items():
        for var, value in compose_env(services[name]).items():
            if var.endswith("_URL") and value and re.match(r"^(postgres(ql)?|redis)://", value):
                host = re.sub(r"^[a-z]+://(?:[^@/]*@)?", "", value).split("/")[0]
                host = split_host_port(host)[0]
                report.check(host in services, f"{path} service {name}: {var} names host {host!r}, no compose service")
    # depends_on conditions can be met.
    for name, svc in services.items():
        deps = svc.get("depends_on") or {}
        if isinstance(deps, list):
            continue
        for dep, spec in deps.items():
            where = f"{path} service {name} depends_on {dep}"
            if not report.check(dep in services, f"{where}: no such service"):
                continue
            condition = (spec or {}).get("condition", "service_started")
            other = services[dep]
            if condition == "service_healthy":
                hc = other.get("healthcheck") or {}
                image_hc = dep in binaries and targets[binaries[dep]].healthcheck is not None
                report.check(not hc.get("disable") and (bool(hc.get("test")) or image_hc),
                             f"{where}: service_healthy, but {dep} has no health check")
            elif condition == "service_completed_successfully":
                report.check(str(other.get("restart", "no")) in ("no", "False", "false"),
                             f"{where}: service_completed_successfully, but {dep} restarts")
    # The key the one-shot generates is the key auth reads (same volume, same path).
    keygens = [n for n, b in binaries.items() if subcommand_of(services[n].get("command")) == "generate-key"]
    for name, binary in binaries.items():
        if binary != "auth-service" or name in keygens:
            continue
        key = values_of[name].get("JWT_PRIVATE_KEY_FILE") or ""
        sources = {s for s, t in compose_mounts(services[name]) if key.startswith(t.rstrip("/") + "/")}
        ok = any(values_of[k].get("JWT_PRIVATE_KEY_FILE") == key and
                 sources & {s for s, t in compose_mounts(services[k]) if key.startswith(t.rstrip("/") + "/")}
                 for k in keygens)
        report.check(ok, f"{path} service {name}: no generate-key service writes {key} on the same volume")


# --------------------------------------------------------------------------------------------
# Kubernetes checks


def labels_match(selector: dict, labels: dict) -> bool:
    if not selector:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, vals = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in vals:
            return False
        if op == "NotIn" and labels.get(key) in vals:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return bool(selector.get("matchLabels") or selector.get("matchExpressions"))


@dataclass
class Pod:
    workload: dict
    template: dict
    labels: dict
    containers: list[dict]  # main containers
    init_containers: list[dict]

    @property
    def name(self) -> str:
        return f"{self.workload['kind']}/{self.workload['metadata']['name']}"

    def ports(self) -> list[dict]:
        return [p for c in self.containers for p in c.get("ports") or []]

    def resolve(self, port) -> int | None:
        """A port number or a containerPort name of this pod -> number."""
        if isinstance(port, int):
            return port if any(p.get("containerPort") == port for p in self.ports()) else None
        if isinstance(port, str) and port.isdigit():
            return self.resolve(int(port))
        for p in self.ports():
            if p.get("name") == port:
                return p.get("containerPort")
        return None


def check_kubernetes(report: Report, overlay: str, path: Path, targets: dict[str, Target],
                     helps: dict[str, Help]) -> None:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    where0 = f"{overlay} ({path})"
    seen = set()
    for d in docs:
        key = (d.get("kind"), d.get("metadata", {}).get("name"))
        report.check(key not in seen, f"{where0}: {key[0]}/{key[1]} twice")
        seen.add(key)
    by_kind: dict[str, dict[str, dict]] = {}
    for d in docs:
        by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
    configmaps = by_kind.get("ConfigMap", {})
    services = by_kind.get("Service", {})

    pods: list[Pod] = []
    for kind in WORKLOAD_KINDS:
        for w in by_kind.get(kind, {}).values():
            tpl = w["spec"]["template"]
            spec = tpl.get("spec", {})
            pods.append(Pod(w, tpl, (tpl.get("metadata") or {}).get("labels") or {},
                            spec.get("containers") or [], spec.get("initContainers") or []))
            report.check(labels_match(w["spec"].get("selector") or {}, (tpl.get("metadata") or {}).get("labels") or {}),
                         f"{where0} {kind}/{w['metadata']['name']}: selector does not match its pod template")

    ours: dict[str, Pod] = {}  # binary -> pod running it as main container
    binary_of_pod: dict[int, str] = {}
    listen_of: dict[str, int | None] = {}
    metrics_of: dict[str, int | None] = {}
    for pod in pods:
        spec = pod.template.get("spec", {})
        pod_sc = spec.get("securityContext") or {}
        for container, is_init in [(c, False) for c in pod.containers] + [(c, True) for c in pod.init_containers]:
            binary = binary_of_image(str(container.get("image", "")), targets)
            if binary is None:
                continue
            where = f"{where0} {pod.name} container {container.get('name')}"
            if not report.check(binary in targets and binary in helps,
                                f"{where}: image {container.get('image')} names no Dockerfile target"):
                continue
            help_ = helps[binary]
            target = targets[binary]
            settings: dict[str, str | None] = {}
            for e in container.get("env") or []:
                settings[e["name"]] = e.get("value") if "value" in e else None
            for src in container.get("envFrom") or []:
                if "configMapRef" in src:
                    cm = configmaps.get(src["configMapRef"]["name"])
                    if report.check(cm is not None or src["configMapRef"].get("optional"),
                                    f"{where}: envFrom ConfigMap {src['configMapRef']['name']} is not in the render"):
                        for k, v in ((cm or {}).get("data") or {}).items():
                            settings.setdefault(k, v)
                else:
                    report.fail(f"{where}: envFrom {list(src)} cannot be checked against --help; "
                                "use env with valueFrom.secretKeyRef per variable")
            check_variables(report, where, binary, settings, help_)
            report.check("command" not in container,
                         f"{where}: `command` replaces the image's ENTRYPOINT; use args for a subcommand")
            sub = subcommand_of(container.get("args"))
            report.check(sub is None or sub in help_.commands,
                         f"{where}: args subcommand {sub!r} is not a command `{binary} --help` lists")
            values = effective(help_, target, settings)
            # Security context (container settings override the pod's).
            sc = dict(pod_sc)
            sc.update({k: v for k, v in (container.get("securityContext") or {}).items()})
            uid = int(target.user.split(":")[0]) if target.user and target.user.split(":")[0].isdigit() else None
            report.check(sc.get("runAsNonRoot") is True, f"{where}: runAsNonRoot is not true")
            report.check(sc.get("runAsUser") == uid, f"{where}: runAsUser {sc.get('runAsUser')} is not the image's USER {uid}")
            csc = container.get("securityContext") or {}
            report.check(csc.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem is not true")
            report.check(csc.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation is not false")
            report.check("ALL" in ((csc.get("capabilities") or {}).get("drop") or []), f"{where}: capabilities do not drop ALL")
            report.check((sc.get("seccompProfile") or {}).get("type") == "RuntimeDefault",
                         f"{where}: seccompProfile is not RuntimeDefault")
            res = container.get("resources") or {}
            for kind in ("requests", "limits"):
                for r in ("cpu", "memory"):
                    report.check(r in (res.get(kind) or {}), f"{where}: no resources.{kind}.{r}")
            mounts = container.get("volumeMounts") or []
            for var, value in values.items():
                if var.endswith("_FILE") and value and var in settings:
                    report.check(any(value.startswith(m["mountPath"].rstrip("/") + "/") for m in mounts),
                                 f"{where}: {var}={value} is on no mounted volume")
            if is_init or sub not in (None, "serve"):
                continue
            # The serving container.
            report.check(spec.get("enableServiceLinks") is False,
                         f"{where}: enableServiceLinks must be false (Service variables would join the environment)")
            ours.setdefault(binary, pod)
            binary_of_pod[id(pod)] = binary
            host, port = listen_address(binary, values)
            listen_of[binary] = port
            report.check(host in WILDCARD_HOSTS, f"{where}: listens on {host!r}, unreachable from the pod network")
            ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
            report.check(ports.get(PORT_NAME[binary]) == port,
                         f"{where}: containerPort {PORT_NAME[binary]!r} is {ports.get(PORT_NAME[binary])}, the binary listens on {port}")
            mport = metrics_port(values)
            metrics_of[binary] = mport
            report.check(ports.get("metrics") == mport,
                         f"{where}: containerPort 'metrics' is {ports.get('metrics')}, METRICS_ADDR port is {mport}")
            ann = (pod.template.get("metadata") or {}).get("annotations") or {}
            report.check(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port") == str(mport),
                         f"{where}: prometheus.io annotations (scrape true, port {ann.get('prometheus.io/port')}) "
                         f"do not point at METRICS_ADDR port {mport}")
            for probe_name in ("readinessProbe", "livenessProbe", "startupProbe"):
                probe = container.get(probe_name)
                if probe is None:
                    report.check(probe_name == "startupProbe", f"{where}: no {probe_name}")
                    continue
                if binary == "gateway":
                    http = probe.get("httpGet")
                    if report.check(http is not None, f"{where}: {probe_name} is not httpGet"):
                        report.check(pod.resolve(http.get("port")) == port,
                                     f"{where}: {probe_name} port {http.get('port')} is not the HTTP port {port}")
                        wanted = "/readyz" if probe_name == "readinessProbe" else "/healthz"
                        report.check(http.get("path") == wanted,
                                     f"{where}: {probe_name} path {http.get('path')}, expected {wanted}")
                else:
                    grpc = probe.get("grpc")
                    if report.check(grpc is not None, f"{where}: {probe_name} is not a grpc probe"):
                        report.check(grpc.get("port") == port,
                                     f"{where}: {probe_name} grpc port {grpc.get('port')} is not the listen port {port}")
            grace_ms = int(spec.get("terminationGracePeriodSeconds", 30)) * 1000
            drain = int(values.get("SHUTDOWN_DRAIN_MS") or 0)
            shutdown = int(values.get("SHUTDOWN_GRACE_MS") or 0)
            report.check(grace_ms > drain + shutdown,
                         f"{where}: terminationGracePeriodSeconds {grace_ms // 1000}s does not exceed "
                         f"SHUTDOWN_DRAIN_MS {drain} + SHUTDOWN_GRACE_MS {shutdown}")
    report.check(sorted(ours) == sorted(targets), f"{where0}: runs {sorted(ours)}, expected every image {sorted(targets)}")

    def selected(selector: dict) -> list[Pod]:
        return [p for p in pods if selector and all(p.labels.get(k) == v for k, v in selector.items())]

    # Services: targetPorts exist on the selected pods; no Service carries a metrics port.
    for name, svc in services.items():
        sel = (svc.get("spec") or {}).get("selector") or {}
        chosen = selected(sel)
        where = f"{where0} Service/{name}"
        if not report.check(bool(chosen), f"{where}: selector {sel} selects no pod template"):
            continue
        for p in svc["spec"].get("ports") or []:
            target_port = p.get("targetPort", p.get("port"))
            for pod in chosen:
                number = pod.resolve(target_port)
                report.check(number is not None, f"{where} port {p.get('port')}: targetPort {target_port} is no containerPort of {pod.name}")
                b = binary_of_pod.get(id(pod))
                if b is not None and number is not None:
                    report.check(number != metrics_of.get(b), f"{where}: exposes the metrics port {number} of {pod.name}")

    def service_port_target(svc: dict, port_ref) -> list[int | None]:
        out = []
        for p in svc["spec"].get("ports") or []:
            if port_ref in (p.get("port"), p.get("name")):
                tp = p.get("targetPort", p.get("port"))
                out += [pod.resolve(tp) for pod in selected(svc["spec"].get("selector") or {})]
        return out

    policies = list(by_kind.get("NetworkPolicy", {}).values())

    def admitted_from(server: Pod, client: Pod, port: int | None) -> bool:
        """Whether the NetworkPolicies let `client` (same namespace) reach `server` on `port`."""
        selecting = [p for p in policies if labels_match(p["spec"].get("podSelector") or {}, server.labels)
                     and "Ingress" in (p["spec"].get("policyTypes") or ["Ingress"])]
        if not selecting:
            return True  # not isolated
        for pol in selecting:
            for rule in pol["spec"].get("ingress") or []:
                ports = rule.get("ports")
                if ports and not any(server.resolve(rp.get("port")) == port for rp in ports):
                    continue
                peers = rule.get("from")
                if not peers or any("podSelector" in peer and "namespaceSelector" not in peer
                                    and (labels_match(peer["podSelector"], client.labels) or peer["podSelector"] == {})
                                    for peer in peers):
                    return True
        return False

    # gRPC targets of our containers reach a Service of the right binary, on its port.
    for binary, pod in ours.items():
        for c in pod.containers:
            if binary_of_image(str(c.get("image", "")), targets) != binary:
                continue
            settings = {e["name"]: e.get("value") for e in c.get("env") or []}
            for src in c.get("envFrom") or []:
                if "configMapRef" in src:
                    settings.update((configmaps.get(src["configMapRef"]["name"]) or {}).get("data") or {})
            for var, role in TARGET_VARS.items():
                value = settings.get(var)
                if not value:
                    continue
                where = f"{where0} {pod.name} {var}={value}"
                scheme, addresses = parse_grpc_target(value)
                for host, port in addresses:
                    if scheme not in ("dns", "passthrough"):
                        report.check(port == listen_of.get(role), f"{where}: port {port}, {role} listens on {listen_of.get(role)}")
                        continue
                    svc = services.get(host.split(".")[0])
                    if not report.check(svc is not None, f"{where}: no Service {host.split('.')[0]!r} in the render"):
                        continue
                    chosen = selected(svc["spec"].get("selector") or {})
                    report.check(bool(chosen) and all(binary_of_pod.get(id(p)) == role for p in chosen),
                                 f"{where}: Service {host} does not select {role} pods")
                    resolved = service_port_target(svc, port)
                    report.check(bool(resolved) and all(r == listen_of.get(role) for r in resolved),
                                 f"{where}: Service {host} port {port} does not reach {role}'s listen port {listen_of.get(role)}")
                    for server in chosen:
                        report.check(admitted_from(server, pod, listen_of.get(role)),
                                     f"{where}: no NetworkPolicy admits {pod.name} to {server.name} port {listen_of.get(role)}")
                    if scheme == "dns":
                        report.check(svc["spec"].get("clusterIP") == "None",
                                     f"{where}: dns:/// round_robin needs a headless Service (clusterIP: None); "
                                     f"{host} has one virtual IP")

    # Ingress backends: the gateway's HTTP port, never metrics.
    for name, ing in by_kind.get("Ingress", {}).items():
        backends = []
        for rule in ing["spec"].get("rules") or []:
            backends += [p["backend"] for p in (rule.get("http") or {}).get("paths") or []]
        if ing["spec"].get("defaultBackend"):
            backends.append(ing["spec"]["defaultBackend"])
        for b in backends:
            s = b.get("service") or {}
            port_ref = (s.get("port") or {}).get("name") or (s.get("port") or {}).get("number")
            where = f"{where0} Ingress/{name} backend {s.get('name')}:{port_ref}"
            svc = services.get(s.get("name"))
            if not report.check(svc is not None, f"{where}: no such Service"):
                continue
            resolved = service_port_target(svc, port_ref)
            report.check(bool(resolved) and all(r == listen_of.get("gateway") for r in resolved),
                         f"{where}: does not reach the gateway's HTTP port {listen_of.get('gateway')}")

    for name, hpa in by_kind.get("HorizontalPodAutoscaler", {}).items():
        ref = hpa["spec"]["scaleTargetRef"]
        report.check(ref.get("name") in by_kind.get(ref.get("kind"), {}),
                     f"{where0} HorizontalPodAutoscaler/{name}: target {ref.get('kind')}/{ref.get('name')} is not in the render")
        report.check(hpa["spec"].get("minReplicas", 1) <= hpa["spec"]["maxReplicas"],
                     f"{where0} HorizontalPodAutoscaler/{name}: minReplicas above maxReplicas")
    for name, pdb in by_kind.get("PodDisruptionBudget", {}).items():
        report.check(any(labels_match(pdb["spec"].get("selector") or {}, p.labels) for p in pods),
                     f"{where0} PodDisruptionBudget/{name}: selects no pod template")

    # NetworkPolicies: named ports exist; every port of our pods is admitted by some rule;
    # a rule admitting a metrics port does not admit everyone.
    for pol in policies:
        chosen = [p for p in pods if labels_match(pol["spec"].get("podSelector") or {}, p.labels)]
        where = f"{where0} NetworkPolicy/{pol['metadata']['name']}"
        if not report.check(bool(chosen), f"{where}: podSelector selects no pod template"):
            continue
        for rule in pol["spec"].get("ingress") or []:
            for rp in rule.get("ports") or []:
                for pod in chosen:
                    number = pod.resolve(rp.get("port"))
                    report.check(number is not None, f"{where}: port {rp.get('port')} is no containerPort of {pod.name}")
                    b = binary_of_pod.get(id(pod))
                    if b is not None and number is not None and number == metrics_of.get(b):
                        report.check(bool(rule.get("from")), f"{where}: the metrics port is open to every source")
    for binary, pod in ours.items():
        for p in pod.ports():
            admitted = False
            for pol in policies:
                if not labels_match(pol["spec"].get("podSelector") or {}, pod.labels):
                    continue
                for rule in pol["spec"].get("ingress") or []:
                    rule_ports = rule.get("ports")
                    if not rule_ports or any(pod.resolve(rp.get("port")) == p["containerPort"] for rp in rule_ports):
                        admitted = True
            report.check(admitted, f"{where0} {pod.name}: no NetworkPolicy admits port {p.get('name')} ({p['containerPort']})")


# --------------------------------------------------------------------------------------------
# Runtime packages


def run_lines(cmd: list[str]) -> list[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return result.stdout.splitlines()


def ldd_libraries(binary: Path) -> list[str]:
    libs = []
    for line in run_lines(["ldd", str(binary)]):
        m = re.match(r"^\s*(\S+)\s+=>\s+(\S+)", line)
        if m and m.group(2) != "not":
            libs.append(m.group(2))
        elif "not found" in line:
            raise RuntimeError(f"ldd {binary}: {line.strip()}")
    return libs


def packages_of_files(paths: list[str]) -> dict[str, str | None]:
    """dpkg -S for each path, trying the /usr-merged twin of a path dpkg does not know."""
    out: dict[str, str | None] = {}
    candidates: dict[str, list[str]] = {}
    for p in paths:
        twins = [p, os.path.realpath(p)]
        for q in list(twins):
            twins.append(q[4:] if q.startswith("/usr/") else "/usr" + q)
        candidates[p] = list(dict.fromkeys(twins))
    every = sorted({c for cs in candidates.values() for c in cs})
    owner: dict[str, str] = {}
    result = subprocess.run(["dpkg-query", "-S", *every], capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        pkgs, _, path = line.partition(": ")
        if path:
            owner[path.strip()] = pkgs.split(",")[0].strip().split(":")[0]
    for p, cs in candidates.items():
        out[p] = next((owner[c] for c in cs if c in owner), None)
    return out


class AptGraph:
    """The dependency graph apt-cache knows for some root packages and everything below them
    (apt-cache depends --recurse, offline: the local package lists and dpkg status)."""

    def __init__(self, roots: list[str]) -> None:
        self.graph: dict[str, list[list[str]]] = {}
        self.providers: dict[str, list[str]] = {}
        lines = run_lines(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                           "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances",
                           *sorted(set(roots))]) if roots else []
        current = None
        group: list[str] = []
        last_dep = None
        for line in lines:
            if not line.startswith(" "):
                current = line.strip()
                self.graph.setdefault(current, [])
                group = []
                continue
            m = re.match(r"^  (\|?)(?:Pre)?Depends: (.+)$", line)
            if m and current:
                name = m.group(2).strip()
                group.append(name)
                last_dep = name
                if not m.group(1):  # no "|": the alternative group ends here
                    self.graph[current].append(group)
                    group = []
                continue
            m = re.match(r"^    (\S+)$", line)
            if m and last_dep and last_dep.startswith("<"):
                self.providers.setdefault(last_dep.strip("<>"), []).append(m.group(1))

    def known(self, package: str) -> bool:
        return package in self.graph

    def closure(self, roots: list[str]) -> set[str]:
        """What apt installs for `roots`: the first alternative of each dependency, a virtual
        package through its first provider."""
        seen: set[str] = set()
        todo = list(roots)
        while todo:
            pkg = todo.pop()
            if pkg in seen:
                continue
            seen.add(pkg)
            for alternatives in self.graph.get(pkg, []):
                choice = None
                for alt in alternatives:
                    if alt.startswith("<"):
                        prov = self.providers.get(alt.strip("<>"))
                        if prov:
                            choice = prov[0]
                            break
                    else:
                        choice = alt
                        break
                if choice:
                    todo.append(choice.split(":")[0])
        return seen


def slim_base_roots() -> list[str]:
    """Priority required and Essential packages: what debian:bookworm-slim is made of (with
    their dependencies). Every Debian system has them all installed."""
    lines = run_lines(["dpkg-query", "-W", "-f=${Package}\t${Priority}\t${Essential}\n"])
    return [l.split("\t")[0] for l in lines if l.split("\t")[1:2] == ["required"] or l.endswith("\tyes")]


def check_packages(report: Report, dockerfile: Path, targets: dict[str, Target], bin_dir: Path) -> None:
    base_roots = slim_base_roots()
    graph = AptGraph(base_roots + [p for t in targets.values() for p in t.packages])
    if not report.check(graph.known("libc6"),
                        "apt-cache knows no packages (run apt-get update, or scripts/install-deps.sh)"):
        return
    base = graph.closure(base_roots)
    report.check(len(base) > 20, f"only {len(base)} packages found for debian:bookworm-slim: dpkg/apt-cache answers are wrong")
    for name, target in sorted(targets.items()):
        binary = bin_dir / name
        if not binary.exists():
            continue
        libs = ldd_libraries(binary)
        report.check(len(libs) > 3, f"ldd {binary} found {len(libs)} libraries; expected a dynamically linked binary")
        owners = packages_of_files(libs)
        installed = graph.closure(target.packages)
        for pkg in target.packages:
            report.check(graph.known(pkg), f"{dockerfile} target {name}: package {pkg} is unknown to apt")
        for lib, pkg in sorted(owners.items()):
            if pkg is None:
                report.fail(f"{dockerfile} target {name}: {lib} (needed by {binary}) belongs to no Debian package")
                continue
            report.check(pkg in installed or pkg in base,
                         f"{dockerfile} target {name}: {lib} needs package {pkg}, which neither the runtime "
                         f"stages ({' '.join(target.packages)}) nor debian:bookworm-slim install")


# --------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--bin-dir", type=Path, required=True)
    ap.add_argument("--dockerfile", type=Path)
    ap.add_argument("--compose", type=Path)
    ap.add_argument("--install-deps", type=Path, help="default: <repo>/scripts/install-deps.sh")
    ap.add_argument("--rendered", action="append", default=[], metavar="NAME=FILE",
                    help="a rendered overlay (kubectl kustomize output); repeatable")
    ap.add_argument("--no-packages", action="store_true", help="skip the ldd/dpkg runtime package check")
    args = ap.parse_args()
    repo = args.repo.resolve()
    dockerfile = args.dockerfile or repo / "deploy/docker/Dockerfile"
    compose = args.compose or repo / "docker-compose.yml"
    report = Report()

    stages = parse_dockerfile(dockerfile)
    targets = dockerfile_targets(stages)
    helps: dict[str, Help] = {}
    for name in sorted(targets):
        binary = args.bin_dir / name
        if report.check(binary.is_file() and os.access(binary, os.X_OK), f"{binary}: no such binary (build it first)"):
            helps[name] = read_help(binary)

    check_dockerfile(report, dockerfile, targets, helps)
    check_build_stage(report, dockerfile, stages, args.install_deps or repo / "scripts/install-deps.sh")
    check_compose(report, compose, repo, dockerfile, targets, helps)
    for item in args.rendered:
        name, _, file = item.partition("=")
        check_kubernetes(report, name, Path(file), targets, helps)
    sql = repo / "deploy/compose/postgres-init/01-databases.sql"
    sql_copy = repo / "deploy/k8s/overlays/dev/postgres-init.sql"
    report.check(sql.is_file() and sql_copy.is_file() and sql.read_bytes() == sql_copy.read_bytes(),
                 f"{sql_copy} differs from {sql}")
    if not args.no_packages:
        check_packages(report, dockerfile, targets, args.bin_dir)

    for failure in report.failures:
        print(f"FAIL {failure}")
    print(f"check_deploy_consistency: {report.checks} checks, {len(report.failures)} failed")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
