// `hyperlab study best` for a study with several objectives: its Pareto front (GetParetoFront) as a table
// (one row per trial: id, each objective, the parameters, the other metrics), CSV, or JSON
// {"objectives": [{"metric", "goal"}], "trials": [TrialToJson...]}.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_TOOLS_PARETO_FORMAT_H_
#define HYPERLAB_TOOLS_PARETO_FORMAT_H_

#include <string>

#include "hyperlab/v1/services.pb.h"
#include "tools/output_format.h"

namespace hyperlab::tools {

std::string FormatParetoFront(const v1::Study& study, const v1::GetParetoFrontResponse& front,
                              OutputFormat format);

}  // namespace hyperlab::tools

#endif  // HYPERLAB_TOOLS_PARETO_FORMAT_H_
