#!/usr/bin/env bash
# Installs the Debian packages kscan builds against, or, when not root, prints the exact command.
# Exit 2 when something is missing and cannot be installed from here.
set -euo pipefail

# libbenchmark-dev: the optional small-matrix microbenchmark in bench/. python3-statsmodels: the
# independent state-space implementation the real-data tests compare with (tests/analysis).
packages=(g++ cmake make ninja-build pkg-config libhdf5-dev libyaml-cpp-dev libgtest-dev
          libbenchmark-dev
          xz-utils python3 python3-numpy python3-h5py python3-matplotlib python3-statsmodels
          ${KSCAN_EXTRA_PACKAGES:-})
# MPI only for a build with -DKSCAN_ENABLE_MPI=ON (`make test PRESET=mpi` sets KSCAN_ENABLE_MPI=ON
# here); the default build and its tests need none.
case "${KSCAN_ENABLE_MPI:-OFF}" in
  ON|on|1|TRUE|true|YES|yes) packages+=(libopenmpi-dev openmpi-bin) ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "kscan: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "kscan: missing Debian packages: ${missing[*]}" >&2
  echo "kscan: run as root:  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 2
fi
