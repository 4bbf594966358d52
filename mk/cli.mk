# The `hazy` command-line tool (cli/, issue 15). `make build` builds it with the workspace
# (target/debug/hazy); its end-to-end suite (tests/cli) runs under the stack, against the
# real Keycloak and the Hub simulator, including a pseudo-terminal for the progress bar.
#
#   make test-cli    (in `make test`) every command, exit codes, --json, signals, secrets
#   make demo-cli    one training run through the CLI with --wait, under its own stack

.PHONY: test-cli demo-cli cli-train-demo

test-cli: build ## the hazy command: flags, output formats, exit codes
	$(PYTHON) -m pytest -q tests/cli

# What `make demo` runs after the C program, inside the stack it already started.
cli-train-demo:
	HAZY_HUB_HOST="$$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$$HAZY_TEST_CLIENT_ID" HAZY_CLIENT_SECRET="$$HAZY_TEST_CLIENT_SECRET" \
	    $(TARGET)/hazy train --project demo-project --config examples/training-config.json --wait

demo-cli: build ## the demo from the shell only
	@$(STACK) $(MAKE) --no-print-directory cli-train-demo
