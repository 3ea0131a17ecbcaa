// libFuzzer target: request validation for every RPC (coordinator/request_limits.h), and for CreateStudy
// the spec validation and defaults (common/spec/spec_validation.h) the core applies before anything is
// stored. The first byte picks the request type; the rest is parsed as that protobuf message, as the gRPC
// server would.
//
// Properties: no crash, leak or sanitizer report; every refusal is INVALID_ARGUMENT with a one-line
// message as the client receives it (ToGrpcStatus); a spec accepted by ValidateStudySpec stays valid after
// WithDefaults, and WithDefaults is idempotent.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/spec/spec_validation.h"
#include "coordinator/grpc_status.h"
#include "coordinator/request_limits.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/message_differencer.h"
#include "hyperlab/v1/services.pb.h"

namespace {

using namespace hyperlab;  // NOLINT: a fuzzer's one translation unit.

// What the client would get: the refusal as the gRPC layer sends it.
void CheckRefusal(const absl::Status& status) {
  if (status.ok()) return;
  const std::string message = coordinator::ToGrpcStatus(status).error_message();
  if (status.code() != absl::StatusCode::kInvalidArgument || message.empty() ||
      message.find('\n') != std::string::npos) {
    std::fprintf(stderr, "bad refusal: %s\n", status.ToString().c_str());
    std::abort();
  }
}

template <typename Request>
void Validate(const uint8_t* data, size_t size) {
  Request request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  CheckRefusal(coordinator::ValidateRequest(request));
}

void ValidateCreate(const uint8_t* data, size_t size) {
  v1::CreateStudyRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  CheckRefusal(coordinator::ValidateRequest(request));
  const absl::Status status = ValidateStudySpec(request.spec());
  CheckRefusal(status);
  const v1::StudySpec filled = WithDefaults(request.spec());
  if (!google::protobuf::util::MessageDifferencer::Equals(filled, WithDefaults(filled))) {
    std::fprintf(stderr, "WithDefaults is not idempotent\n");
    std::abort();
  }
  if (status.ok() && !ValidateStudySpec(filled).ok()) {
    std::fprintf(stderr, "WithDefaults made a valid spec invalid: %s\n",
                 std::string(ValidateStudySpec(filled).message()).c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // Invalid UTF-8 in string fields is logged; parsing refuses it.
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t kind = data[0];
  ++data;
  --size;
  switch (kind % 27) {
    case 0:
      ValidateCreate(data, size);
      break;
    case 1:
      Validate<v1::GetStudyRequest>(data, size);
      break;
    case 2:
      Validate<v1::ListStudiesRequest>(data, size);
      break;
    case 3:
      Validate<v1::CancelStudyRequest>(data, size);
      break;
    case 4:
      Validate<v1::WatchStudyRequest>(data, size);
      break;
    case 5:
      Validate<v1::ListTrialsRequest>(data, size);
      break;
    case 6:
      Validate<v1::GetBestTrialRequest>(data, size);
      break;
    case 7:
      Validate<v1::PauseStudyRequest>(data, size);
      break;
    case 8:
      Validate<v1::ResumeStudyRequest>(data, size);
      break;
    case 9:
      Validate<v1::SetStudyBudgetRequest>(data, size);
      break;
    case 10:
      Validate<v1::RegisterWorkerRequest>(data, size);
      break;
    case 11:
      Validate<v1::AcquireTrialsRequest>(data, size);
      break;
    case 12:
      Validate<v1::ReportTrialsRequest>(data, size);
      break;
    case 13:
      Validate<v1::CompleteTrialsRequest>(data, size);
      break;
    case 14:
      Validate<v1::GetStatusRequest>(data, size);
      break;
    case 15:
      Validate<v1::ListWorkersRequest>(data, size);
      break;
    case 16:
      Validate<v1::BackupRequest>(data, size);
      break;
    case 17:
      Validate<v1::DrainWorkerRequest>(data, size);
      break;
    case 18:
      Validate<v1::EvictWorkerRequest>(data, size);
      break;
    case 19:
      Validate<v1::TrialActionRequest>(data, size);
      break;
    case 20:
      Validate<v1::GetStorageStatsRequest>(data, size);
      break;
    case 21:
      Validate<v1::ConcludeStudyRequest>(data, size);
      break;
    case 22:
      Validate<v1::AddTrialNoteRequest>(data, size);
      break;
    case 23:
      Validate<v1::EnqueueTrialRequest>(data, size);
      break;
    case 24:
      Validate<v1::GetParetoFrontRequest>(data, size);  // `study best` with several objectives.
      break;
    case 25:
      Validate<v1::DeleteStudyRequest>(data, size);
      break;
    case 26:
      Validate<v1::AskTrialsRequest>(data, size);
      break;
  }
  return 0;
}
