# `hazy doctor` (issue 30): the tutorial's setup checked step by step against a live installation.
# Its unit tests (the contract table, the API-description comparison, the claims) are in
# src/doctor (test-rust); tests/doctor runs the CLI against the real Keycloak and the Hub
# simulator, with a misconfigured Keycloak client per diagnosis, made and deleted at run time.
#
#   make test-doctor     (in `make test`) every diagnosis, the simulator's contract, the canary scan
#   make contract-json   regenerate contract/hub-api.json (the simulator serves it) from the YAML

SERVICE_SUITES += test-doctor

.PHONY: test-doctor contract-json

test-doctor: build
	$(PYTHON) -m pytest -q tests/doctor

contract-json:
	$(PYTHON) tests/doctor/contract_json.py --write
