"""A PEP 517 build backend for the jobmatch package, standard library only: a wheel (and an
sdist) of jobmatch/ with the metadata of pyproject.toml. The package is pure Python, so the
wheel is py3-none-any; it needs libjobmatch.so.0 at run time, which it finds on its own."""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "jobmatch"


def _project():
    """name, version, description, requires-python from pyproject.toml's [project] table (the
    few plain string keys this file writes; tomllib is not in every Python this runs on)."""
    with open(os.path.join(HERE, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    table = text.split("[project]", 1)[1].split("\n[", 1)[0]
    keys = dict(re.findall(r'^([a-z-]+)\s*=\s*"([^"]*)"', table, re.M))
    return keys["name"], keys["version"], keys.get("description", ""), keys.get(
        "requires-python", "")


def _files():
    root = os.path.join(HERE, PACKAGE)
    for name in sorted(os.listdir(root)):
        if name.endswith(".py") or name == "py.typed":
            yield "%s/%s" % (PACKAGE, name), os.path.join(root, name)


def _metadata():
    name, version, summary, python = _project()
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    head = ["Metadata-Version: 2.1", "Name: " + name, "Version: " + version,
            "Summary: " + summary, "License: MIT"]
    if python:
        head.append("Requires-Python: " + python)
    head.append("Description-Content-Type: text/markdown")
    return "\n".join(head) + "\n\n" + readme


def _dist_info(name, version):
    return "%s-%s.dist-info" % (name, version)


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name, version, _, _ = _project()
    info = _dist_info(name, version)
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    with open(os.path.join(metadata_directory, info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata())
    return info


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name, version, _, _ = _project()
    info = _dist_info(name, version)
    wheel_name = "%s-%s-py3-none-any.whl" % (name, version)
    entries = []
    for arc, path in _files():
        with open(path, "rb") as f:
            entries.append((arc, f.read()))
    entries.append((info + "/METADATA", _metadata().encode("utf-8")))
    entries.append((info + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: jobmatch_build\n"
                    b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    record = [_record_line(arc, data) for arc, data in entries] + [info + "/RECORD,,"]
    entries.append((info + "/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as z:
        for arc, data in entries:
            zi = zipfile.ZipInfo(arc, date_time=(1980, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data, zipfile.ZIP_DEFLATED)
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    name, version, _, _ = _project()
    base = "%s-%s" % (name, version)
    sdist_name = base + ".tar.gz"
    paths = [("pyproject.toml", os.path.join(HERE, "pyproject.toml")),
             ("README.md", os.path.join(HERE, "README.md")),
             ("build_backend/jobmatch_build.py", os.path.abspath(__file__))] + list(_files())
    with tarfile.open(os.path.join(sdist_directory, sdist_name), "w:gz") as t:
        for arc, path in paths:
            with open(path, "rb") as f:
                data = f.read()
            ti = tarfile.TarInfo("%s/%s" % (base, arc))
            ti.size, ti.mode = len(data), 0o644
            t.addfile(ti, io.BytesIO(data))
        meta = ("PKG-INFO", _metadata().encode("utf-8"))
        ti = tarfile.TarInfo("%s/%s" % (base, meta[0]))
        ti.size, ti.mode = len(meta[1]), 0o644
        t.addfile(ti, io.BytesIO(meta[1]))
    return sdist_name
