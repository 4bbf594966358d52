# TLS and proxies through real servers (issue 10): nginx with a test CA made at run time in
# front of Keycloak and the Hub simulator, and tinyproxy as a CONNECT proxy. Needs the stack.

.PHONY: test-tls
test-tls: ## TLS: CA bundles, mTLS, proxies, through nginx
	$(PYTHON) tests/tls/run.py
