# The Windows DLL's tests (tests/windows, mk/windows.mk), beyond what building it needs
# (windows.sh): Wine runs the cross-compiled tests on this machine. Sourced by
# tests/ensure-deps.sh (`make deps` only).
# The POSIX-threads C++ compiler builds the bad DLL that tests/windows/check_dll.py must reject.
want x86_64-w64-mingw32-g++-posix g++-mingw-w64-x86-64-posix
# Debian 12: wine64 holds the 64-bit loader, and the `wine` package the `wine` command.
want wine wine
want_file /usr/lib/wine/wine64 wine64
