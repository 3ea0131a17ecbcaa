// The CLI's lab commands: `trials` (filter, sort, choose columns, over one study, several, or every study
// with a tag) and `study compare`. The logic is in lab/; this file fetches and prints.
#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/status_macros.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "lab/measurement_table.h"
#include "lab/study_comparison.h"
#include "lab/trial_table.h"
#include "proto/outcomes.h"
#include "tools/cli.h"
#include "tools/output_format.h"

namespace hyperlab::tools {
namespace {

// The study's trials; with `measurements`, each trial's measurements go there by trial id.
absl::StatusOr<std::vector<v1::Trial>> FetchTrials(
    const GlobalOptions& g, v1::StudyService::Stub& stub, const v1::Study& study,
    std::map<int64_t, std::vector<v1::Measurement>>* measurements = nullptr) {
  v1::ListTrialsRequest request;
  request.set_study(absl::StrCat(study.id()));
  request.set_with_measurements(measurements != nullptr);
  v1::ListTrialsResponse response;
  RETURN_IF_ERROR(FromGrpc(stub.ListTrials(CallContext(g).get(), request, &response)));
  std::vector<v1::Trial> trials;
  for (const auto& t : response.trials()) {
    trials.push_back(t.trial());
    if (measurements != nullptr) {
      (*measurements)[t.trial().id()] = {t.measurements().begin(), t.measurements().end()};
    }
  }
  return trials;
}

// The widest a default trials table may be, so that it reads in an ordinary terminal.
constexpr size_t kTableWidth = 120;

bool HasTag(const v1::Study& study, const std::string& tag) {
  return std::find(study.spec().tags().begin(), study.spec().tags().end(), tag) != study.spec().tags().end();
}

// The studies named by `refs`, or every study tagged `tag`, in id order.
absl::StatusOr<std::vector<v1::Study>> ResolveStudies(const GlobalOptions& g, v1::StudyService::Stub& stub,
                                                      const std::vector<std::string>& refs,
                                                      const std::string& tag) {
  if (!tag.empty() && !refs.empty()) {
    return absl::InvalidArgumentError("trials: name studies or give --tag, not both");
  }
  std::vector<v1::Study> studies;
  if (tag.empty()) {
    if (refs.empty()) return absl::InvalidArgumentError("trials: name a study, or give --tag TAG");
    for (const std::string& ref : refs) {
      ASSIGN_OR_RETURN(v1::Study study, GetStudy(g, stub, ref));
      studies.push_back(std::move(study));
    }
    return studies;
  }
  v1::ListStudiesRequest request;
  request.set_tag(tag);
  v1::ListStudiesResponse response;
  RETURN_IF_ERROR(FromGrpc(stub.ListStudies(CallContext(g).get(), request, &response)));
  // Filtered here as well: a coordinator older than the `tag` field returns every study.
  for (const v1::Study& s : response.studies()) {
    if (HasTag(s, tag)) studies.push_back(s);
  }
  if (studies.empty()) {
    // Name the tags that do exist: the likely mistake is a misspelt one.
    v1::ListStudiesResponse all;
    RETURN_IF_ERROR(FromGrpc(stub.ListStudies(CallContext(g).get(), {}, &all)));
    std::set<std::string> tags_in_use;
    for (const v1::Study& s : all.studies())
      tags_in_use.insert(s.spec().tags().begin(), s.spec().tags().end());
    return absl::NotFoundError(absl::StrCat(
        "no study is tagged '", tag,
        "' (tags in use: ", tags_in_use.empty() ? "none" : absl::StrJoin(tags_in_use, ", "), ")"));
  }
  std::sort(studies.begin(), studies.end(), [](const auto& a, const auto& b) { return a.id() < b.id(); });
  return studies;
}

absl::Status PrintTable(const lab::Table& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable:
      std::cout << lab::RenderText(table);
      break;
    case OutputFormat::kCsv:
      std::cout << lab::RenderCsv(table);
      break;
    case OutputFormat::kJson:
      std::cout << lab::RenderJson(table).dump(2) << std::endl;
      break;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Trials(const GlobalOptions& g, const TrialsOptions& options) {
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(g.format));
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  ASSIGN_OR_RETURN(std::vector<v1::Study> studies, ResolveStudies(g, *stub, options.studies, options.tag));
  if (options.measurements && !options.columns.empty()) {
    return absl::InvalidArgumentError(
        "--columns: not with --measurements (its columns are trial, step, time_unix_ms and the metrics)");
  }
  std::vector<v1::StudySpec> specs;
  std::vector<lab::TrialRecord> records;
  // By study name, then trial id (only with --measurements).
  std::map<std::string, std::map<int64_t, std::vector<v1::Measurement>>> measurements;
  for (const v1::Study& study : studies) {
    specs.push_back(study.spec());
    ASSIGN_OR_RETURN(
        std::vector<v1::Trial> trials,
        FetchTrials(g, *stub, study, options.measurements ? &measurements[study.spec().name()] : nullptr));
    for (v1::Trial& t : trials) records.push_back({study.spec().name(), std::move(t)});
  }
  const lab::FieldCatalog catalog = lab::FieldCatalog::Build(specs, records);
  ASSIGN_OR_RETURN(records,
                   lab::SelectTrials(std::move(records), catalog,
                                     {.where = options.where, .sort = options.sort, .limit = options.limit}));
  const bool with_study = !options.tag.empty() || studies.size() > 1;
  if (options.measurements) {
    std::vector<lab::TrialMeasurements> steps;
    for (const lab::TrialRecord& r : records) {
      steps.push_back({r.study, r.trial.id(), std::move(measurements[r.study][r.trial.id()])});
    }
    return PrintTable(lab::MeasurementTable(steps, with_study), format);
  }

  if (format == OutputFormat::kJson && options.columns.empty()) {
    // Without --columns, JSON is the whole record (output_format.h's TrialToJson: `params` and `metrics`
    // as typed objects, notes, reuse, ...), as scripts have always read it; --columns gives flat objects.
    nlohmann::json out = nlohmann::json::array();
    for (const lab::TrialRecord& r : records) {
      nlohmann::json trial = TrialToJson(r.trial);
      if (with_study) trial["study"] = r.study;
      out.push_back(std::move(trial));
    }
    std::cout << out.dump(2) << std::endl;
    return absl::OkStatus();
  }
  std::vector<lab::Column> columns;
  if (options.columns == "all") {
    columns = lab::AllColumns(catalog, with_study);
  } else if (!options.columns.empty()) {
    ASSIGN_OR_RETURN(columns, lab::ParseColumns(options.columns, catalog));
  } else {
    columns = lab::DefaultColumns(catalog, with_study, /*for_people=*/format == OutputFormat::kTable);
    if (format == OutputFormat::kTable) {
      std::vector<std::string> objectives, left_out;
      for (const v1::StudySpec& spec : specs) objectives.push_back(PrimaryObjective(spec).metric());
      columns = lab::FitColumns(columns, records, objectives, kTableWidth, &left_out);
      if (!left_out.empty()) {
        // On stderr, so that the table itself stays clean for a pipe.
        std::cerr << "(" << left_out.size() << " more column" << (left_out.size() == 1 ? "" : "s") << ": "
                  << absl::StrJoin(left_out, ", ") << "; --columns all shows every column)" << std::endl;
      }
    }
  }
  return PrintTable(lab::BuildTable(columns, records), format);
}

absl::Status StudyCompare(const GlobalOptions& g, const std::vector<std::string>& refs,
                          std::optional<double> target) {
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(g.format));
  if (refs.size() < 2) return absl::InvalidArgumentError("study compare: name two or more studies");
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  std::vector<lab::StudyTrials> studies;
  for (const std::string& ref : refs) {
    lab::StudyTrials s;
    ASSIGN_OR_RETURN(s.study, GetStudy(g, *stub, ref));
    ASSIGN_OR_RETURN(s.trials, FetchTrials(g, *stub, s.study));
    studies.push_back(std::move(s));
  }
  ASSIGN_OR_RETURN(lab::Comparison comparison, lab::CompareStudies(studies, target));
  switch (format) {
    case OutputFormat::kTable:
      std::cout << lab::RenderText(lab::ComparisonTable(comparison));
      break;
    case OutputFormat::kCsv:
      std::cout << lab::RenderCsv(lab::ComparisonTable(comparison));
      break;
    case OutputFormat::kJson:
      std::cout << lab::ComparisonJson(comparison).dump(2) << std::endl;
      break;
  }
  return absl::OkStatus();
}

int ReportErrorWithDetail(const absl::Status& status) {
  const size_t newline = status.message().find('\n');
  if (newline == absl::string_view::npos) return ReportError(status);
  const int code = ReportError(absl::Status(status.code(), status.message().substr(0, newline)));
  std::cerr << status.message().substr(newline + 1) << "\n";
  return code;
}

}  // namespace hyperlab::tools
