// Limits on requests: each over-limit field is INVALID_ARGUMENT naming the field, the limit and its value;
// a message over the size limit is RESOURCE_EXHAUSTED from gRPC; a coordinator full of workers answers
// RESOURCE_EXHAUSTED; and a refused request changes nothing.
#include "coordinator/request_limits.h"

#include <unistd.h>

#include <filesystem>

#include "coordinator/coordinator.h"
#include "coordinator/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "tests/testing/fake_clock.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;

void ExpectOver(const absl::Status& status, const std::string& field, const std::string& limit) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(field + ": ")) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("over the limit " + limit)) << status;
}

TEST(RequestLimitsTest, MetricsPerReportAndCompletion) {
  v1::CompleteTrialsRequest complete;
  complete.set_worker_id("w");
  v1::TrialCompletion* c = complete.add_completions();
  for (int i = 0; i < kMaxMetricsPerReport; ++i) (*c->mutable_metrics())["m" + std::to_string(i)] = i;
  EXPECT_TRUE(ValidateCompletionItem(*c, 0).ok());
  (*c->mutable_metrics())["one-more"] = 1;
  // One completion's content is checked by the core item by item (that trial fails, the call goes on).
  EXPECT_TRUE(ValidateRequest(complete).ok());
  ExpectOver(ValidateCompletionItem(*c, 0), "completions[0].metrics", "max_metrics_per_report = 1000");

  v1::ReportTrialsRequest report;
  report.set_worker_id("w");
  v1::Measurement* m = report.add_reports()->add_measurements();
  for (int i = 0; i <= kMaxMetricsPerReport; ++i) (*m->mutable_metrics())["m" + std::to_string(i)] = i;
  EXPECT_TRUE(ValidateRequest(report).ok());
  ExpectOver(ValidateReportItem(report.reports(0), 0), "reports[0].measurements[0].metrics",
             "max_metrics_per_report = 1000");
}

TEST(RequestLimitsTest, AnAskCarriesAtMostAsManyCompletionsAsACompleteCall) {
  v1::AskTrialsRequest ask;
  ask.set_client_id("c");
  ask.set_study("s");
  for (int i = 0; i < kMaxReportsPerCall; ++i) {
    v1::LeaseRef* lease = ask.add_completions()->mutable_lease();
    lease->set_trial_id(i);
    lease->set_lease_id("l");
  }
  EXPECT_TRUE(ValidateRequest(ask).ok()) << ValidateRequest(ask);
  ask.add_completions()->mutable_lease()->set_lease_id("l");
  ExpectOver(ValidateRequest(ask), "completions", "max_reports_per_call = 1024");
  ask.mutable_completions()->DeleteSubrange(1, kMaxReportsPerCall);
  ask.mutable_completions(0)->mutable_lease()->set_lease_id(std::string(4096, 'x'));
  EXPECT_THAT(std::string(ValidateRequest(ask).message()), HasSubstr("completions[0].lease"));
}

