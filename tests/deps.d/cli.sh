# The CLI suite (mk/cli.mk, tests/cli): curl, for the test that pipes `hazy auth token` into it
# as the README shows. Sourced by tests/ensure-deps.sh.
want curl curl
