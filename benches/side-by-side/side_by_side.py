#!/usr/bin/env python3
"""bucketguard side by side with the tools users would pick instead.

Entry point: ``benches/side-by-side/run`` (see ``--help``). Python 3.11+,
standard library only. Not part of ``.ci/run``: it downloads the other
tools (a few hundred MB) from PyPI into ``.cache/side-by-side/venv``.

1. Installs cfn-lint, checkov and cfn-lsp-extra, pinned in
   ``requirements.txt`` beside this file, into a private virtual
   environment (re-installed when the pins change).
2. Builds the release binary and the ``gen`` example and writes the
   project's generated inputs (``server/src/testgen.rs``).
3. Whole processes: every tool on every input it supports, a warm-up run
   and ``--runs`` timed runs each; median wall time, CPU time and peak
   resident memory (``ru_maxrss`` from ``os.wait4`` in ``launch.py``: the
   largest process of the tree, not a sum).
4. Editor latency: ``bucketguard server`` and cfn-lsp-extra over stdio,
   the 250-bucket template opened, then ``--edits`` one-value edits, each
   timed from ``didChange`` to the next ``publishDiagnostics`` of the
   document; the server's ``VmHWM`` at the end.
5. Prints markdown tables (and writes them to ``--out`` when given).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CACHE = ROOT / ".cache" / "side-by-side"
VENV = CACHE / "venv"
REQUIREMENTS = HERE / "requirements.txt"

# The generated inputs (examples/gen.rs writes them).
INPUTS = [
    ("cfn-small", "CloudFormation, 1 bucket (`cfn_small`)", "cfn"),
    ("cfn-250", "CloudFormation, 250 buckets (`cfn_yaml(250)`)", "cfn"),
    ("tf-5", "Terraform module, 5 buckets (`tf_split(5)`)", "tf"),
    ("tf-250", "Terraform module, 250 buckets (`tf_split(250)`)", "tf"),
]

# No update check, no download of Prisma Cloud data, no platform calls
# (no API key is given, so nothing is uploaded either).
QUIET_ENV = {
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    "BC_SKIP_MAPPING": "TRUE",
}


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Set-up


def venv_bin(name: str) -> Path:
    return VENV / "bin" / name


def ensure_venv() -> None:
    """Create the venv and install the pinned requirements once."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp = VENV / ".side-by-side-requirements"
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    if VENV.exists():
        shutil.rmtree(VENV)
    log(f"creating {VENV.relative_to(ROOT)} and installing {REQUIREMENTS.name} from PyPI…")
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(venv_bin("python")), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
        check=True,
    )
    stamp.write_text(digest + "\n")


def target_dir() -> Path:
    out = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return Path(json.loads(out)["target_directory"])


def build() -> tuple[Path, Path]:
    """The release binary exactly as `cargo build --release` makes it, then
    the generator. Built apart: an example pulls in the dev-dependencies,
    whose features would otherwise be unified into the measured binary."""
    for what in (["--bin", "bucketguard"], ["--example", "gen"]):
        log(f"cargo build --release {' '.join(what)}…")
        subprocess.run(["cargo", "build", "--release", "--quiet", *what], cwd=ROOT, check=True)
    t = target_dir() / "release"
    return t / "bucketguard", t / "examples" / "gen"


def versions(bucketguard: Path) -> dict[str, str]:
    def first_line(argv: list[str]) -> str:
        r = subprocess.run(argv, capture_output=True, text=True, env=tool_env())
        return (r.stdout or r.stderr).strip().splitlines()[0]

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    pkgs = subprocess.run(
        [str(venv_bin("python")), "-c",
         "import importlib.metadata as m, json;"
         "print(json.dumps({p: m.version(p) for p in "
         "['cfn-lint', 'checkov', 'cfn-lsp-extra', 'pygls']}))"],
        capture_output=True, text=True, check=True,
    ).stdout
    own = first_line([str(bucketguard), "--version"]).removeprefix("bucketguard").strip()
    v = {"bucketguard": f"{own} (commit {commit or '?'})"}
    v.update(json.loads(pkgs))
    v["Python"] = subprocess.run(
        [str(venv_bin("python")), "--version"], capture_output=True, text=True
    ).stdout.strip().removeprefix("Python").strip()
    return v


