#!/usr/bin/env python3
"""Checks the LSP4IJ user-defined server template in editors/jetbrains/bucketguard.

1. The rules LSP4IJ's loader enforces when a folder is imported
   (LanguageServerTemplateManager / LanguageServerTemplateDeserializer,
   redhat-developer/lsp4ij), plus this project's own expectations (every
   OS has a command line, every mapping has a language id, the file types
   bucketguard reads are mapped, the settings are the server's keys).
2. The command line of this OS, run with the server's folder on PATH,
   starts the server; it completes `initialize` with
   initializationOptions.json, is answered settings.json for
   `workspace/configuration`, and publishes the expected findings for a
   fixture, as the IDE would see them.

Usage: check_template.py TEMPLATE_DIR [--server BIN --fixture FILE.yaml]
No JetBrains IDE runs here; this is the CI-side guard. Stdlib only.
"""
import fnmatch
import json
import os
import pathlib
import platform
import queue
import shlex
import subprocess
import sys
import threading
import time

KNOWN = {"template.json", "settings.json", "settings.schema.json", "initializationOptions.json",
         "experimental.json", "clientSettings.json", "installer.json",
         "workspaceFolderSettings.json", "README.md"}
SERVER_KEYS = {"select", "ignore", "severity", "debounceMs", "maxFileSize", "maxDiagnostics"}
MUST_MAP = ["a.yaml", "a.yml", "a.json", "a.template", "main.tf", "dev.tfvars"]
MUST_NOT_MAP = ["a.py", "Cargo.toml", "README.md"]


def loader_rules(folder: pathlib.Path) -> list:
    """What LSP4IJ refuses when importing a template folder."""
    errs = []
    if not (folder / "template.json").is_file():
        return [f"{folder}: template.json is required"]
    for f in sorted(folder.iterdir()):
        if f.is_file() and f.suffix == ".json":
            if f.name not in KNOWN:
                errs.append(f"{f.name}: not a file LSP4IJ reads")
            try:
                json.loads(f.read_text(encoding="utf-8"))
            except json.JSONDecodeError as e:
                errs.append(f"{f.name}: invalid JSON: {e}")
    if errs:
        return errs
    t = json.loads((folder / "template.json").read_text(encoding="utf-8"))
    for k in ("id", "name"):
        if not isinstance(t.get(k), str) or not t[k]:
            errs.append(f"template.json: '{k}' must be a non-empty string")
    pa = t.get("programArgs")
    if not isinstance(pa, dict) or not pa:  # the deserializer calls getAsJsonObject() unconditionally
        errs.append("template.json: 'programArgs' object is required")
    elif not set(pa) <= {"default", "windows", "mac", "unix"} or "default" not in pa:
        errs.append("template.json: programArgs keys must be default/windows/mac/unix (default required)")
    ftm, lm = t.get("fileTypeMappings", []), t.get("languageMappings", [])
    if not ftm and not lm:
        errs.append("template.json: needs fileTypeMappings and/or languageMappings")
    for i, m in enumerate(ftm):
        ft = m.get("fileType")
        if not isinstance(ft, dict) or not (ft.get("name") or ft.get("patterns")):
            errs.append(f"fileTypeMappings[{i}]: fileType.name and/or fileType.patterns required")
        elif "patterns" in ft and not (isinstance(ft["patterns"], list) and all(isinstance(p, str) and p for p in ft["patterns"])):
            errs.append(f"fileTypeMappings[{i}]: fileType.patterns must be a list of non-empty strings")
    for i, m in enumerate(lm):
        if not m.get("language"):
            errs.append(f"languageMappings[{i}]: 'language' required")
    env = t.get("env")
    if env is not None and not (isinstance(env, dict) and isinstance(env.get("variables", {}), dict)):
        errs.append("template.json: env must be {includeSystemEnvironmentVariables: bool, variables: {..}}")
    return errs


def language_id(t: dict, filename: str):
    for m in t.get("fileTypeMappings", []):
        if any(fnmatch.fnmatch(filename, p) for p in m["fileType"].get("patterns", [])):
            return m.get("languageId")
    return None


def project_rules(folder: pathlib.Path) -> list:
    """This project's expectations of its template."""
    errs = []
    t = json.loads((folder / "template.json").read_text(encoding="utf-8"))
    pa = t["programArgs"]
    for os_key in ("default", "windows", "mac", "unix"):
        args = shlex.split(pa.get(os_key, ""))
        if len(args) != 2 or args[1] != "server" or not args[0].startswith("bucketguard"):
            errs.append(f"programArgs.{os_key}: expected `bucketguard server`, got {pa.get(os_key)!r}")
    for i, m in enumerate(t["fileTypeMappings"]):
        if not m.get("languageId"):
            errs.append(f"fileTypeMappings[{i}]: languageId missing (the server uses it)")
    for name in MUST_MAP:
        if language_id(t, name) is None:
            errs.append(f"{name}: not mapped to the server")
    for name in MUST_NOT_MAP:
        if language_id(t, name) is not None:
            errs.append(f"{name}: mapped to the server, but bucketguard does not read it")
    if language_id(t, "main.tf") != "terraform" or language_id(t, "dev.tfvars") != "terraform-vars":
        errs.append("Terraform files must have the language ids terraform / terraform-vars")
    settings = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
    section = settings.get("bucketguard")
    if not isinstance(section, dict):
        errs.append("settings.json: the `bucketguard` section (what the server asks for) is missing")
    elif set(section) - SERVER_KEYS:
        errs.append(f"settings.json: keys the server does not read: {sorted(set(section) - SERVER_KEYS)}")
    init = json.loads((folder / "initializationOptions.json").read_text(encoding="utf-8"))
    if not isinstance(init, dict) or set(init.get("bucketguard", init)) - SERVER_KEYS:
        errs.append("initializationOptions.json: an object of the server's keys expected")
    readme = (folder / "README.md")
    if not readme.is_file() or "Import template" not in readme.read_text(encoding="utf-8"):
        errs.append("README.md: the import steps are missing")
    return errs


