"""-v and --log-file: libhazy's log lines on standard error or in a private file. Which events
the library logs, and their redaction, are tested in the library's own suites."""
import stat

from hazycli import EXIT, assert_no_secret, hazy


def test_verbose_logs_to_stderr_by_level():
    info = hazy("-v", "--json", "auth", "check")
    assert info.rc == EXIT["success"], info.err
    assert info.json()["client_id"] == "api", "results stay alone on standard output"
    assert " libhazy INFO token.granted: " in info.err and " status=200 " in info.err, info.err
    assert " DEBUG " not in info.err
    debug = hazy("-vv", "auth", "check")
    assert " libhazy DEBUG token.request: " in debug.err and "libhazy" not in debug.out, debug.err


def test_log_file_is_private_and_gets_the_lines(tmp_path):
    path = tmp_path / "hazy.log"
    run = hazy("--log-file", path, "auth", "check")
    assert run.rc == EXIT["success"], run.err
    assert run.err == "", "with --log-file, standard error gets no log lines"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert " libhazy INFO token.granted: " in text, text
    assert_no_secret(text)
