#!/usr/bin/env python3
"""A CycloneDX 1.5 SBOM of one release artifact in dist/ (scripts/sbom/dist.sh calls this):

    sbom.py ARTIFACT OUT.cdx.json
    sbom.py --tree ROOT --name PACKAGE [--maven GROUP:ARTIFACT:VERSION]... OUT.cdx.json

What the artifact holds, read from the archive itself (tar.gz, zip, nupkg, deb, rpm): every file
with its SHA-256, as a component of type "file". Each binary made from Rust (libhazy.so*,
libhazy.a, hazy.dll, their .debug files: the hazy crate; bin/hazy: the hazy-cli crate) depends
on its crate, and the crates and their graph come from cargo-cyclonedx's BOM of that crate for
the binary's target (scripts/sbom/crates.sh: build/sbom/TARGET/CRATE.cdx.json), so that only the
crates that are in the artifact are listed. Reproducible: the time is SOURCE_DATE_EPOCH (else
the last commit's), the serial number is derived from the content, and the workspace's own
crates are named relative to the repository, not by this checkout's path.

With --tree, the SBOM a package carries inside itself (scripts/dist/rpm.sh and deb.sh write it
into the staged tree before they build): the files under ROOT as they will be installed
(/usr/...), OUT itself and a DEB's DEBIAN/ left out; PACKAGE (e.g. libhazy0_0.1.0-1_amd64) names
it and gives the architecture. It has no hash of the package, which cannot hold its own digest;
dist/PACKAGE.cdx.json has that. The Java jar's build writes one the same way into its classes
(META-INF/sbom/), with its native libraries' crates and JNA, the Maven dependency, as --maven.
"""
import argparse
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
import zipfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGETS = {"x86_64": "x86_64-unknown-linux-gnu", "amd64": "x86_64-unknown-linux-gnu",
           "aarch64": "aarch64-unknown-linux-gnu", "arm64": "aarch64-unknown-linux-gnu",
           "windows": "x86_64-pc-windows-gnu", "linux-x64": "x86_64-unknown-linux-gnu",
           "linux-arm64": "aarch64-unknown-linux-gnu", "win-x64": "x86_64-pc-windows-gnu",
           "linux-x86-64": "x86_64-unknown-linux-gnu", "linux-aarch64": "aarch64-unknown-linux-gnu",
           "win32-x86-64": "x86_64-pc-windows-gnu"}


def members(path):
    """(name, sha256) of every regular file in the archive."""
    out = []
    if path.endswith((".zip", ".nupkg")):
        with zipfile.ZipFile(path) as z:
            for i in z.infolist():
                if not i.is_dir():
                    out.append((i.filename, hashlib.sha256(z.read(i)).hexdigest()))
        return out
    if path.endswith(".rpm"):
        with tempfile.TemporaryDirectory() as db:
            q = subprocess.run(["rpm", "--dbpath", db, "-qp", "--qf",
                                "[%{FILEMODES:perms} %{FILEDIGESTS} %{FILENAMES}\n]", path],
                               check=True, capture_output=True, text=True).stdout
        for line in q.splitlines():
            perms, digest, name = line.split(" ", 2)
            if perms.startswith("-"):
                out.append((name, digest))
        return out
    if path.endswith(".deb"):
        data = subprocess.run(["dpkg-deb", "--fsys-tarfile", path], check=True, capture_output=True).stdout
        tar = tarfile.open(fileobj=io.BytesIO(data))
    else:
        tar = tarfile.open(path)
    with tar:
        for m in tar.getmembers():
            if m.isfile():
                out.append((m.name.lstrip("./") if m.name.startswith("./") else m.name,
                            hashlib.sha256(tar.extractfile(m).read()).hexdigest()))
    return out


def tree_members(root, out, prefix="/"):
    """(PREFIX + path under ROOT, sha256) of every regular file under ROOT but OUT and DEBIAN/:
    the installed path of a package's file, or with PREFIX "" a jar's entry."""
    out = os.path.abspath(out)
    found = []
    for d, dirs, files in os.walk(root):
        if os.path.abspath(d) == os.path.abspath(root):
            dirs[:] = [x for x in dirs if x != "DEBIAN"]
        for f in files:
            path = os.path.join(d, f)
            if os.path.islink(path) or os.path.abspath(path) == out:
                continue
            with open(path, "rb") as fh:
                found.append((prefix + os.path.relpath(path, root), hashlib.sha256(fh.read()).hexdigest()))
    return found


def target_of(artifact, name):
    m = re.search(r"runtimes/([a-z0-9-]+)/native/", name)
    if m:
        return TARGETS[m.group(1)]
    m = re.match(r"/?(linux-x86-64|linux-aarch64|win32-x86-64)/", name)
    if m:  # JNA's resource prefixes, in the jar
        return TARGETS[m.group(1)]
    for key in ("windows", "x86_64", "aarch64", "amd64", "arm64"):
        if key in artifact:
            return TARGETS[key]
    return None