def machine() -> dict[str, str]:
    model = "?"
    mem = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
                break
    except OSError:
        pass
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": model,
        "memory": mem,
        "kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
    }


def tool_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(QUIET_ENV)
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return env


# --------------------------------------------------------------------------
# Whole processes


@dataclass
class Tool:
    name: str
    kinds: tuple[str, ...]

    def argv(self, bucketguard: Path, kind: str, inputs: Path, name: str) -> list[str]:
        target = inputs / name
        template = str(target / "template.yaml")
        if self.name == "bucketguard":
            path = template if kind == "cfn" else str(target)
            return [str(bucketguard), "check", "--format", "json", "--exit-zero", path]
        if self.name == "cfn-lint":
            return [str(venv_bin("cfn-lint")), "--format", "json",
                    "--non-zero-exit-code", "none", template]
        if self.name == "checkov":
            where = ["-f", template] if kind == "cfn" else ["-d", str(target)]
            framework = "cloudformation" if kind == "cfn" else "terraform"
            return [str(venv_bin("checkov")), *where, "--framework", framework,
                    "--skip-download", "--quiet", "--soft-fail", "-o", "json"]
        raise ValueError(self.name)

    def findings(self, out: str) -> int:
        data = json.loads(out)
        if self.name == "bucketguard":
            return int(data["summary"]["problems"])
        if self.name == "cfn-lint":
            return len(data)
        # checkov: one report object, or a list of them; `{}`-ish when none.
        reports = data if isinstance(data, list) else [data]
        return sum(len(r.get("results", {}).get("failed_checks", [])) for r in reports)


TOOLS = [
    Tool("bucketguard", ("cfn", "tf")),
    Tool("cfn-lint", ("cfn",)),
    Tool("checkov", ("cfn", "tf")),
]


@dataclass
class Timing:
    times: list[float] = field(default_factory=list)  # wall, seconds
    cpus: list[float] = field(default_factory=list)  # user + system, seconds
    rss: list[int] = field(default_factory=list)  # KiB
    findings: int = 0

    @property
    def time(self) -> float:
        return statistics.median(self.times)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def mem(self) -> float:
        return statistics.median(self.rss)


def run_once(argv: list[str], cwd: Path, out: Path, err: Path) -> tuple[float, float, int]:
    """Wall time (s), CPU time (s, user + system, all threads and waited-for
    children) and peak RSS (KiB) of one whole process, through `launch.py`."""
    with open(out, "wb") as o, open(err, "wb") as e:
        subprocess.run([sys.executable, "-I", "-S", str(HERE / "launch.py"), *argv], cwd=cwd,
                       stdin=subprocess.DEVNULL, stdout=o, stderr=e, env=tool_env(), check=True)
    last = err.read_bytes().decode(errors="replace").rstrip().rsplit("\n", 1)[-1]
    wall, rss, cpu, code = last.split()
    if int(code) != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {code}; see {err}")
    return float(wall), float(cpu), int(rss)


def launcher_floor() -> int:
    """The peak RSS (KiB) `launch.py` reports for a program that does nothing."""
    logs = CACHE / "logs"
    true = shutil.which("true") or "/bin/true"
    return max(run_once([true], ROOT, logs / "true.out", logs / "true.err")[2] for _ in range(3))


def measure_cli(bucketguard: Path, inputs: Path, runs: int,
                tools: set[str]) -> dict[tuple[str, str], Timing]:
    logs = CACHE / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[str, str], Timing] = {}
    for name, _, kind in INPUTS:
        for tool in TOOLS:
            if kind not in tool.kinds or tool.name not in tools:
                continue
            argv = tool.argv(bucketguard, kind, inputs, name)
            out = logs / f"{tool.name}-{name}.out"
            err = logs / f"{tool.name}-{name}.err"
            t = Timing()
            run_once(argv, inputs, out, err)  # warm-up (and byte-code caches)
            t.findings = tool.findings(out.read_text())
            for _ in range(runs):
                wall, cpu, rss = run_once(argv, inputs, out, err)
                t.times.append(wall)
                t.cpus.append(cpu)
                t.rss.append(rss)
            results[(name, tool.name)] = t
            log(f"{name:10} {tool.name:12} median {t.time * 1000:9.1f} ms  "
                f"cpu {t.cpu * 1000:9.1f} ms  "
                f"peak {t.mem / 1024:7.1f} MiB  {t.findings} findings")
    return results


