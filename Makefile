# The two entry points of the README.  Each installs the Debian packages it needs first.
#   make matrix   the main job: verify every release of matrix.yaml (scripts/kit matrix)
#   make check    the kit's own tests, then the main job, with one closing count
.PHONY: matrix check deps help

help:
	@sed -n 's/^#   //p' Makefile

deps:
	@scripts/install-deps

matrix: deps
	scripts/kit matrix

check: deps
	tests/run