def crate_of(name):
    base = name.rsplit("/", 1)[-1]
    if re.fullmatch(r"hazy(\.exe)?(\.debug)?", base):
        return "hazy-cli"
    if re.fullmatch(r"(lib)?hazy\.(so(\.[0-9.]+)?|a|dll|dll\.a|lib)(\.debug)?", base):
        return "hazy"
    return None


def crates_bom(target, crate):
    path = os.path.join(REPO, "build", "sbom", target, f"{crate}.cdx.json")
    if not os.path.exists(path):
        subprocess.run(["bash", os.path.join(REPO, "scripts", "sbom", "crates.sh"), target], check=True)
    text = open(path).read()
    # This checkout's path out of the workspace crates' references: path+file:///…/main/cli#x
    # becomes path+file:cli#x, path+file:///…/main#x becomes path+file:.#x.
    text = re.sub(r"path\+file://" + re.escape(REPO) + r"/([^#\"]+)#", r"path+file:\1#", text)
    text = re.sub(r"path\+file://" + re.escape(REPO) + r"#", "path+file:.#", text)
    return json.loads(text)


def maven_component(coordinates):
    """A Maven dependency the artifact needs at run time, from GROUP:ARTIFACT:VERSION."""
    group, art, version = coordinates.split(":")
    ref = f"pkg:maven/{group}/{art}@{version}"
    return {"type": "library", "bom-ref": ref, "group": group, "name": art, "version": version,
            "scope": "required", "purl": ref}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("artifact", nargs="?", help="an archive in dist/")
    ap.add_argument("out")
    ap.add_argument("--tree", help="describe the files under this directory instead of an archive")
    ap.add_argument("--name", help="with --tree: the package's name, which gives its architecture")
    ap.add_argument("--prefix", default="/", help="with --tree: put before each file's path (default /)")
    ap.add_argument("--maven", action="append", default=[], metavar="GROUP:ARTIFACT:VERSION",
                    help="a Maven dependency the artifact needs at run time (the jar's JNA)")
    args = ap.parse_args()
    if args.tree:
        if not args.name or args.artifact:
            ap.error("--tree needs --name and no ARTIFACT")
        artifact, name, out = None, args.name, args.out
        files = tree_members(args.tree, out, args.prefix)
    elif args.artifact:
        artifact, out = args.artifact, args.out
        name = os.path.basename(artifact)
        files = members(artifact)
    else:
        ap.error("give an ARTIFACT or --tree")
    version = re.search(r"(\d+\.\d+\.\d+(?:-\d+)?)", name).group(1)
    components, deps = {}, {}
    file_refs = []
    for fname, digest in sorted(files):
        ref = f"file:{fname}"
        file_refs.append(ref)
        components[ref] = {"type": "file", "bom-ref": ref, "name": fname,
                           "hashes": [{"alg": "SHA-256", "content": digest}]}
        crate, target = crate_of(fname), target_of(name, fname)
        if crate and target:
            bom = crates_bom(target, crate)
            root = bom["metadata"]["component"]
            components.setdefault(root["bom-ref"], {k: v for k, v in root.items() if k != "components"})
            for c in bom.get("components", []):
                components.setdefault(c["bom-ref"], c)
            for d in bom.get("dependencies", []):
                deps.setdefault(d["ref"], set()).update(d.get("dependsOn", []))
            deps[ref] = {root["bom-ref"]}
            components[ref]["description"] = f"built from the Rust crate {crate} for {target}"
    deps["artifact"] = set(file_refs)
    for coordinates in args.maven:
        c = maven_component(coordinates)
        components[c["bom-ref"]] = c
        deps["artifact"].add(c["bom-ref"])
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or subprocess.run(
        ["git", "-C", REPO, "log", "-1", "--format=%ct"], capture_output=True, text=True).stdout.strip() or 0)
    body = {
        "components": sorted(components.values(), key=lambda c: (c["type"] != "file", c["bom-ref"])),
        "dependencies": [{"ref": r, "dependsOn": sorted(d)} for r, d in sorted(deps.items())],
    }
    kind = "application" if name.startswith("hazy") else "library"
    bom = {
        "bomFormat": "CycloneDX", "specVersion": "1.5",
        "serialNumber": "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, name + json.dumps(body, sort_keys=True))),
        "version": 1,
        "metadata": {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)),
            "tools": {"components": [
                {"type": "application", "name": "cargo-cyclonedx", "version": "0.5.9",
                 "description": "the Rust crates (scripts/sbom/crates.sh)"},
                {"type": "application", "name": "libhazy scripts/sbom/sbom.py",
                 "description": "the artifact's files and their SHA-256"}]},
            "component": {"type": kind, "bom-ref": "artifact", "name": name, "version": version,
                          "licenses": [{"license": {"id": "Apache-2.0"}}]},
        },
        **body,
    }
    if artifact:
        with open(artifact, "rb") as f:
            bom["metadata"]["component"]["hashes"] = [{"alg": "SHA-256", "content": hashlib.sha256(f.read()).hexdigest()}]
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(bom, f, indent=2, sort_keys=False)
        f.write("\n")
    os.replace(tmp, out)
    print(f"[sbom] {out}: {len(files)} files, {sum(1 for c in components.values() if c['type'] != 'file')} crates")


if __name__ == "__main__":
    main()
