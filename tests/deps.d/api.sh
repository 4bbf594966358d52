# The public Go and Java APIs' check (mk/api.mk, scripts/api/api.py): Go's apidiff, built into
# .cache/go-tools from golang.org/x/exp at a pinned pseudo-version (its modules in .cache/go-mod),
# and japicmp 0.27.0 from Maven Central into ~/.m2. Central has japicmp's plain jar but not its
# jar-with-dependencies, so Maven resolves it and its dependencies through
# scripts/api/japicmp-pom.xml and writes their class path to .cache/api/japicmp.classpath; the Java
# binding's own compile class path (JNA) goes beside it, so that the check compiles the binding
# without Maven and without the native libraries the binding's build bundles. Sourced by
# tests/ensure-deps.sh; Go, the JDK 17 and Maven come from its base list.

APIDIFF_VERSION=v0.0.0-20261113113407-e3970619a1a4
MAVEN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

# api_classpath POM FILE: the runtime class path of POM's dependencies, resolved into ~/.m2, in FILE.
# Debian's Maven prints colour codes even with -q -B, so its output is shown only when it fails.
api_classpath() {
    local out
    out=$(mvn -B -ntp -q -f "$1" "$MAVEN_DEPENDENCY_PLUGIN:build-classpath" -DincludeScope=runtime \
        -Dmdep.outputFile="$2" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }
}

after_packages_api() {
    local gobin="$PWD/.cache/go-tools" cache="$PWD/.cache/api"
    if ! go version -m "$gobin/apidiff" 2>/dev/null | grep -q "mod[[:space:]]*golang.org/x/exp[[:space:]]*$APIDIFF_VERSION"; then
        echo "[deps] installing apidiff (golang.org/x/exp $APIDIFF_VERSION) into .cache/go-tools"
        GOBIN="$gobin" GOMODCACHE="$PWD/.cache/go-mod" GOFLAGS=-mod=mod go install "golang.org/x/exp/cmd/apidiff@$APIDIFF_VERSION"
    fi
    # The class paths hold for the poms they were resolved from (scripts/api/api.py checks the stamp).
    local stamp
    stamp=$(cat scripts/api/japicmp-pom.xml bindings/java/pom.xml | sha256sum | cut -d' ' -f1)
    local jar have=1
    if [ "$(cat "$cache/classpaths.sha256" 2>/dev/null)" = "$stamp" ]; then
        for jar in $(tr ':' ' ' <"$cache/japicmp.classpath") $(tr ':' ' ' <"$cache/java-compile.classpath"); do
            [ -e "$jar" ] || have=0
        done
        [ "$have" = 1 ] && return
    fi
    echo "[deps] resolving japicmp 0.27.0 and the Java binding's compile class path into ~/.m2"
    mkdir -p "$cache"
    rm -f "$cache/classpaths.sha256"
    api_classpath scripts/api/japicmp-pom.xml "$cache/japicmp.classpath" || return 1
    api_classpath bindings/java/pom.xml "$cache/java-compile.classpath" || return 1
    echo "$stamp" >"$cache/classpaths.sha256"
}
