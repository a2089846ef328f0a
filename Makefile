# The two entry points of the README.  Each installs the Debian packages it needs first.
#   make matrix   the main job: verify every release of matrix.yaml (scripts/kit matrix)
#   make check    the tests: the kit's own tests (tests/run; tests/run --matrix adds the main job)
.PHONY: matrix check deps help

help:
	@sed -n 's/^#   //p' Makefile

deps:
	@scripts/install-deps

matrix: deps
	scripts/kit matrix

check: deps
	tests/run
