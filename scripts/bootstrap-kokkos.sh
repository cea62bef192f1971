#!/usr/bin/env bash
# Provides Kokkos + Kokkos Kernels for kscan and prints the CMAKE_PREFIX_PATH to use.
#
# Order: the user's Kokkos_ROOT -> a system Kokkos with OpenMP -> the cache under .deps/
#        -> a build from KSCAN_KOKKOS_SOURCE (a Kokkos source tree, e.g. >= 4.7 for CUDA 13)
#        -> a build from Debian's `trilinos` source package (Kokkos 3.4.1, Serial + OpenMP).
# Nothing is downloaded except through apt-get. Progress goes to stderr; stdout carries only the prefix.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
deps=${KSCAN_DEPS_DIR:-$root/.deps}
jobs=${KSCAN_BUILD_JOBS:-$(nproc)}
say() { echo "kscan-bootstrap: $*" >&2; }

if [ -n "${Kokkos_ROOT:-}" ]; then
  say "using Kokkos_ROOT=$Kokkos_ROOT"
  echo "${Kokkos_ROOT};${KokkosKernels_ROOT:-$Kokkos_ROOT}"
  exit 0
fi

# KSCAN_KOKKOS_BACKENDS: "openmp" (Serial + OpenMP, the default), "serial" (Serial only) or
# "cuda" (CUDA + Serial + OpenMP for the GPU architecture KSCAN_CUDA_ARCH, a Kokkos_ARCH_* name,
# HOPPER90 by default). A CUDA build compiles without a GPU. Its toolkit is KSCAN_NVCC, else
# Debian's (/usr/bin/nvcc from non-free nvidia-cuda-toolkit, CUDA 11.8), else nvcc on PATH; its
# Kokkos is KSCAN_KOKKOS_SOURCE (Kokkos 3.4.1 predates sm_90): 4.6.01 for CUDA 11.8, >= 4.7.01
# for CUDA 13. CUDA 11 accepts GCC up to 11, so its host compiler defaults to g++-11.
backends=${KSCAN_KOKKOS_BACKENDS:-openmp}
case "$backends" in
  openmp) backend_flags=(-DKokkos_ENABLE_SERIAL=ON -DKokkos_ENABLE_OPENMP=ON); suffix="" ;;
  serial) backend_flags=(-DKokkos_ENABLE_SERIAL=ON -DKokkos_ENABLE_OPENMP=OFF); suffix="-serial" ;;
  cuda)
    [ -n "${KSCAN_KOKKOS_SOURCE:-}" ] || {
      say "KSCAN_KOKKOS_BACKENDS=cuda needs KSCAN_KOKKOS_SOURCE (a Kokkos 4.6.01 source tree for"
      say "CUDA 11.8, >= 4.7.01 for CUDA 13) or Kokkos_ROOT (an installed CUDA-enabled Kokkos)"
      exit 2; }
    nvcc=${KSCAN_NVCC:-}
    [ -n "$nvcc" ] || { [ -x /usr/bin/nvcc ] && nvcc=/usr/bin/nvcc; } || nvcc=$(command -v nvcc || true)
    [ -n "$nvcc" ] && [ -x "$nvcc" ] || {
      say "KSCAN_KOKKOS_BACKENDS=cuda needs nvcc (set KSCAN_NVCC). Debian 12, as root:"
      say "  sed -i 's/^Components: main$/Components: main contrib non-free/' /etc/apt/sources.list.d/debian.sources"
      say "  apt-get update && apt-get install -y --no-install-recommends nvidia-cuda-toolkit g++-11"
      exit 2; }
    cuda_release=$("$nvcc" --version | sed -n 's/.*release \([0-9]*\)\.\([0-9]*\).*/\1.\2/p')
    cuda_major=${cuda_release%%.*}
    if [ -n "${KSCAN_CUDA_HOST_COMPILER:-}" ]; then host_cxx=$KSCAN_CUDA_HOST_COMPILER
    elif [ "${cuda_major:-0}" -le 11 ]; then host_cxx=g++-11
    else host_cxx=g++; fi
    command -v "$host_cxx" >/dev/null || {
      say "CUDA $cuda_release needs the host compiler $host_cxx (apt-get install $host_cxx, or set KSCAN_CUDA_HOST_COMPILER)"
      exit 2; }
    # The toolkit's root: /usr for Debian's /usr/bin/nvcc (headers in /usr/include).
    cuda_root=$(cd "$(dirname "$nvcc")/.." && pwd)
    say "CUDA $cuda_release from $nvcc (root $cuda_root), host compiler $host_cxx"
    cuda_arch=${KSCAN_CUDA_ARCH:-HOPPER90}
    backend_flags=(-DKokkos_ENABLE_SERIAL=ON -DKokkos_ENABLE_OPENMP=ON -DKokkos_ENABLE_CUDA=ON
                   "-DKokkos_ARCH_${cuda_arch}=ON")
    export CUDAToolkit_ROOT=$cuda_root   # CMake's CUDA search for Kokkos and Kokkos Kernels
    export PATH="$(dirname "$nvcc"):$PATH"   # the toolkit's own nvcc stages (install_wrapper)
    suffix="-cuda" ;;
  *) say "KSCAN_KOKKOS_BACKENDS must be openmp, serial or cuda, not '$backends'"; exit 2 ;;
