# Windows DLL (issue 16, mk/windows.mk): building it. Sourced by tests/ensure-deps.sh, also alone
# (`make deps-windows`) before every Windows build, so that `make dist` works in a fresh clone;
# Wine and what else only the tests need are in windows-tests.sh. Debian's mingw-w64 gives the
# cross compiler and linker cargo links with, and the binutils scripts/dist/windows-package.sh
# strips and lists exports with; rustup the Rust standard library for x86_64-pc-windows-gnu.
want x86_64-w64-mingw32-gcc mingw-w64
want x86_64-w64-mingw32-objdump binutils-mingw-w64-x86-64
want zip zip    # scripts/dist/windows-package.sh

after_packages_windows() {
    rust_target x86_64-pc-windows-gnu
}
