#!/usr/bin/env bash
# A shell for make that times every recipe line it runs, to see where `make test` spends its
# time and CPU:
#   make test SHELL="$PWD/scripts/time-recipes.sh"
#   sort -rn -k2 build/recipe-times.log | head -20     # by user CPU seconds
# Each line of the log: wall seconds, user CPU seconds, system CPU seconds (the recipe and every
# process it waited for), exit status, the recipe's first 200 characters. Recipes that run make
# again also contain the lines logged inside them.
log="${HAZY_RECIPE_LOG:-$PWD/build/recipe-times.log}"
mkdir -p "$(dirname "$log")"
times=$(mktemp)
/usr/bin/time -f "%e %U %S" -o "$times" /bin/bash "$@"
status=$?
printf '%s rc=%s | %s\n' "$(tail -n1 "$times")" "$status" "$(printf '%s' "${*: -1}" | tr '\n' ' ' | cut -c1-200)" >> "$log"
rm -f "$times"
exit "$status"