esac
flavour=${KSCAN_KOKKOS_SOURCE:+custom}
flavour=${flavour:-debian}
prefix=$deps/kokkos-$flavour$suffix
stamp=$prefix/.kscan-complete
want="${KSCAN_KOKKOS_SOURCE:-debian} $backends ${KSCAN_CUDA_ARCH:-} ${nvcc:-} ${host_cxx:-} ${KSCAN_KOKKOS_CMAKE_ARGS:-}"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "reusing cached Kokkos in $prefix"
  echo "$prefix"
  exit 0
fi

mkdir -p "$deps"
work=$(mktemp -d "$deps/work.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ -n "${KSCAN_KOKKOS_SOURCE:-}" ]; then
  kokkos_src=$KSCAN_KOKKOS_SOURCE
  kernels_src=${KSCAN_KOKKOS_KERNELS_SOURCE:-}
else
  # A private deb-src list built from the machine's own sources: the system's apt state is untouched.
  apt_dir=$work/apt
  mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial"
  found_sources=0
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed 's/^Types:.*/Types: deb-src/' "$f" > "$apt_dir/sources.list.d/$(basename "$f")"
    found_sources=1
  done
  if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' > "$apt_dir/sources.list.d/main.list"
    found_sources=1
  fi
  [ "$found_sources" = 1 ] || { say "no apt sources found to derive a deb-src entry from"; exit 2; }
  apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
            -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root")
  say "fetching Debian's trilinos source package (contains Kokkos 3.4.1 and Kokkos Kernels)"
  apt-get "${apt_opts[@]}" update -qq >&2
  (cd "$work" && apt-get "${apt_opts[@]}" source --download-only -qq trilinos >&2)
  tarball=$(ls "$work"/trilinos_*.orig.tar.* | head -n 1)
  say "extracting packages/kokkos and packages/kokkos-kernels from $(basename "$tarball")"
  mkdir -p "$work/src"
  tar -xf "$tarball" -C "$work/src" --strip-components=1 --wildcards \
      '*/packages/kokkos/*' '*/packages/kokkos-kernels/*'
  kokkos_src=$work/src/packages/kokkos
  kernels_src=$work/src/packages/kokkos-kernels
fi

# Extra Kokkos options, e.g. "-DKokkos_ENABLE_CUDA=ON -DKokkos_ARCH_HOPPER90=ON".
read -r -a extra_flags <<< "${KSCAN_KOKKOS_CMAKE_ARGS:-}"

say "building Kokkos from $kokkos_src into $prefix ($jobs jobs)"
rm -rf "$prefix"

# The installed nvcc_wrapper is the compiler Kokkos records for its consumers (kscan reaches it
# through kokkos_launch_compiler), so it carries the choices: the toolkit's nvcc by absolute path
# (PATH may name another CUDA first), the host compiler, and the target's architecture where a
# command names none (the source tree's default, sm_70, is refused by CUDA 13). nvcc finds its
# stages (cudafe++, ptxas, fatbinary, nvlink) on PATH, so the toolkit's bin directory goes first:
# another CUDA's cudafe++ generates lambda wrappers that this toolkit's headers reject.
compiler_flag=()
install_wrapper() {
  sed -e "s|^default_arch=.*|default_arch=\"sm_${cuda_arch//[!0-9]/}\"|" \
      -e "s|^host_compiler=.*|host_compiler=\${NVCC_WRAPPER_DEFAULT_COMPILER:-\"$host_cxx\"}|" \
      -e "s|^nvcc_compiler=nvcc\$|nvcc_compiler=\"$nvcc\"; export PATH=\"$(dirname "$nvcc"):\$PATH\"|" \
      "$kokkos_src/bin/nvcc_wrapper" > "$prefix/bin/nvcc_wrapper"
  chmod +x "$prefix/bin/nvcc_wrapper"
}
if [ "$backends" = cuda ]; then
  mkdir -p "$prefix/bin"
  install_wrapper
  compiler_flag=("-DCMAKE_CXX_COMPILER=$prefix/bin/nvcc_wrapper")
fi
cmake -S "$kokkos_src" -B "$work/build-kokkos" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_CXX_STANDARD=17 -DCMAKE_CXX_EXTENSIONS=OFF \
  -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  "${backend_flags[@]}" ${compiler_flag[@]+"${compiler_flag[@]}"} "${extra_flags[@]}" >&2
cmake --build "$work/build-kokkos" -j "$jobs" >&2
cmake --install "$work/build-kokkos" >&2
[ "$backends" != cuda ] || install_wrapper   # the install put the source tree's copy back

if [ -n "$kernels_src" ]; then
  say "building Kokkos Kernels (default ETI off) into $prefix"
  cmake -S "$kernels_src" -B "$work/build-kernels" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$prefix" -DKokkos_ROOT="$prefix" \
    -DCMAKE_CXX_STANDARD=17 -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    ${compiler_flag[@]+"${compiler_flag[@]}"} -DKokkosKernels_ADD_DEFAULT_ETI=OFF -DKokkosKernels_ENABLE_TESTS=OFF \
    -DKokkosKernels_ENABLE_EXAMPLES=OFF >&2
  cmake --build "$work/build-kernels" -j "$jobs" >&2
  cmake --install "$work/build-kernels" >&2
fi

[ "$backends" != cuda ] || echo "$cuda_root" > "$prefix/kscan-cuda-toolkit-root"
echo "$want" > "$stamp"
say "Kokkos installed in $prefix"
echo "$prefix"
