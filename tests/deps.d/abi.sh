# The ABI check (mk/abi.mk, scripts/abi/abi.py): libabigail's abidw and abidiff. Sourced by
# tests/ensure-deps.sh.
want abidw abigail-tools
want abidiff abigail-tools
