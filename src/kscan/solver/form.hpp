#pragma once
// The numerical form a method carries its covariances in: as covariances (standard) or as
// Cholesky factors (sqrt: square-root elements and combines through triangularisations,
// docs/square-root-forms.md). Both forms compute the same quantities; sqrt keeps every covariance
// positive semi-definite by construction, which is what float32 on awkward models needs.
#include <array>
#include <optional>
#include <string_view>

namespace kscan {

enum class Form { standard, sqrt };

struct FormInfo {
  Form form;
  std::string_view name;
};

inline constexpr std::array<FormInfo, 2> forms = {{{Form::standard, "standard"}, {Form::sqrt, "sqrt"}}};

constexpr std::string_view form_name(Form f) {
  for (const auto& info : forms)
    if (info.form == f) return info.name;
  return "?";
}

constexpr std::optional<Form> parse_form(std::string_view name) {
  for (const auto& info : forms)
    if (info.name == name) return info.form;
  return std::nullopt;
}

}  // namespace kscan
