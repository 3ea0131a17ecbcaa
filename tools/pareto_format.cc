#include "tools/pareto_format.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/number_format.h"
#include "common/spec/parameter_tree.h"
#include "nlohmann/json.hpp"

namespace hyperlab::tools {

std::string FormatParetoFront(const v1::Study& study, const v1::GetParetoFrontResponse& front,
                              OutputFormat format) {
  if (format == OutputFormat::kJson) {
    nlohmann::json out = {{"study", study.spec().name()},
                          {"objectives", nlohmann::json::array()},
                          {"trials", nlohmann::json::array()}};
    for (const v1::Objective& o : front.objectives()) {
      out["objectives"].push_back(
          {{"metric", o.metric()}, {"goal", absl::AsciiStrToLower(v1::Objective::Goal_Name(o.goal()))}});
    }
    for (const v1::Trial& t : front.trials()) out["trials"].push_back(TrialToJson(t));
    return out.dump(2) + "\n";
  }
  std::vector<v1::Trial> trials(front.trials().begin(), front.trials().end());
  if (format == OutputFormat::kCsv) return FormatTrials(study, trials, format);
  // The table: the objectives first (with their goals), then what FormatTrials shows.
  std::vector<std::string> header = {"id"};
  for (const v1::Objective& o : front.objectives()) {
    header.push_back(absl::StrCat(o.metric(), o.goal() == v1::Objective::MAXIMIZE ? " (max)" : " (min)"));
  }
  const std::vector<FlatParameter> flat = FlatParameters(study.spec());  // Conditional children too.
  for (const FlatParameter& p : flat) header.push_back(p.spec->name());
  std::vector<std::vector<std::string>> rows;
  for (const v1::Trial& t : trials) {
    std::vector<std::string> row = {absl::StrCat(t.id())};
    for (const v1::Objective& o : front.objectives()) {
      auto it = t.metrics().find(o.metric());
      row.push_back(it == t.metrics().end() ? "" : TableNumber(it->second));
    }
    for (const FlatParameter& spec_param : flat) {
      std::string cell;
      for (const v1::Parameter& p : t.parameters()) {
        if (p.name() != spec_param.spec->name()) continue;
        cell = p.value().has_double_value() ? TableNumber(p.value().double_value())
               : p.value().has_int_value()  ? absl::StrCat(p.value().int_value())
                                            : p.value().string_value();
      }
      row.push_back(cell);
    }
    rows.push_back(std::move(row));
  }
  return absl::StrCat("Pareto front of study '", study.spec().name(), "': ", trials.size(),
                      trials.size() == 1 ? " trial" : " trials",
                      study.spec().constraints_size() > 0 ? " (feasible trials only)" : "", "\n",
                      RenderTable(header, rows));
}

}  // namespace hyperlab::tools
