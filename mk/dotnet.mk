# .NET (issue 27): the C# binding (bindings/dotnet, .NET Standard 2.0), built and tested with
# Debian's Mono 6.8 and NUnit 2.6.4, and its NuGet package.
#
#   make dist-nupkg    dist/LibHazy.VERSION.nupkg from the release tarballs and the Windows zip
#   make test-dotnet   the NUnit suite under Mono against the stack, the package, the example

DOTNET_NUPKG := dist/LibHazy.$(DIST_VERSION).nupkg

.PHONY: deps-dotnet dist-nupkg test-dotnet

# Mono (mcs builds the assembly) and NUnit, from tests/deps.d/dotnet.sh, on first use as deps-dist.
deps-dotnet:
	@bash tests/ensure-deps.sh dotnet

dist-nupkg: $(addprefix dist-,$(DIST_ARCHES)) dist-windows deps-dotnet ## the .NET package (.nupkg) from the release tarballs and zip
	bash scripts/dist/nupkg.sh

# The suite uses the debug library (build) and the package (dist-nupkg); inside the stack:
#   python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- make test-dotnet
test-dotnet: build dist-nupkg ## the .NET binding: NUnit 2.6 under Mono, the unpacked .nupkg, the example
	bash bindings/dotnet/run-tests.sh
