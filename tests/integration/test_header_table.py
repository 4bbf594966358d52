"""The ctypes binding (hazy_ctypes.py) against include/hazy.h: every function in its table exists
in the header with the same number of arguments and compatible C types, so a function changed
in hazy.h without updating hazy_ctypes.py fails here. The enum constants are not written in
hazy_ctypes.py at all: it asks the library (hazy_status_name, ...); here each of them must be the
header's enumerator of that name and number, and the header must have no other, so a library
and a header that disagree (a status added in Rust, the header not regenerated) fail.
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


@pytest.mark.parametrize("prefix, table", [("HAZY_STATUS_", hz.STATUSES), ("HAZY_STATE_", hz.STATES),
                                           ("HAZY_LOG_LEVEL_", hz.LOG_LEVELS)])
def test_the_librarys_enums_are_the_headers(prefix, table):
    text = _text()
    for name, number in table.items():
        assert f"{prefix}{name} = {number}," in text, f"the library has {prefix}{name} = {number}; {HEADER} does not"
    extra = set(re.findall(r"\b" + prefix + r"([A-Z0-9_]+) = ", text)) - set(table)
    assert not extra, f"{HEADER} has {sorted(prefix + e for e in extra)}, the library does not name them"


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
