# Supply chain (mk/supply-chain.mk): cargo-deny (licences, bans, sources; deny.toml) and
# cargo-cyclonedx (the Rust side of the SBOMs, scripts/sbom/), pinned, into .cache/tools as
# cargo-fuzz is (tests/deps.d/fuzz.sh). Sourced by tests/ensure-deps.sh; `make sboms` calls
# `tests/ensure-deps.sh supply-chain` so that `make dist` needs no `make deps` first. Quick when
# both are there: it only asks each for its version. The Java jar's SBOM is made by its Maven
# build with the same scripts (bindings/java/pom.xml), so it needs cargo-cyclonedx too.

CARGO_DENY_VERSION=0.20.2
CARGO_CYCLONEDX_VERSION=0.5.9

after_packages_supply_chain() {
    local tool version sub
    # SUPPLY_CHAIN_TOOLS: a subset (mk/supply-chain.mk's deps-sbom asks for cargo-cyclonedx only).
    for tool in ${SUPPLY_CHAIN_TOOLS:-cargo-deny cargo-cyclonedx}; do
        case $tool in
            cargo-deny) version=$CARGO_DENY_VERSION sub= ;;
            # Run directly, it wants its cargo subcommand first, and says
            # "cargo-cyclonedx-cyclonedx 0.5.9".
            cargo-cyclonedx) version=$CARGO_CYCLONEDX_VERSION sub=cyclonedx ;;
        esac
        if ! .cache/tools/bin/$tool $sub --version 2>/dev/null | grep -Eqx "$tool(-cyclonedx)? $version"; then
            echo "[deps] installing $tool $version into .cache/tools"
            # --debug: both only read Cargo.lock and the crates' manifests; their debug builds
            # take half the time and run in well under a second here.
            cargo install --quiet --locked --debug --force --version "$version" --root .cache/tools "$tool"
        fi
    done
}
