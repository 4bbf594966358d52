"""A small ctypes wrapper over the C API of libhazy (include/hazy.h), for the integration tests.

Every function used is declared with its argtypes/restype. Failed calls raise HazyError, which
copies status, message, HTTP status, OAuth error/description and field out of the
`hazy_error_t` (then frees it). Objects the library returns (jobs, lists, strings, errors) are
copied into Python values and freed right away; clients, options and cancel tokens are freed by
`close()` / the context manager.

The raw library is `LIB`, for tests that must pass what Python would not (NULL, invalid UTF-8).
"""
import ctypes
import os
from ctypes import (CFUNCTYPE, POINTER, byref, c_char_p, c_double, c_int, c_int32, c_size_t,
                    c_uint16, c_uint64, c_void_p)
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parents[2]
LIB_PATH = Path(os.environ.get("HAZY_TEST_LIB", REPO / "build" / "lib" / "libhazy.so"))

# int32_t (*hazy_progress_fn)(const hazy_job_t *job, void *userdata)
PROGRESS_FN = CFUNCTYPE(c_int32, c_void_p, c_void_p)
# void (*hazy_log_fn)(const hazy_log_record_t *record, void *userdata)
LOG_FN = CFUNCTYPE(None, c_void_p, c_void_p)


OUT_PTR = POINTER(c_void_p)  # out-parameters: hazy_x_t **, hazy_error_t **, char **

