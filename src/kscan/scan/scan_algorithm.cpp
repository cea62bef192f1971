#include "kscan/scan/scan_algorithm.hpp"

#include <algorithm>

#include "kscan/scan/impl/scan_registry.hpp"

namespace kscan {

const std::vector<ScanDeckName>& scan_deck_names() {
  static const std::vector<ScanDeckName> names = [] {
    std::vector<ScanDeckName> all;
    scan_detail::for_each_scan([&](auto scan) {
      for (const ScanDeckName& name : decltype(scan)::deck_names) all.push_back(name);
    });
    return all;
  }();
  return names;
}

const std::vector<std::string>& scan_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const ScanDeckName& name : scan_deck_names()) all.emplace_back(name.name);
    return all;
  }();
  return names;
}

const std::vector<const ScanParameter*>& scan_parameters() {
  static const std::vector<const ScanParameter*> parameters = [] {
    std::vector<const ScanParameter*> all;
    for (const ScanDeckName& name : scan_deck_names())
      if (name.parameter && std::find(all.begin(), all.end(), name.parameter) == all.end())
        all.push_back(name.parameter);
    return all;
  }();
  return parameters;
}

std::optional<ScanOptions> parse_scan(std::string_view name, const ScanParameterValues& values) {
  std::optional<ScanOptions> parsed;
  scan_detail::for_each_scan([&](auto scan) {
    for (const ScanDeckName& deck_name : decltype(scan)::deck_names) {
      if (parsed || name != deck_name.name) continue;
      ScanOptions options{decltype(scan)::algorithm, deck_name.fixed};
      if (const ScanParameter* parameter = deck_name.parameter) {
        const auto value = values.find(parameter->key);
        options.parameter = value != values.end() ? value->second : parameter->default_value;
        if (options.parameter < parameter->minimum || options.parameter > parameter->maximum)
          return;
      }
      parsed = options;
    }
  });
  return parsed;
}

std::string scan_name(const ScanOptions& options) {
  // (the name fixing this parameter, else the one reading it from the deck)
  std::string name = "unknown";
  scan_detail::visit_scan(options.algorithm, [&](auto scan) {
    const auto& names = decltype(scan)::deck_names;
    const auto fixed = std::find_if(names.begin(), names.end(), [&](const ScanDeckName& n) {
      return !n.parameter && n.fixed == options.parameter;
    });
    const auto configurable = std::find_if(names.begin(), names.end(),
                                           [](const ScanDeckName& n) { return n.parameter; });
    name = fixed != names.end() ? fixed->name
           : configurable != names.end() ? configurable->name
                                         : names.front().name;
  });
  return name;
}

bool scans_batches(const ScanOptions& options) {
  bool batches = false;
  scan_detail::visit_scan(options.algorithm,
                          [&](auto scan) { batches = decltype(scan)::scans_batches; });
  return batches;
}

}  // namespace kscan
