# .NET (issue 27): the C# binding (bindings/dotnet, .NET Standard 2.0), built and tested with
# Debian's Mono 6.8 and NUnit 2.6.4, and its NuGet package (docs/dotnet.md).
#
#   make dist-nupkg      dist/LibHazy.VERSION.nupkg from the release tarballs and the Windows zip
#   make dotnet-example  build/dotnet/demo/Train.exe, on the library of `make build`
#   make demo-dotnet     the stack up, the .NET example trains, the stack down
#   make test-dotnet     the NUnit suite under Mono against the stack, the package, the example

DOTNET_NUPKG := dist/LibHazy.$(DIST_VERSION).nupkg
DOTNET_TRAIN := $(BUILD)/dotnet/demo/Train.exe
# The .NET example as a demo runs it, inside the stack with HAZY_HUB_HOST, HAZY_CLIENT_ID and
# HAZY_CLIENT_SECRET exported.
DOTNET_DEMO  := mono $(DOTNET_TRAIN) demo-project examples/training-config.json

# make dist writes the NuGet package beside the tarballs.
dist: dist-nupkg

.PHONY: deps-dotnet dist-nupkg dotnet-example demo-dotnet test-dotnet

# Mono (mcs builds the assembly) and NUnit, from tests/deps.d/dotnet.sh, on first use as deps-dist;
# once there it only checks.
deps-dotnet:
	@bash tests/ensure-deps.sh dotnet

dist-nupkg: $(addprefix dist-,$(DIST_ARCHES)) dist-windows deps-dotnet ## the .NET package (.nupkg) from the release tarballs and zip
	bash scripts/dist/nupkg.sh

# Hazy.dll from the sources and a link to build/lib/libhazy.so beside Train.exe: no `make dist` needed.
dotnet-example: build deps-dotnet ## the .NET example (examples/dotnet/Train.cs), build/dotnet/demo/Train.exe
	bash bindings/dotnet/build-example.sh $(BUILD)/dotnet/demo

demo-dotnet: dotnet-example ## start Keycloak and the simulator, train from C# under Mono
	@$(STACK) sh -c 'export HAZY_HUB_HOST="$$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$$HAZY_TEST_CLIENT_ID" \
	    HAZY_CLIENT_SECRET="$$HAZY_TEST_CLIENT_SECRET" && $(DOTNET_DEMO)'

# The suite uses the debug library (build) and the package (dist-nupkg); inside the stack:
#   python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- make test-dotnet
test-dotnet: build dist-nupkg ## the .NET binding: NUnit 2.6 under Mono, the unpacked .nupkg, the example
	bash bindings/dotnet/run-tests.sh
