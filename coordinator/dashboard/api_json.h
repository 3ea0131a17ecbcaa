// What the dashboard's JSON API says about studies, trials and workers: one place that turns the
// coordinator's protos into the documented JSON (docs/dashboard.md), so every route shows a study or a
// trial the same way.
//
// Numbers stay numbers (ids, counts, times in Unix milliseconds); JSON has no infinities or NaN, so a
// metric that is one becomes the string "inf", "-inf" or "nan" (as `hyperlab trials --format json`).
// Parameters are typed: a real, an integer or text.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_DASHBOARD_API_JSON_H_
#define HYPERLAB_COORDINATOR_DASHBOARD_API_JSON_H_

#include <cstdint>
#include <vector>

#include "common/spec/parameter_value.h"
#include "hyperlab/v1/services.pb.h"
#include "hyperlab/v1/study.pb.h"
#include "nlohmann/json.hpp"

namespace hyperlab::coordinator::dashboard {

using ::hyperlab::NumberJson;  // A double as JSON (common/spec/parameter_value.h).

// id, name, state, objective {metric, goal} (the primary one), objectives [{metric, goal}] (every one),
// constraints [{metric, min, max}] (null for an absent bound), tags, counts, planned, best {trial, value}
// (null before a success), hypothesis, conclusion, parameters (the search space), metrics, algorithm, times,
// owner.
nlohmann::json StudyJson(const v1::Study& study);

// One row of the trial table: id, state, params, metrics, attempt, worker, times, runtime_seconds,
// measurements, notes (a count), reason, reused_from, feasible (null unless the study has constraints).
nlohmann::json TrialRowJson(const v1::Trial& trial);

// The whole trial: the row plus notes (text and time), artifacts (name -> text) and, when given,
// measurements [{step, time, metrics}].
nlohmann::json TrialDetailJson(const v1::Trial& trial, const std::vector<v1::Measurement>* measurements);

// One measurement: {step, time, metrics}.
nlohmann::json MeasurementJson(const v1::Measurement& measurement);

// id, host, slots, threads, executors, version, last_seen, lost (not seen for a lease timeout at
// `now_ms`), draining, leases [{study, trial}].
nlohmann::json WorkerJson(const v1::WorkerStatus& worker, int64_t now_ms, int64_t lease_timeout_ms);

}  // namespace hyperlab::coordinator::dashboard

#endif  // HYPERLAB_COORDINATOR_DASHBOARD_API_JSON_H_