TEST(RequestLimitsTest, CountsAndLengths) {
  v1::ReportTrialsRequest report;
  for (int i = 0; i <= kMaxReportsPerCall; ++i) report.add_reports();
  ExpectOver(ValidateRequest(report), "reports", "max_reports_per_call = 1024");

  v1::CompleteTrialsRequest complete;
  v1::TrialCompletion* c = complete.add_completions();
  c->set_reason(std::string(kMaxReasonLength + 1, 'x'));
  ExpectOver(ValidateCompletionItem(*c, 0), "completions[0].reason", "max_reason_length = 65536");
  c->clear_reason();
  (*c->mutable_metrics())[std::string(kMaxMetricNameLength + 1, 'n')] = 1;
  EXPECT_THAT(std::string(ValidateCompletionItem(*c, 0).message()),
              HasSubstr("completions[0].metrics[\"nnnn"));
  ExpectOver(ValidateCompletionItem(*c, 0), "...\"]", "max_metric_name_length = 128");
  c->clear_metrics();
  (*c->mutable_artifacts())["big"] = std::string(kMaxArtifactBytes + 1, 'a');
  ExpectOver(ValidateCompletionItem(*c, 0), "completions[0].artifacts[\"big\"]",
             "max_artifact_bytes = 1048576");
  c->mutable_lease()->set_lease_id(std::string(kMaxLeaseIdLength + 1, 'l'));
  ExpectOver(ValidateRequest(complete), "completions[0].lease.lease_id", "max_lease_id_length = 64");

  v1::GetStudyRequest get;
  get.set_study(std::string(kMaxStudyRefLength + 1, 's'));
  ExpectOver(ValidateRequest(get), "study", "max_study_ref_length = 256");

  v1::RegisterWorkerRequest reg;
  reg.mutable_worker()->set_id("w");
  for (int i = 0; i <= kMaxExecutors; ++i) reg.mutable_worker()->add_executors("e");
  ExpectOver(ValidateRequest(reg), "worker.executors", "max_executors = 16");
  reg.mutable_worker()->clear_executors();
  reg.mutable_worker()->set_id(std::string(kMaxWorkerIdLength + 1, 'w'));
  ExpectOver(ValidateRequest(reg), "worker.id", "max_worker_id_length = 256");

  v1::AcquireTrialsRequest acquire;
  acquire.set_max_trials(kMaxAcquire + 1);
  ExpectOver(ValidateRequest(acquire), "max_trials", "max_acquire = 256");

  v1::TrialActionRequest action;
  action.set_study("s");
  action.set_reason(std::string(kMaxOperatorReasonLength + 1, 'r'));
  ExpectOver(ValidateRequest(action), "reason", "max_operator_reason_length = 1024");
}

TEST(RequestLimitsTest, TooManyWorkersIsResourceExhausted) {
  const auto dir = std::filesystem::temp_directory_path() / ("limits_test_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  auto journal = storage::RocksDbJournal::Open(dir.string(), {});
  ASSERT_TRUE(journal.ok());
  testing::FakeClock clock;
  auto core = Coordinator::Open(journal->get(), &clock, {.max_workers = 2});
  ASSERT_TRUE(core.ok());
  for (const char* id : {"a", "b", "c"}) {
    v1::WorkerInfo info;
    info.set_id(id);
    info.set_slots(1);
    absl::Status status = (*core)->RegisterWorker(info);
    if (std::string(id) == "c") {
      EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
      EXPECT_THAT(std::string(status.message()), HasSubstr("max_workers = 2"));
    } else {
      EXPECT_TRUE(status.ok()) << status;
    }
  }
  v1::WorkerInfo again;
  again.set_id("a");
  again.set_slots(2);
  EXPECT_TRUE((*core)->RegisterWorker(again).ok()) << "a known worker may always re-register";
  core->reset();
  journal->reset();
  std::filesystem::remove_all(dir);
}

TEST(RequestLimitsTest, TheServerRefusesOverLimitRequestsBeforeTheyActAndOversizedMessages) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("limits_server_test_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  // A small message limit, so the oversized request is quick to send.
  auto server = CoordinatorServer::Start(
      {.listen = "127.0.0.1:0", .data_dir = dir.string(), .max_request_bytes = 65536});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                     grpc::InsecureChannelCredentials());
  auto workers = v1::WorkerService::NewStub(channel);
  {
    v1::RegisterWorkerRequest request;
    request.mutable_worker()->set_id("w");
    request.mutable_worker()->set_slots(1);
    for (int i = 0; i <= kMaxAllowedCommands; ++i) request.mutable_worker()->add_allowed_commands("/bin/x");
    grpc::ClientContext context;
    v1::RegisterWorkerResponse response;
    grpc::Status status = workers->RegisterWorker(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("worker.allowed_commands: 257 entries, over the limit "
                                                  "max_allowed_commands = 256"));
    EXPECT_TRUE((*server)->core()->Workers().empty()) << "a refused registration must not register";
  }
  {
    v1::CompleteTrialsRequest request;
    request.set_worker_id("w");
    (*request.add_completions()->mutable_artifacts())["blob"] = std::string(65536 + 16, 'x');
    grpc::ClientContext context;
    v1::CompleteTrialsResponse response;
    grpc::Status status = workers->CompleteTrials(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr("65536"));
  }
  (*server)->Shutdown();
  server->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperlab::coordinator
