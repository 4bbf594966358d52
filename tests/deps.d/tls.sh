# TLS and proxy suite (mk/tls.mk): a real nginx terminating TLS, a real CONNECT proxy, and openssl
# to make the test CA at run time. Sourced by tests/ensure-deps.sh. The suite runs its own
# unprivileged instances on 127.0.0.1; the packages' system services are not used.
want nginx nginx-light
want tinyproxy tinyproxy
want openssl openssl
