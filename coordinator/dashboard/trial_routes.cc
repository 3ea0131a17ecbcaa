// GET /api/v1/studies/{id}/trials (where, sort, offset, limit, measurements),
// GET /api/v1/studies/{id}/trials/{t} and POST /api/v1/studies/{id}/trials/{t}/notes (docs/dashboard.md).
#include <httplib.h>

#include "coordinator/dashboard/api_context.h"
#include "coordinator/dashboard/api_json.h"
#include "coordinator/dashboard/http_error.h"
#include "coordinator/dashboard/json_response.h"
#include "coordinator/dashboard/request_params.h"
#include "coordinator/dashboard/trial_query.h"
#include "coordinator/pareto_front.h"
#include "proto/limits.h"
#include "proto/outcomes.h"

namespace hyperlab::coordinator::dashboard {
namespace {

// The longest `where` or `sort` text.
constexpr size_t kMaxQueryLength = 4096;
// A study with several objectives: the ids of its Pareto front over all its trials (whatever `where`
// keeps), by the code behind `hyperlab study best` (coordinator/pareto_front.h: feasible trials only).
// Null with one objective.
nlohmann::json ParetoFrontJson(const v1::StudySpec& spec,
                               const std::vector<v1::TrialWithMeasurements>& trials) {
  if (StudyObjectives(spec).size() < 2) return nullptr;
  std::vector<const v1::Trial*> pointers;
  pointers.reserve(trials.size());
  for (const v1::TrialWithMeasurements& t : trials) pointers.push_back(&t.trial());
  return ParetoFrontIds(spec, pointers);
}

// The largest page: every trial of a 10,000-trial study at once (the plots want them all), or 200 with
// their measurements (learning curves).
constexpr int64_t kMaxPage = 10'000;
constexpr int64_t kMaxPageWithMeasurements = 200;

void ListTrials(const ApiContext& c, const httplib::Request& request, httplib::Response& response) {
  absl::StatusOr<std::string> ref = ParseRef(request.matches[1].str(), "study");
  if (!ref.ok()) return SendError(response, ref.status(), "study");
  TrialQuery query;
  absl::StatusOr<std::string> where = TextParam(request, "where", kMaxQueryLength);
  if (!where.ok()) return SendError(response, where.status(), "where");
  absl::StatusOr<std::string> sort = TextParam(request, "sort", kMaxQueryLength);
  if (!sort.ok()) return SendError(response, sort.status(), "sort");
  absl::StatusOr<bool> measurements = BoolParam(request, "measurements");
  if (!measurements.ok()) return SendError(response, measurements.status(), "measurements");
  absl::StatusOr<int64_t> offset = IntParam(request, "offset", 0, 0, int64_t{1} << 40);
  if (!offset.ok()) return SendError(response, offset.status(), "offset");
  absl::StatusOr<int64_t> limit =
      IntParam(request, "limit", 100, 1, *measurements ? kMaxPageWithMeasurements : kMaxPage);
  if (!limit.ok()) return SendError(response, limit.status(), "limit");
  query = {.where = *where, .sort = *sort, .offset = *offset, .limit = *limit};

  absl::StatusOr<v1::Study> study = c.core->GetStudy(*ref);
  if (!study.ok()) return SendError(response, study.status(), "study");
  absl::StatusOr<std::vector<v1::TrialWithMeasurements>> trials =
      c.core->ListTrials(std::to_string(study->id()), *measurements);
  if (!trials.ok()) return SendError(response, trials.status(), "study");
  nlohmann::json front = ParetoFrontJson(study->spec(), *trials);
  std::string field;
  absl::StatusOr<TrialPage> page = QueryTrials(*study, std::move(*trials), query, &field);
  if (!page.ok()) return SendError(response, page.status(), field);
  nlohmann::json rows = nlohmann::json::array();
  for (const v1::TrialWithMeasurements& t : page->trials) {
    if (!*measurements) {
      rows.push_back(TrialRowJson(t.trial()));
      continue;
    }
    nlohmann::json row = TrialRowJson(t.trial());
    nlohmann::json steps = nlohmann::json::array();
    for (const v1::Measurement& m : t.measurements()) steps.push_back(MeasurementJson(m));
    row["measurement_list"] = std::move(steps);
    rows.push_back(std::move(row));
  }
  SendJson(response, {{"study", study->id()},
                      {"total", page->total},
                      {"matched", page->matched},
                      {"offset", query.offset},
                      {"limit", query.limit},
                      {"parameters", page->parameters},
                      {"metrics", page->metrics},
                      {"pareto_front", std::move(front)},
                      {"trials", std::move(rows)}});
}

void GetTrial(const ApiContext& c, const httplib::Request& request, httplib::Response& response) {
  absl::StatusOr<std::string> ref = ParseRef(request.matches[1].str(), "study");
  if (!ref.ok()) return SendError(response, ref.status(), "study");
  absl::StatusOr<int64_t> id = ParseId(request.matches[2].str(), "trial");
  if (!id.ok()) return SendError(response, id.status(), "trial");
  // The core has no single-trial read: the study's trials are listed and the one kept.
  absl::StatusOr<std::vector<v1::TrialWithMeasurements>> trials = c.core->ListTrials(*ref, true);
  if (!trials.ok()) return SendError(response, trials.status(), "study");
  for (const v1::TrialWithMeasurements& t : *trials) {
    if (t.trial().id() != *id) continue;
    const std::vector<v1::Measurement> steps(t.measurements().begin(), t.measurements().end());
    return SendJson(response, TrialDetailJson(t.trial(), &steps));
  }
  SendError(response, absl::NotFoundError(absl::StrCat("trial: study ", *ref, " has no trial ", *id)),
            "trial");
}

void AddNote(const ApiContext& c, const httplib::Request& request, httplib::Response& response) {
  absl::StatusOr<std::string> ref = ParseRef(request.matches[1].str(), "study");
  if (!ref.ok()) return SendError(response, ref.status(), "study");
  absl::StatusOr<int64_t> id = ParseId(request.matches[2].str(), "trial");
  if (!id.ok()) return SendError(response, id.status(), "trial");
  absl::StatusOr<nlohmann::json> body = JsonBody(request);
  if (!body.ok()) return SendError(response, body.status(), "body");
  absl::StatusOr<std::string> text = StringMember(*body, "text", kMaxNoteLength);
  if (!text.ok()) return SendError(response, text.status(), "text");
  absl::StatusOr<v1::Trial> trial = c.core->AddTrialNote(*ref, *id, *text);
  if (!trial.ok()) {
    const bool unknown = trial.status().code() == absl::StatusCode::kNotFound;
    return SendError(response, trial.status(), unknown ? "trial" : "text");
  }
  SendJson(response, TrialDetailJson(*trial, nullptr), 201);
}

}  // namespace

void AddTrialRoutes(httplib::Server& server, const ApiContext& context) {
  Route(server, context, "GET", R"(/api/v1/studies/([^/]+)/trials)", Access::kView,
        [context](const httplib::Request& q, httplib::Response& r, const std::string&) {
          ListTrials(context, q, r);
        });
  Route(server, context, "GET", R"(/api/v1/studies/([^/]+)/trials/([^/]+))", Access::kView,
        [context](const httplib::Request& q, httplib::Response& r, const std::string&) {
          GetTrial(context, q, r);
        });
  Route(server, context, "POST", R"(/api/v1/studies/([^/]+)/trials/([^/]+)/notes)", Access::kAnnotate,
        [context](const httplib::Request& q, httplib::Response& r, const std::string&) {
          AddNote(context, q, r);
        });
}

}  // namespace hyperlab::coordinator::dashboard
