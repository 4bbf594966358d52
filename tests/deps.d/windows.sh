# Windows DLL (issue 16, mk/windows.mk): Debian's mingw-w64 cross compiler and linker, and Wine
# to run the cross-compiled tests on this machine. Sourced by tests/ensure-deps.sh. rustup gives
# the Rust standard library for x86_64-pc-windows-gnu.
want x86_64-w64-mingw32-gcc mingw-w64
want x86_64-w64-mingw32-objdump binutils-mingw-w64-x86-64
# The POSIX-threads C++ compiler builds the bad DLL that tests/windows/check_dll.py must reject.
want x86_64-w64-mingw32-g++-posix g++-mingw-w64-x86-64-posix
# Debian 12: wine64 holds the 64-bit loader, and the `wine` package the `wine` command.
want wine wine
want_file /usr/lib/wine/wine64 wine64
want zip zip    # scripts/dist/windows-package.sh

after_packages_windows() {
    rust_target x86_64-pc-windows-gnu
}