# --------------------------------------------------------------------------
# Editor latency


class LspClient:
    """A minimal LSP client over a child's stdio. Messages are timestamped
    when their body has been read, before they are parsed, so that the
    client's JSON parsing is not counted in the server's latency."""

    def __init__(self, argv: list[str], cwd: Path, stderr: Path) -> None:
        self._err = open(stderr, "wb")
        self.proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._err, env=tool_env())
        self.messages: queue.Queue[tuple[float, dict]] = queue.Queue()
        self._lock = threading.Lock()
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length is None:
                continue
            body = out.read(length)
            arrived = time.perf_counter()
            msg = json.loads(body)
            if "method" in msg and "id" in msg:
                self._answer(msg)
                continue
            self.messages.put((arrived, msg))

    def _answer(self, request: dict) -> None:
        """Answer requests from the server so it never waits on us."""
        result: object = None
        if request["method"] == "workspace/configuration":
            result = [None for _ in request.get("params", {}).get("items", [])]
        self.send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def send(self, msg: dict) -> float:
        body = json.dumps(msg).encode()
        data = b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        assert self.proc.stdin is not None
        with self._lock:
            t = time.perf_counter()
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        return t

    def request(self, method: str, params: object, timeout: float = 300) -> dict:
        self._next_id += 1
        rid = self._next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        _, msg = self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)
        return msg

    def notify(self, method: str, params: object) -> float:
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, pred, timeout: float = 300) -> tuple[float, dict]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from the language server")
            arrived, msg = self.messages.get(timeout=left)
            if pred(msg):
                return arrived, msg

    def drain(self) -> list[dict]:
        got = []
        while True:
            try:
                got.append(self.messages.get_nowait()[1])
            except queue.Empty:
                return got

    def vm_hwm_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def cpu_seconds(self) -> float:
        """User + system time of the server so far (all its threads)."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=30)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a server that does not stop is killed
            self.proc.kill()
            self.proc.wait()
        self._err.close()


@dataclass
class Editor:
    startup: float = 0.0  # spawn → initialize result (s)
    first: float = 0.0  # didOpen → first publish (s)
    latencies: list[float] = field(default_factory=list)
    hwm: int = 0  # KiB
    cpu_per_edit: float = 0.0  # s, mean
    counts: dict[str, set[int]] = field(default_factory=dict)
    versioned: bool = False
    strays: int = 0
    sync: int = 0


def is_publish(uri: str):
    def pred(m: dict) -> bool:
        return (m.get("method") == "textDocument/publishDiagnostics"
                and m.get("params", {}).get("uri") == uri)
    return pred


def measure_editor(argv: list[str], template: Path, edits: int, settle: float,
                   label: str) -> Editor:
    text = template.read_text()
    uri = template.as_uri()
    # The value flipped: bucket 0's canned ACL, `PublicRead` <-> `Private`.
    lines = text.split("\n")
    line = next(i for i, l in enumerate(lines) if l.strip() == "AccessControl: PublicRead")
    col = lines[line].index("PublicRead")
    values = ["PublicRead", "Private"]

    ed = Editor()
    t0 = time.perf_counter()
    c = LspClient(argv, template.parent, CACHE / "logs" / f"lsp-{label}.err")
    try:
        init = c.request("initialize", {
            "processId": os.getpid(),
            "rootUri": template.parent.as_uri(),
            "workspaceFolders": [{"uri": template.parent.as_uri(), "name": "inputs"}],
            "capabilities": {"textDocument": {
                "publishDiagnostics": {"versionSupport": True},
                "synchronization": {"dynamicRegistration": False},
            }},
            "initializationOptions": {},
        })
        ed.startup = time.perf_counter() - t0
        sync = init.get("result", {}).get("capabilities", {}).get("textDocumentSync", 1)
        ed.sync = sync.get("change", 1) if isinstance(sync, dict) else int(sync)
        c.notify("initialized", {})
        sent = c.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        arrived, msg = c.wait(is_publish(uri))
        ed.first = arrived - sent
        ed.counts.setdefault(values[0], set()).add(len(msg["params"]["diagnostics"]))
        time.sleep(settle)
        ed.strays += len([m for m in c.drain() if is_publish(uri)(m)])

        current = 0
        cpu0 = c.cpu_seconds()
        for k in range(edits):
            version = k + 2
            old, new = values[current], values[1 - current]
            current = 1 - current
            row = lines[line]
            lines[line] = row[:col] + new + row[col + len(old):]
            if ed.sync == 2:
                change = {"range": {"start": {"line": line, "character": col},
                                    "end": {"line": line, "character": col + len(old)}},
                          "text": new}
            else:
                change = {"text": "\n".join(lines)}
            sent = c.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [change]})

            # The publish for this edit: the first one for the document that
            # arrives after the edit was sent and carries this version, or no
            # version at all (cfn-lsp-extra publishes without one: edits are
            # sent one at a time, each after the previous publish and a quiet
            # period, so the next unversioned publish is this edit's).
            def this_edit(m: dict, version: int = version) -> bool:
                if not is_publish(uri)(m):
                    return False
                v = m["params"].get("version")
                return v is None or v == version

            arrived, msg = c.wait(this_edit)
            ed.versioned = ed.versioned or msg["params"].get("version") is not None
            ed.latencies.append(arrived - sent)
            ed.counts.setdefault(new, set()).add(len(msg["params"]["diagnostics"]))
            time.sleep(settle)
            ed.strays += len([m for m in c.drain() if is_publish(uri)(m)])
        ed.cpu_per_edit = (c.cpu_seconds() - cpu0) / max(edits, 1)
        ed.hwm = c.vm_hwm_kib()
    finally:
        c.close()
    return ed


# --------------------------------------------------------------------------
# Report


def ms(s: float) -> str:
    v = s * 1000
    if v >= 1000:
        return f"{v / 1000:.2f} s"
    return f"{v:.1f} ms" if v < 100 else f"{v:.0f} ms"


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB" if kib < 100 * 1024 else f"{kib / 1024:.0f} MiB"


def ratio(x: float) -> str:
    return f"{x:.0f}×" if x >= 10 else f"{x:.1f}×"


def cli_table(results: dict[tuple[str, str], Timing]) -> str:
    rows = [
        "| input | bucketguard | cfn-lint | checkov | faster than the fastest other "
        "(wall; CPU) | less memory than the leanest other | target: ≥ 100× faster, ≥ 10× "
        "less memory |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, title, _ in INPUTS:
        bg = results.get((name, "bucketguard"))
        if bg is None:
            continue
        cells = []
        others = []
        for tool in TOOLS:
            t = results.get((name, tool.name))
            if t is None:
                cells.append("—")
                continue
            cells.append(f"{ms(t.time)} ({ms(t.cpu)} CPU), {mib(t.mem)}; {t.findings} findings")
            if tool.name != "bucketguard":
                others.append(t)
        if not others:
            rows.append(f"| {title} | {' | '.join(cells)} | — | — | — |")
            continue
        speed = min(t.time for t in others) / bg.time
        speed_cpu = min(t.cpu for t in others) / max(bg.cpu, 1e-6)
        memory = min(t.mem for t in others) / bg.mem
        missed = [w for w, bad in (("speed", speed < 100), ("memory", memory < 10)) if bad]
        ok = "met" if not missed else f"**missed** ({', '.join(missed)})"
        rows.append(f"| {title} | {' | '.join(cells)} | {ratio(speed)}; {ratio(speed_cpu)} | "
                    f"{ratio(memory)} | {ok} |")
    return "\n".join(rows)


def editor_table(eds: dict[str, Editor]) -> str:
    rows = [
        "| server | start → initialized | open → first diagnostics | edit → diagnostics, median "
        "(min–max) | server CPU per edit (mean) | peak memory (VmHWM) | diagnostics per state |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, e in eds.items():
        lat = e.latencies
        counts = ", ".join(f"{k}: {'/'.join(map(str, sorted(v)))}" for k, v in e.counts.items())
        rows.append(f"| {name} | {ms(e.startup)} | {ms(e.first)} | "
                    f"{ms(statistics.median(lat))} ({ms(min(lat))}–{ms(max(lat))}) | "
                    f"{ms(e.cpu_per_edit)} | "
                    f"{mib(e.hwm)} | {counts} |")
    bg = eds.get("bucketguard server")
    other = eds.get("cfn-lsp-extra")
    if bg and other:
        speed = statistics.median(other.latencies) / statistics.median(bg.latencies)
        speed_cpu = other.cpu_per_edit / max(bg.cpu_per_edit, 1e-6)
        memory = other.hwm / bg.hwm
        ok = "met" if speed >= 100 and memory >= 10 else "**missed**"
        rows.append("")
        rows.append(f"bucketguard server / cfn-lsp-extra: edit → diagnostics {ratio(speed)} "
                    f"faster ({ratio(speed_cpu)} less CPU per edit), {ratio(memory)} less peak memory; target (≥ 100×, ≥ 10×): {ok}.")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool and input (5)")
    ap.add_argument("--edits", type=int, default=20,
                    help="timed edits for bucketguard server (20)")
    ap.add_argument("--other-edits", type=int, default=5,
                    help="timed edits for cfn-lsp-extra, seconds each (5)")
    ap.add_argument("--tools", default="bucketguard,cfn-lint,checkov,cfn-lsp-extra",
                    help="comma-separated subset of the tools to run (all)")
    ap.add_argument("--settle", type=float, default=0.3,
                    help="quiet period after each publish, in seconds (0.3)")
    ap.add_argument("--only", choices=["cli", "editor"], help="run one half only")
    ap.add_argument("--no-build", action="store_true",
                    help="use the release binary already built")
    ap.add_argument("--out", type=Path, help="also write the report to this file")
    args = ap.parse_args()

    if sys.version_info < (3, 11):
        sys.exit("benches/side-by-side needs Python 3.11 or newer")
    tools = {t.strip() for t in args.tools.split(",") if t.strip()}
    ensure_venv()
    if args.no_build:
        t = target_dir() / "release"
        bucketguard, gen = t / "bucketguard", t / "examples" / "gen"
    else:
        bucketguard, gen = build()
    inputs = CACHE / "inputs"
    if inputs.exists():
        shutil.rmtree(inputs)
    subprocess.run([str(gen), str(inputs)], check=True)
    (CACHE / "logs").mkdir(parents=True, exist_ok=True)

    v = versions(bucketguard)
    m = machine()
    load_before = os.getloadavg()
    report = ["## Side by side", ""]
    report.append(f"Command: `benches/side-by-side/run{' ' if len(sys.argv) > 1 else ''}"
                  f"{' '.join(sys.argv[1:])}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    report.append("")
    report.append("Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".")
    report.append("")
    report.append(f"Machine: {m['nproc']} cores (`nproc`), {m['cpu']}, {m['memory']}, "
                  f"{m['kernel']}.")

    if args.only in (None, "cli"):
        floor = launcher_floor()
        results = measure_cli(bucketguard, inputs, args.runs, tools)
        report += ["", f"### Whole processes ({args.runs} runs after a warm-up, medians)", "",
                   cli_table(results), "",
                   f"Each cell: wall time (CPU time, user + system), peak resident memory "
                   f"(`ru_maxrss`; the launcher's floor is {mib(floor)}: a process never "
                   f"shows less), findings reported."]
    if args.only in (None, "editor"):
        template = inputs / "cfn-250" / "template.yaml"
        eds = {}
        servers = (("bucketguard server", "bucketguard", [str(bucketguard), "server"], args.edits),
                   ("cfn-lsp-extra", "cfn-lsp-extra", [str(venv_bin("cfn-lsp-extra"))],
                    args.other_edits))
        for label, tool, argv, edits in servers:
            if tool not in tools:
                continue
            e = measure_editor(argv, template, edits, args.settle, tool)
            eds[label] = e
            log(f"{label:20} edit → publish median {ms(statistics.median(e.latencies))}, "
                f"VmHWM {mib(e.hwm)}, versioned {e.versioned}, stray publishes {e.strays}")
        report += ["", f"### Editor: the 250-bucket template ({args.edits} edits for bucketguard, "
                       f"{args.other_edits} for cfn-lsp-extra; medians)", "",
                   editor_table(eds)]
        notes = [f"{k}: {'versioned' if e.versioned else 'unversioned'} publishes, "
                 f"{'incremental' if e.sync == 2 else 'full'} sync, "
                 f"{e.strays} extra publishes" for k, e in eds.items()]
        report += ["", "Per server: " + "; ".join(notes) + "."]
    load_after = os.getloadavg()
    report += ["", f"Load average (1 min) before and after: {load_before[0]:.2f}, "
                   f"{load_after[0]:.2f}."]
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
