#include "optim/parameter.h"

namespace engine::optim {

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<ParameterGroup> split_weight_decay_groups(const std::vector<Parameter>& parameters) {
  ParameterGroup decayed;
  ParameterGroup not_decayed;
  not_decayed.weight_decay = 0.0;
  for (const Parameter& parameter : parameters) {
    const bool exempt = ends_with(parameter.name, "bias") || parameter.tensor.rank() == 1;
    (exempt ? not_decayed : decayed).parameters.push_back(parameter);
  }
  return {decayed, not_decayed};
}

std::vector<Parameter> all_parameters(const std::vector<ParameterGroup>& groups) {
  std::vector<Parameter> parameters;
  for (const ParameterGroup& group : groups) {
    parameters.insert(parameters.end(), group.parameters.begin(), group.parameters.end());
  }
  return parameters;
}

}  // namespace engine::optim
