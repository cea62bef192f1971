# The README's two commands. Everything else is CMake (see CMakePresets.json).
#   make run    install what is missing, bootstrap Kokkos, build, run inputs/quickstart.yaml
#   make test   install what is missing, bootstrap Kokkos, build, run ctest
PRESET ?= openmp
JOBS ?= $(shell nproc)
BUILD := build/$(PRESET)
DECK ?= inputs/quickstart.yaml
FILES ?= results/quickstart.h5
OUT ?= results/report

.PHONY: all deps configure build run test install clean report
all: build

deps:
	@KSCAN_ENABLE_MPI=$(if $(filter mpi,$(PRESET)),ON,$${KSCAN_ENABLE_MPI:-OFF}) \
	  bash scripts/install-system-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@OMP_PROC_BIND=$${OMP_PROC_BIND:-spread} OMP_PLACES=$${OMP_PLACES:-threads} \
	  $(BUILD)/apps/kscan/kscan run $(DECK)

test: build
	@ctest --preset $(PRESET) -j $(JOBS)

# Figures and report.md from result files (analysis/README.md); Debian's python3 has h5py.
report:
	/usr/bin/python3 -m analysis.report $(FILES) -o $(OUT)

install: build
	@cmake --install $(BUILD) --prefix $${PREFIX:-/usr/local}

clean:
	@rm -rf build
