# COBOL binding (issue 27, mk/cobol.mk): GnuCOBOL's compiler, cobc, which builds
# bindings/cobol/, examples/cobol/TRAIN.cbl and the suite in bindings/cobol/tests/. Sourced by
# tests/ensure-deps.sh (`make deps`); pkg-config, which cobc links libhazy through, is in the
# base packages there. gnucobol3 is Debian's GnuCOBOL 3.1.2.
want cobc gnucobol3
