#pragma once
// Shared by the standard and square-root filtering operators.

namespace kscan {

/// What the suffixes a_k ⊗ … ⊗ a_T of a reverse scan must hold: every part (`full`, the operator
/// as such), or only the information pair (η and J, or its factor Z), all that PTFS's backward
/// filter reads. With `information` the operator offers a combine_suffix that computes only those.
enum class FilterSuffixes { full, information };

}  // namespace kscan
