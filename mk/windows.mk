# Windows (issue 16): hazy.dll for x86_64 Windows, cross-built with mingw-w64 and tested under
# Wine on this machine.
#
#   make dist-windows   dist/libhazy-VERSION-x86_64-windows-gnu.zip (and its SHA256SUMS line)
#
# `make dist` builds it too. The tests use the zip as shipped: its DLL's export and import
# tables, and the C API test and the C example cross-compiled against it and run under Wine.

WIN_ZIP := dist/libhazy-$(DIST_VERSION)-x86_64-windows-gnu.zip

.PHONY: deps-windows dist-windows test-windows-dll test-windows-capi test-windows-services

dist: dist-windows

ifdef DIST_ONE_AT_A_TIME
dist-windows: | dist-aarch64 ## the Windows DLL zip
endif

# mingw-w64, zip and the Rust target (tests/deps.d/windows.sh), installed on first use like
# deps-dist (mk/dist.mk); Wine, which only the tests need, stays in `make deps`.
deps-windows:
	@bash tests/ensure-deps.sh windows

dist-windows: deps-windows
	bash scripts/dist/windows-build.sh
	bash scripts/dist/windows-package.sh

test-windows-dll: dist-windows ## the DLL: exports, imports, version resource
	$(PYTHON) tests/windows/check_dll.py $(WIN_ZIP)

test-windows-capi: dist-windows ## the C API test under Wine
	$(PYTHON) tests/windows/capi.py $(WIN_ZIP)

test-windows-services: dist-windows ## the Windows build against the stack, under Wine
	$(PYTHON) tests/windows/services.py $(WIN_ZIP)
