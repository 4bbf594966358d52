"""The ctypes binding (hazy_ctypes.py) against include/hazy.h: every status and state constant
has the header's number, every function in its table exists in the header with the same number
of arguments and compatible C types, and the library names exactly the header's statuses. A
status or function added to (or changed in) hazy.h without updating hazy_ctypes.py fails here.
HAZY_TEST_HEADER checks another copy of the header (e.g. a scratch edit) instead."""
import ctypes
import os
import re
from pathlib import Path

import pytest

import hazy_ctypes as hz

HEADER = Path(os.environ.get("HAZY_TEST_HEADER") or hz.REPO / "include" / "hazy.h")


def _text():
    text = HEADER.read_text(encoding="utf-8")
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)


def header_enum(name, prefix):
    m = re.search(r"typedef enum \{([^}]*)\}\s*" + name + ";", _text())
    assert m, f"{HEADER} has no enum {name}"
    values = {}
    for item in filter(None, (i.strip() for i in m.group(1).split(","))):
        e = re.fullmatch(re.escape(prefix) + r"([A-Z0-9_]+)\s*=\s*(-?\d+)", item)
        assert e, f"{HEADER}: cannot read enumerator {item!r} of {name}"
        values[e.group(1)] = int(e.group(2))
    assert len(values) > 2, values
    return values


def header_functions():
    """name -> (return type, [parameter types]) of every hazy_* prototype."""
    funcs = {}
    for m in re.finditer(r"^([A-Za-z_][\w \*]*?)\s*\b(hazy_\w+)\(([^;]*?)\);", _text(), re.M):
        ret, name, params = m.group(1).strip(), m.group(2), m.group(3).strip()
        types = [] if params in ("", "void") else [re.sub(r"\s*\b\w+$", "", p.strip()).strip()
                                                   for p in params.split(",")]
        funcs[name] = (ret, types)
    assert len(funcs) > 50, f"only {len(funcs)} prototypes found in {HEADER}"
    return funcs


def compatible(ctype, c):
    """Whether a ctypes type fits a C type of hazy.h (pointer, string, integer width, ...)."""
    c = " ".join(c.replace("*", " * ").split())
    if ctype is None:
        return c == "void"
    if ctype is hz.OUT_PTR:
        return c.endswith("* *")
    if ctype is hz.PROGRESS_FN:
        return c == "hazy_progress_fn"
    if ctype is hz.LOG_FN:
        return c == "hazy_log_fn"
    if ctype is ctypes.c_char_p:
        return c == "const char *"
    if ctype is ctypes.c_void_p:
        return c.endswith("*") and not c.endswith("* *") and c != "const char *"
    if ctype is ctypes.c_double:
        return c == "double"
    # Integers by width and signedness (ctypes aliases c_uint64 and c_size_t to one class).
    ints = {"hazy_status": (4, True), "hazy_state": (4, True), "hazy_log_level": (4, True), "int32_t": (4, True),
            "uint64_t": (8, False), "uint16_t": (2, False), "size_t": (ctypes.sizeof(ctypes.c_size_t), False)}
    return issubclass(ctype, ctypes._SimpleCData) and ctype._type_ in "bBhHiIlLqQ" and \
        ints.get(c) == (ctypes.sizeof(ctype), ctype(-1).value < 0)


def test_every_status_constant_matches_the_header():
    statuses = header_enum("hazy_status", "HAZY_STATUS_")
    for name, number in statuses.items():
        assert getattr(hz, name, None) == number, f"hazy_ctypes.{name} should be HAZY_STATUS_{name} = {number}"
        assert hz.status_name(number) == name, f"libhazy names status {number} {hz.status_name(number)}"
    # The library knows no status the header lacks.
    for number in range(-1, 65):
        if number not in statuses.values():
            assert hz.status_name(number) == "UNKNOWN", f"libhazy has status {number}, hazy.h does not"


def test_every_state_constant_matches_the_header():
    for name, number in header_enum("hazy_state", "HAZY_STATE_").items():
        assert getattr(hz, "STATE_" + name, None) == number, f"hazy_ctypes.STATE_{name} should be {number}"
        assert hz.state_name(number) == name.lower()


@pytest.mark.parametrize("name", sorted(hz.SIGNATURES))
def test_every_declared_function_matches_the_header(name):
    funcs = header_functions()
    assert name in funcs, f"{name} is not declared in {HEADER}"
    argtypes, restype = hz.SIGNATURES[name]
    ret, params = funcs[name]
    assert len(argtypes) == len(params), f"{name}: {len(argtypes)} argtypes, hazy.h has {len(params)}: {params}"
    for i, (ctype, c) in enumerate(zip(argtypes, params)):
        assert compatible(ctype, c), f"{name}: argument {i} is {ctype}, hazy.h says {c!r}"
    assert compatible(restype, ret), f"{name}: restype {restype}, hazy.h returns {ret!r}"