class Server:
    def __init__(self, argv, env):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.q = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 1

    def _read(self):
        out = self.p.stdout
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
                    length = int(line.split(b":")[1])
            self.q.put(json.loads(out.read(length)))

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return rid

    def wait(self, what, pred, on_request, timeout=15):
        end = time.time() + timeout
        while time.time() < end:
            try:
                msg = self.q.get(timeout=max(0.01, end - time.time()))
            except queue.Empty:
                break
            if "method" in msg and "id" in msg:  # a request from the server
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": on_request(msg)})
                continue
            if pred(msg):
                return msg
        raise TimeoutError(f"timed out waiting for {what}")


def start_server(folder: pathlib.Path, server: pathlib.Path, fixture: pathlib.Path) -> list:
    t = json.loads((folder / "template.json").read_text(encoding="utf-8"))
    pa = t["programArgs"]
    os_key = {"Windows": "windows", "Darwin": "mac"}.get(platform.system(), "unix")
    argv = shlex.split(pa.get(os_key) or pa["default"])
    env = dict(os.environ) if t.get("env", {}).get("includeSystemEnvironmentVariables", True) else {}
    env.update(t.get("env", {}).get("variables", {}))
    env["PATH"] = str(pathlib.Path(os.path.abspath(server)).parent) + os.pathsep + env.get("PATH", "")
    init = json.loads((folder / "initializationOptions.json").read_text(encoding="utf-8"))
    settings = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
    asked = []

    def on_request(msg):
        if msg["method"] == "workspace/configuration":
            asked.append([i.get("section") for i in msg["params"]["items"]])
            return [settings.get(i.get("section"), None) for i in msg["params"]["items"]]
        return None

    print(f"starting `{' '.join(argv)}` (programArgs.{os_key}) with {pathlib.Path(os.path.abspath(server)).parent} on PATH")
    s = Server(argv, env)
    errs = []
    try:
        rid = s.request("initialize", {
            "processId": os.getpid(), "rootUri": fixture.parent.resolve().as_uri(),
            "capabilities": {"workspace": {"configuration": True}},
            "initializationOptions": init,
        })
        res = s.wait("initialize", lambda m: m.get("id") == rid, on_request)
        info = res.get("result", {}).get("serverInfo", {})
        if info.get("name") != "bucketguard":
            errs.append(f"initialize: unexpected result {res}")
        else:
            print(f"initialize: {info.get('name')} {info.get('version')}")
        s.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        uri = fixture.resolve().as_uri()
        text = fixture.read_text(encoding="utf-8")
        lang = language_id(t, fixture.name)
        s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": lang, "version": 1, "text": text}}})
        expected = text.count(" S3-111\n")
        msg = s.wait("diagnostics", lambda m: m.get("method") == "textDocument/publishDiagnostics"
                     and m["params"]["uri"] == uri
                     and sum(d.get("code") == "S3-111" for d in m["params"]["diagnostics"]) == expected,
                     on_request)
        print(f"publishDiagnostics: {len(msg['params']['diagnostics'])} findings, {expected} of them S3-111 as marked")
        if not asked:
            errs.append("the server did not ask for the settings (workspace/configuration)")
        rid = s.request("shutdown", None)
        s.wait("shutdown", lambda m: m.get("id") == rid, on_request)
        s.send({"jsonrpc": "2.0", "method": "exit", "params": None})
        if s.p.wait(timeout=10) != 0:
            errs.append(f"the server exited with {s.p.returncode}")
    except TimeoutError as e:
        errs.append(str(e))
    finally:
        if s.p.poll() is None:
            s.p.kill()
    return errs


def main():
    args = sys.argv[1:]
    folder = pathlib.Path(args[0])
    server = pathlib.Path(args[args.index("--server") + 1]) if "--server" in args else None
    fixture = pathlib.Path(args[args.index("--fixture") + 1]) if "--fixture" in args else None
    checks = [("the template passes LSP4IJ's loader rules", lambda: loader_rules(folder))]
    checks.append(("the template maps bucketguard's files and settings", lambda: project_rules(folder)))
    if server:
        checks.append(("its command line starts the server, which initializes and reports the fixture",
                       lambda: start_server(folder, server, fixture)))
    passed = failed = 0
    for name, fn in checks:
        try:
            errs = fn()
        except Exception as e:  # a crash is a failure, never a pass
            errs = [f"{type(e).__name__}: {e}"]
        if errs:
            failed += 1
            print(f"not ok - {name}\n  " + "\n  ".join(errs))
        else:
            passed += 1
            print(f"ok - {name}")
    print(f"jetbrains: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
