# The README's two commands. Everything else is CMake (see CMakePresets.json).
#   make run    install what is missing, bootstrap Kokkos, build, run inputs/quickstart.yaml
#   make test   install what is missing, bootstrap Kokkos, build, run ctest
#   make bench  issue 7's benchmark decks against a plain C++ and the statsmodels Kalman filter
PRESET ?= openmp
JOBS ?= $(shell nproc)
BUILD := build/$(PRESET)
DECK ?= inputs/quickstart.yaml
FILES ?= results/quickstart.h5
OUT ?= results/report

.PHONY: all deps configure build run test bench install clean report check-cuda
all: build

# The cuda presets compile through Debian's CUDA 11.8, whose host compiler is g++-11.
deps:
	@KSCAN_ENABLE_MPI=$(if $(filter mpi,$(PRESET)),ON,$${KSCAN_ENABLE_MPI:-OFF}) \
	  KSCAN_EXTRA_PACKAGES="$${KSCAN_EXTRA_PACKAGES:-} $(if $(filter cuda%,$(PRESET)),g++-11,)" \
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

# The decks in inputs/bench/ at 1 and 2 threads, the plain C++ KF and statsmodels' KF on the same
# data, and the table of ratios against issue 7's targets (README "Benchmarks"). Builds only what
# it runs; statsmodels comes from Debian.
bench: configure
	@KSCAN_EXTRA_PACKAGES=python3-statsmodels bash scripts/install-system-deps.sh
	@cmake --build $(BUILD) -j $(JOBS) --target kscan kscan-bench-plain-kf
	/usr/bin/python3 -m bench.run_benchmarks --build $(BUILD)

# The CUDA build's compile-time evidence without a GPU: builds the cuda-check preset (fixed size
# 4x2 only) and prints ptxas' registers, spills and occupancy per kernel (README "GPU builds").
check-cuda:
	@JOBS=$(JOBS) bash scripts/check-cuda.sh

# Figures and report.md from result files (analysis/README.md); Debian's python3 has h5py.
report:
	/usr/bin/python3 -m analysis.report $(FILES) -o $(OUT)

install: build
	@cmake --install $(BUILD) --prefix $${PREFIX:-/usr/local}

clean:
	@rm -rf build
