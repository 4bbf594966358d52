# `hazy doctor` (issue 30): the tutorial's setup checked step by step against a live installation.
# Its unit tests (the contract table, the API-description comparison, the claims) are in
# src/doctor (test-rust); tests/doctor runs the CLI against the real Keycloak and the Hub
# simulator, with a misconfigured Keycloak client per diagnosis, made and deleted at run time.
#
#   make test-doctor     (in `make test`) every diagnosis, the simulator's contract, the canary scan
#   make contract-json   regenerate contract/hub-api.json (the simulator serves it) from the YAML

.PHONY: test-doctor contract-json

test-doctor: build ## hazy doctor against the stack and its broken variants
	$(PYTHON) -m pytest -q tests/doctor

contract-json: ## regenerate contract/hub-api.json from the YAML contract
	$(PYTHON) tests/doctor/contract_json.py --write
