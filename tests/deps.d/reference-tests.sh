# The C API reference's test (mk/reference.mk, tests/reference): man and lexgrog (man-db) and
# groff render and read every generated man page. Sourced by tests/ensure-deps.sh.
want man man-db
want lexgrog man-db
want groff groff
