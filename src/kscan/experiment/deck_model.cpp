// The model a deck describes, as the runner builds it for a dataset's length: the kind's own
// model (random, tracking, lti or the file's), then model.initial's state at x_1.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "kscan/experiment/deck.hpp"
#include "kscan/model/generators.hpp"

namespace kscan {

std::vector<int> diffuse_components(const Deck& deck, int nx) {
  const auto& init = deck.model.initial;
  if (!init.given || !init.diffuse) return {};
  std::vector<int> out = init.diffuse_states;
  if (out.empty())
    for (int i = 0; i < nx; ++i) out.push_back(i);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

/// model.initial: (m0, P0) become x_1's (a1, P1) and transition 0 is skipped; the diffuse
/// components' infinite variance is not stored (the runner starts them exactly).
HostModel with_initial_state(const Deck& deck, HostModel model) {
  const auto& init = deck.model.initial;
  if (!init.given) return model;
  const int nx = model.nx();
  if ((!init.a1.empty() && static_cast<int>(init.a1.size()) != nx) ||
      (!init.P1.empty() && static_cast<int>(init.P1.size()) != nx * nx))
    throw std::invalid_argument("model.initial: a1 and P1 must have nx = " +
                                std::to_string(nx) + " (x nx) entries");
  model.initial_is_predicted = true;
  // new initial-state arrays: the others may be shared with the deck's loaded model file
  model.m0 = HostModel::vector("kscan::model::m0", nx);
  model.P0 = HostModel::matrix("kscan::model::P0", nx, nx);
  for (int i = 0; i < nx; ++i) {
    model.m0(i) = init.a1.empty() ? 0.0 : init.a1[i];
    for (int j = 0; j < nx; ++j) model.P0(i, j) = init.P1.empty() ? 0.0 : init.P1[i * nx + j];
  }
  for (const int i : diffuse_components(deck, nx)) model.m0(i) = 0.0;
  return model;
}

HostModel build_deck_model(const Deck& deck, std::int64_t length, const DatasetReader& reader) {
  const auto& m = deck.model;
  switch (m.kind) {
    case ModelKind::random: {
      RandomModelOptions o = m.random;
      o.nx = m.state_dim;
      o.ny = m.obs_dim;
      o.time_varying = m.time_varying;
      o.seed = deck.experiment.seed;
      o.length = static_cast<int>(length);
      return make_random_model(o);
    }
    case ModelKind::tracking: return make_tracking_model(m.tracking);
    case ModelKind::lti: return make_lti_model(m.lti);
    case ModelKind::file:
      if (deck.model_data) return deck.model_data->model;
      if (!reader)
        throw std::runtime_error("model.kind is file but no dataset reader is available");
      return reader(m.file, m.dataset).model;
  }
  throw std::invalid_argument("unknown model kind '" + std::string(deck_name(m.kind)) + "'");
}

}  // namespace

HostModel build_model(const Deck& deck, std::int64_t length, const DatasetReader& reader) {
  return with_initial_state(deck, build_deck_model(deck, length, reader));
}

}  // namespace kscan
