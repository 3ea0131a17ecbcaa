// Trial fingerprints: equal fingerprints mean the same experiment, so its result can be reused.
//
// A fingerprint hashes the canonical task and the canonical parameter values:
//   - task: `synthetic` -> the function (the simulated delay does not change the result); `command` -> argv
//     template, extra environment (sorted), working directory (not the timeout) and, once a worker
//     reported it, the program's digest; `train` -> the task's
//     deterministic serialization;
//   - parameters: sorted by name; integers and categorical values exactly; doubles (and discrete numbers)
//     rounded to 12 significant digits in the parameter's own scale (the logarithm for a log-scale
//     parameter), so 0.1 and 0.1000000000000004 are one experiment.
// The hash is SHA-256 (OpenSSL), printed as 64 lowercase hex digits. Fingerprints decide whether one user's
// trial reuses another user's result, so the hash must resist a submitter who crafts a collision (issue 14:
// the earlier 128-bit FNV-style hash had two dependent lanes); trial and search-space texts are
// domain-separated.
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_FINGERPRINT_H_
#define HYPERLAB_COORDINATOR_FINGERPRINT_H_

#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab::coordinator {

// The canonical text of the study's task (what the fingerprint hashes besides the parameters). A train
// task whose data files the coordinator digested (Study.data_digest) is named by that digest, not by the
// files' paths: the same content anywhere is the same experiment, changed content a new one.
std::string CanonicalTask(const v1::StudySpec& spec, const std::string& data_digest = "");

// The fingerprint of a trial with `parameters` in a study with `spec` (and data digest).
std::string TrialFingerprint(const v1::StudySpec& spec,
                             const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters,
                             const std::string& data_digest = "");

// The fingerprint a trial of `study` gets: TrialFingerprint with the study's digest, scoped by its `reuse`
// (`study`: shared within the study only; `never`: prefixed "never:", not deduplicated), and prefixed
// "path:" (not deduplicated) while the study's task is digested by workers and none has reported yet.
std::string StudyTrialFingerprint(const v1::Study& study,
                                  const google::protobuf::RepeatedPtrField<v1::Parameter>& parameters);

// A hash of the task and the search space (parameter domains, in name order): equal for two studies that
// would run the same experiments.
std::string SpaceFingerprint(const v1::StudySpec& spec, const std::string& data_digest = "");

// Whether the task names by path what workers read and digest (a train task's data, a command task's
// program and argument files): its trials are fingerprinted by that content once a worker reports its
// digest (Study.data_digest). Until then they are fingerprinted by path and not deduplicated: a command
// trial is first leased digest_only (the worker gives it back unrun with the digest); a train trial runs
// (at most budget.max_parallel of a new study). Once the digest is known a trial takes its content
// fingerprint, so later studies reuse its result.
bool DigestedByWorkers(const v1::TaskSpec& task);
// The artifact a worker reports that digest under: "data_digest" (train) or "program_digest" (command).
const char* DigestArtifact(const v1::TaskSpec& task);

// The SHA-256 of `text` as 64 lowercase hex digits.
std::string Sha256Hex(const std::string& text);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_FINGERPRINT_H_
