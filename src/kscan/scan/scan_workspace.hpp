#pragma once
// Scratch storage for the scans: one growable buffer of elements on one memory space. It grows
// only when a scan needs more than it holds (normally on the first scan of a length), so repeated
// timed scans allocate nothing. Not thread-safe: give each concurrently running scan its own.
#include <Kokkos_Core.hpp>
#include <cstddef>
#include <cstdint>

namespace kscan {

template <class Value, class MemorySpace>
class ScanWorkspace {
 public:
  using value_type = Value;
  using memory_space = MemorySpace;
  using buffer_type = Kokkos::View<Value*, MemorySpace>;

  ScanWorkspace() = default;

  /// Makes room for at least `elements` elements. When the buffer must grow, `space` is fenced
  /// first so that no kernel still uses the old buffer when it is released; the new buffer is
  /// left uninitialised.
  template <class ExecSpace>
  void reserve(const ExecSpace& space, std::int64_t elements) {
    if (elements <= 0 || static_cast<std::size_t>(elements) <= capacity()) return;
    space.fence();
    buffer_ = buffer_type();  // release before allocating: the peak stays at the new size
    buffer_ = buffer_type(Kokkos::view_alloc(Kokkos::WithoutInitializing, "kscan::scan::workspace"),
                          static_cast<std::size_t>(elements));
    ++allocations_;
  }
  void reserve(std::int64_t elements) {
    reserve(typename MemorySpace::execution_space(), elements);
  }

  /// Frees the buffer (the next scan that needs scratch allocates again).
  void release() { buffer_ = buffer_type(); }

  const buffer_type& buffer() const { return buffer_; }
  /// Elements the buffer holds.
  std::size_t capacity() const { return buffer_.extent(0); }
  /// Bytes currently allocated by this workspace.
  std::size_t allocated_bytes() const { return capacity() * sizeof(Value); }
  /// How many times the buffer was (re)allocated since construction.
  std::size_t allocations() const { return allocations_; }

 private:
  buffer_type buffer_;
  std::size_t allocations_ = 0;
};

}  // namespace kscan