# Every function used, with (argtypes, restype); test_header_table.py checks each against hazy.h.
SIGNATURES = {
    # options and client
    "hazy_options_new": ([], c_void_p),
    "hazy_options_set": ([c_void_p, c_char_p, c_char_p, OUT_PTR], c_int),
    "hazy_options_load_env": ([c_void_p, OUT_PTR], c_int),
    "hazy_options_free": ([c_void_p], None),
    "hazy_client_new": ([c_void_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_free": ([c_void_p], None),
    "hazy_client_close": ([c_void_p], None),
    # authentication
    "hazy_authenticate": ([c_void_p, OUT_PTR], c_int),
    "hazy_authenticate_client_credentials": ([c_void_p, c_char_p, c_char_p, OUT_PTR], c_int),
    "hazy_authenticate_password": ([c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, OUT_PTR], c_int),
    "hazy_authenticate_bearer": ([c_void_p, c_char_p, OUT_PTR], c_int),
    "hazy_access_token": ([c_void_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_token_request_count": ([c_void_p], c_uint64),
    "hazy_logout": ([c_void_p, OUT_PTR], c_int),
    # errors and static strings
    "hazy_error_status": ([c_void_p], c_int),
    "hazy_error_message": ([c_void_p], c_char_p),
    "hazy_error_http_status": ([c_void_p], c_uint16),
    "hazy_error_oauth_error": ([c_void_p], c_char_p),
    "hazy_error_oauth_description": ([c_void_p], c_char_p),
    "hazy_error_field": ([c_void_p], c_char_p),
    "hazy_error_idempotency_key": ([c_void_p], c_char_p),
    "hazy_error_request_id": ([c_void_p], c_char_p),
    "hazy_error_free": ([c_void_p], None),
    "hazy_status_name": ([c_int32], c_char_p),
    "hazy_state_name": ([c_int32], c_char_p),
    "hazy_version": ([], c_char_p),
    "hazy_string_free": ([c_void_p], None),
    # jobs
    "hazy_train": ([c_void_p, c_char_p, c_char_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_generate": ([c_void_p, c_char_p, c_char_p, c_uint64, c_char_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_train_with_key": ([c_void_p, c_char_p, c_char_p, c_char_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_generate_with_key": ([c_void_p, c_char_p, c_char_p, c_uint64, c_char_p, c_char_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_job_get": ([c_void_p, c_char_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_job_cancel": ([c_void_p, c_char_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_job_wait": ([c_void_p, c_char_p, c_uint64, PROGRESS_FN, c_void_p, c_void_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_job_id": ([c_void_p], c_char_p),
    "hazy_job_project_id": ([c_void_p], c_char_p),
    "hazy_job_kind": ([c_void_p], c_char_p),
    "hazy_job_state": ([c_void_p], c_int),
    "hazy_job_raw_state": ([c_void_p], c_char_p),
    "hazy_job_progress": ([c_void_p], c_double),
    "hazy_job_model_id": ([c_void_p], c_char_p),
    "hazy_job_failure_reason": ([c_void_p], c_char_p),
    "hazy_job_output_location": ([c_void_p], c_char_p),
    "hazy_job_free": ([c_void_p], None),
    "hazy_jobs_list": ([c_void_p, c_char_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_job_list_len": ([c_void_p], c_size_t),
    "hazy_job_list_get": ([c_void_p, c_size_t], c_void_p),
    "hazy_job_list_free": ([c_void_p], None),
    # models
    "hazy_models_list": ([c_void_p, c_char_p, OUT_PTR, OUT_PTR], c_int),
    "hazy_model_list_len": ([c_void_p], c_size_t),
    "hazy_model_list_get": ([c_void_p, c_size_t], c_void_p),
    "hazy_model_list_free": ([c_void_p], None),
    "hazy_model_id": ([c_void_p], c_char_p),
    "hazy_model_project_id": ([c_void_p], c_char_p),
    "hazy_model_train_job_id": ([c_void_p], c_char_p),
    "hazy_model_generator_type": ([c_void_p], c_char_p),
    "hazy_model_epsilon": ([c_void_p], c_double),
    # logging
    "hazy_options_set_log_callback": ([c_void_p, LOG_FN, c_void_p, c_int32, OUT_PTR], c_int),
    "hazy_log_level_name": ([c_int32], c_char_p),
    "hazy_log_record_level": ([c_void_p], c_int),
    "hazy_log_record_event": ([c_void_p], c_char_p),
    "hazy_log_record_message": ([c_void_p], c_char_p),
    "hazy_log_record_method": ([c_void_p], c_char_p),
    "hazy_log_record_url": ([c_void_p], c_char_p),
    "hazy_log_record_request_id": ([c_void_p], c_char_p),
    "hazy_log_record_job_id": ([c_void_p], c_char_p),
    "hazy_log_record_trace_id": ([c_void_p], c_char_p),
    "hazy_log_record_span_id": ([c_void_p], c_char_p),
    "hazy_log_record_http_status": ([c_void_p], c_uint16),
    # cancellation
    "hazy_cancel_token_new": ([], c_void_p),
    "hazy_cancel_token_cancel": ([c_void_p], None),
    "hazy_cancel_token_free": ([c_void_p], None),
}


def _load():
    if not LIB_PATH.exists():
        raise RuntimeError(f"{LIB_PATH} not found: run `make build` first (or set HAZY_TEST_LIB)")
    lib = ctypes.CDLL(str(LIB_PATH))
    for name, (argtypes, restype) in SIGNATURES.items():
        fn = getattr(lib, name)
        fn.argtypes = argtypes
        fn.restype = restype
    return lib


LIB = _load()


def _enum(name_of, unknown: bytes, first: int = 0) -> dict:
    """{NAME: number} of a C enum, asked of the library: the names it gives 0, 1, 2, ... until
    it answers `unknown` (from `first` on: hazy_state_name(0) is "unknown" itself)."""
    table, code = {}, 0
    while code < first or name_of(code) != unknown:
        table[name_of(code).decode().upper()] = code
        code += 1
    return table


# The C enums, numbered by the library itself (no number is written here): STATUSES gives the
# module constants OK, INVALID_ARGUMENT, AUTH, ...; STATES gives STATE_UNKNOWN, STATE_QUEUED, ...;
# LOG_LEVELS gives LOG_OFF, LOG_ERROR, ... LOG_TRACE. A status added in Rust is here at once.
STATUSES = _enum(LIB.hazy_status_name, b"UNKNOWN")
STATES = _enum(LIB.hazy_state_name, b"unknown", first=1)
LOG_LEVELS = _enum(LIB.hazy_log_level_name, b"unknown")
globals().update(STATUSES)
globals().update({"STATE_" + name: code for name, code in STATES.items()})
globals().update({"LOG_" + name: code for name, code in LOG_LEVELS.items()})


def _s(b: Optional[bytes]) -> Optional[str]:
    return None if b is None else b.decode("utf-8")


def _b(s) -> Optional[bytes]:
    if s is None or isinstance(s, bytes):
        return s
    return str(s).encode("utf-8")


def status_name(status: int) -> str:
    return LIB.hazy_status_name(status).decode()


def state_name(state: int) -> str:
    return LIB.hazy_state_name(state).decode()


def version() -> str:
    return LIB.hazy_version().decode()


class HazyError(Exception):
    """A failed libhazy call, with everything its hazy_error_t carried."""

    def __init__(self, status, message, http_status=0, oauth_error=None, oauth_description=None, field=None,
                 idempotency_key=None, request_id=None):
        self.status = status
        self.status_name = status_name(status)
        self.message = message
        self.http_status = http_status
        self.oauth_error = oauth_error
        self.oauth_description = oauth_description
        self.field = field
        self.idempotency_key = idempotency_key  # a failed submission's key, to resubmit with
        self.request_id = request_id  # the failed exchange's X-Request-ID
        super().__init__(f"{self.status_name}: {message} (http {http_status}, oauth_error {oauth_error!r}, "
                         f"field {field!r})")

    def texts(self):
        """Every text the error carries, for checks that no secret leaked."""
        return [t for t in (self.message, self.oauth_error, self.oauth_description, self.field, self.request_id) if t]


def error_from(status: int, err: c_void_p) -> HazyError:
    """Copies a hazy_error_t into a HazyError and frees it (even if reading it fails)."""
    try:
        if not err:
            return HazyError(status, "(no error object)")
        return HazyError(
            LIB.hazy_error_status(err),
            _s(LIB.hazy_error_message(err)),
            LIB.hazy_error_http_status(err),
            _s(LIB.hazy_error_oauth_error(err)),
            _s(LIB.hazy_error_oauth_description(err)),
            _s(LIB.hazy_error_field(err)),
            _s(LIB.hazy_error_idempotency_key(err)),
            _s(LIB.hazy_error_request_id(err)),
        )
    finally:
        LIB.hazy_error_free(err)


def check(status: int, err: c_void_p):
    if status != STATUSES["OK"]:
        exc = error_from(status, err)
        if exc.status != status:
            raise AssertionError(f"returned status {status} but the error object says {exc.status}: {exc}")
        raise exc
    if err:
        LIB.hazy_error_free(err)
        raise AssertionError("OK returned but *error was not set to NULL")


def call(fn, *args):
    """Calls `fn(*args, &err)` and raises HazyError on failure."""
    err = c_void_p()
    check(fn(*args, byref(err)), err)


@dataclass(frozen=True)
class Job:
    id: str
    project_id: str
    kind: str
    state: int
    progress: float
    model_id: Optional[str]
    failure_reason: Optional[str]
    output_location: Optional[str]
    raw_state: str = ""

    @property
    def state_name(self):
        return state_name(self.state)

    @staticmethod
    def from_ptr(p) -> "Job":
        """Copies a (borrowed) hazy_job_t."""
        return Job(
            id=_s(LIB.hazy_job_id(p)),
            project_id=_s(LIB.hazy_job_project_id(p)),
            kind=_s(LIB.hazy_job_kind(p)),
            state=LIB.hazy_job_state(p),
            raw_state=_s(LIB.hazy_job_raw_state(p)),
            progress=LIB.hazy_job_progress(p),
            model_id=_s(LIB.hazy_job_model_id(p)),
            failure_reason=_s(LIB.hazy_job_failure_reason(p)),
            output_location=_s(LIB.hazy_job_output_location(p)),
        )

    @staticmethod
    def take(p) -> "Job":
        """Copies an owned hazy_job_t and frees it."""
        try:
            return Job.from_ptr(p)
        finally:
            LIB.hazy_job_free(p)


@dataclass(frozen=True)
class Model:
    id: str
    project_id: str
    train_job_id: Optional[str]
    generator_type: Optional[str]
    epsilon: float

    @staticmethod
    def from_ptr(p) -> "Model":
        return Model(
            id=_s(LIB.hazy_model_id(p)),
            project_id=_s(LIB.hazy_model_project_id(p)),
            train_job_id=_s(LIB.hazy_model_train_job_id(p)),
            generator_type=_s(LIB.hazy_model_generator_type(p)),
            epsilon=LIB.hazy_model_epsilon(p),
        )


def log_record(ptr) -> dict:
    """A log record's fields, copied while its callback runs."""
    texts = ("event", "message", "method", "url", "request_id", "job_id", "trace_id", "span_id")
    out = {name: _s(getattr(LIB, f"hazy_log_record_{name}")(ptr)) for name in texts}
    out["level"] = _s(LIB.hazy_log_level_name(LIB.hazy_log_record_level(ptr)))
    out["http_status"] = LIB.hazy_log_record_http_status(ptr)
    return out


class _Owned:
    """A native object the wrapper owns: close() frees it with `_free`; a context manager."""
    _free = None

    def close(self):
        self._free(self.ptr)
        self.ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Options(_Owned):
    _free = staticmethod(LIB.hazy_options_free)

    def __init__(self, settings: Optional[dict] = None, load_env: bool = False,
                 log: Optional[Callable[[dict], None]] = None, log_level: Optional[int] = None):
        self.ptr = LIB.hazy_options_new()
        assert self.ptr, "hazy_options_new returned NULL"
        self.log_fn = None
        if load_env:
            call(LIB.hazy_options_load_env, self.ptr)
        for key, value in (settings or {}).items():
            self.set(key, value)
        if log is not None:
            # The callback object must outlive every client made from these options.
            self.log_fn = LOG_FN(lambda record, _userdata: log(log_record(record)))
            level = LOG_LEVELS["TRACE"] if log_level is None else log_level
            call(LIB.hazy_options_set_log_callback, self.ptr, self.log_fn, None, level)

    def set(self, key, value):
        call(LIB.hazy_options_set, self.ptr, _b(key), _b(value))


class CancelToken(_Owned):
    _free = staticmethod(LIB.hazy_cancel_token_free)

    def __init__(self):
        self.ptr = LIB.hazy_cancel_token_new()
        assert self.ptr, "hazy_cancel_token_new returned NULL"

    def cancel(self):
        LIB.hazy_cancel_token_cancel(self.ptr)


class Client(_Owned):
    """A hazy_client_t. `settings` is a dict of options; None reads the HAZY_* environment
    (hazy_client_new(NULL, ...))."""
    _free = staticmethod(LIB.hazy_free)

    def __init__(self, settings: Optional[dict] = None, load_env: bool = False,
                 log: Optional[Callable[[dict], None]] = None):
        out = c_void_p()
        self.log_fn = None
        if settings is None and not load_env and log is None:
            call(LIB.hazy_client_new, None, byref(out))
        else:
            # No settings means the environment, as hazy_client_new(NULL) reads it.
            with Options(settings, load_env=load_env or settings is None, log=log) as opts:
                call(LIB.hazy_client_new, opts.ptr, byref(out))
                self.log_fn = opts.log_fn
        assert out, "hazy_client_new returned OK without a client"
        self.ptr = out

    def close_native(self):
        """hazy_client_close: ends waits in progress; later calls fail with CLOSED. The handle
        stays valid until close()."""
        LIB.hazy_client_close(self.ptr)

    # -- authentication

    def authenticate(self):
        call(LIB.hazy_authenticate, self.ptr)

    def authenticate_client_credentials(self, client_id, client_secret):
        call(LIB.hazy_authenticate_client_credentials, self.ptr, _b(client_id), _b(client_secret))

    def authenticate_password(self, client_id, client_secret, username, password):
        call(LIB.hazy_authenticate_password, self.ptr, _b(client_id), _b(client_secret), _b(username),
             _b(password))

    def authenticate_bearer(self, token):
        call(LIB.hazy_authenticate_bearer, self.ptr, _b(token))

    def access_token(self) -> str:
        out = c_void_p()
        call(LIB.hazy_access_token, self.ptr, byref(out))
        assert out, "hazy_access_token returned OK without a token"
        try:
            return ctypes.string_at(out).decode("ascii")
        finally:
            LIB.hazy_string_free(out)

    def logout(self):
        call(LIB.hazy_logout, self.ptr)

    @property
    def token_request_count(self) -> int:
        return LIB.hazy_token_request_count(self.ptr)

    # -- jobs

    def train(self, project_id, config_json) -> Job:
        out = c_void_p()
        call(LIB.hazy_train, self.ptr, _b(project_id), _b(config_json), byref(out))
        return Job.take(out)

    def generate(self, project_id, model_id, num_rows=0, config_json=None) -> Job:
        out = c_void_p()
        call(LIB.hazy_generate, self.ptr, _b(project_id), _b(model_id), num_rows, _b(config_json), byref(out))
        return Job.take(out)

    def train_with_key(self, project_id, config_json, idempotency_key=None) -> Job:
        """hazy_train_with_key; on failure the HazyError's idempotency_key is the key used."""
        out = c_void_p()
        call(LIB.hazy_train_with_key, self.ptr, _b(project_id), _b(config_json), _b(idempotency_key), byref(out))
        return Job.take(out)

    def generate_with_key(self, project_id, model_id, num_rows=0, config_json=None, idempotency_key=None) -> Job:
        out = c_void_p()
        call(LIB.hazy_generate_with_key, self.ptr, _b(project_id), _b(model_id), num_rows, _b(config_json),
             _b(idempotency_key), byref(out))
        return Job.take(out)

    def job_get(self, job_id) -> Job:
        out = c_void_p()
        call(LIB.hazy_job_get, self.ptr, _b(job_id), byref(out))
        return Job.take(out)

    def job_cancel(self, job_id) -> Job:
        out = c_void_p()
        call(LIB.hazy_job_cancel, self.ptr, _b(job_id), byref(out))
        return Job.take(out)

    def job_wait(self, job_id, timeout_ms=0, progress: Optional[Callable[[Job], int]] = None,
                 cancel: Optional[CancelToken] = None) -> Job:
        """Waits for the job. `progress(job)` gets a copy of each snapshot and returns the C
        callback's result (0 = continue). An exception in it stops the wait (the callback returns
        1, since it must not unwind through C) and is re-raised here."""
        raised = []

        def trampoline(job_ptr, _userdata):
            try:
                return int(progress(Job.from_ptr(job_ptr)) or 0)
            except BaseException as e:  # never unwind through C
                raised.append(e)
                return 1

        cb = PROGRESS_FN(trampoline) if progress else PROGRESS_FN()
        out = c_void_p()
        err = c_void_p()
        status = LIB.hazy_job_wait(self.ptr, _b(job_id), timeout_ms, cb, None,
                                   cancel.ptr if cancel else None, byref(out), byref(err))
        if raised:
            LIB.hazy_error_free(err)
            LIB.hazy_job_free(out)
            raise raised[0]
        check(status, err)
        assert out, "hazy_job_wait returned OK without a job"
        return Job.take(out)

    def _list(self, kind, project_id, from_ptr) -> list:
        """hazy_{kind}s_list, copied item by item (hazy_{kind}_list_get) and freed."""
        out = c_void_p()
        call(getattr(LIB, f"hazy_{kind}s_list"), self.ptr, _b(project_id), byref(out))
        get = getattr(LIB, f"hazy_{kind}_list_get")
        try:
            n = getattr(LIB, f"hazy_{kind}_list_len")(out)
            items = [from_ptr(get(out, i)) for i in range(n)]
            assert not get(out, n), f"hazy_{kind}_list_get past the end is not NULL"
            return items
        finally:
            getattr(LIB, f"hazy_{kind}_list_free")(out)

    def jobs_list(self, project_id) -> list:
        return self._list("job", project_id, Job.from_ptr)

    def models_list(self, project_id) -> list:
        return self._list("model", project_id, Model.from_ptr)
