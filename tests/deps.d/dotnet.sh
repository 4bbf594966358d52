# The .NET binding's suite (bindings/dotnet, mk/dotnet.mk): Debian's Mono 6.8 (mcs compiles the
# binding, its tests and the example; mono runs them) and NUnit 2.6.4 (the framework assembly
# and nunit-console). Sourced by tests/ensure-deps.sh (`make deps`).
want mcs mono-devel
want nunit-console nunit-console
# Debian names the 2.6.4 assemblies 2.6.3 in their paths; the pkg-config file is its own.
want_file /usr/lib/pkgconfig/nunit.pc libnunit-cil-dev
