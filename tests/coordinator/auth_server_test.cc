// Every role against every RPC of every service, over a real socket with a token file: the codes a caller
// gets (UNAUTHENTICATED without or with an unknown token, PERMISSION_DENIED for a role that does not allow
// the call), health and reflection open without a token, and tokens kept out of errors and logs.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/rpc/client_channel.h"
#include "coordinator/server.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "hyperlab/v1/services.grpc.pb.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAdmin[] = "admin-token-aaaaaaaaaaaa";
constexpr char kSubmit[] = "submit-token-bbbbbbbbbbb";
constexpr char kRead[] = "read-token-ccccccccccccc";
constexpr char kWorker[] = "worker-token-ddddddddddd";
constexpr char kUnknown[] = "not-a-token-eeeeeeeeeeee";
constexpr char kOtherWorker[] = "worker-token-fffffffffff";  // Role worker, another NAME.
constexpr char kOtherSubmit[] = "submit-token-ggggggggggg";  // Role submit, another NAME.

// Who may call what: written out here, independently of coordinator/auth_policy.cc.
enum class Needs { kRead, kSubmit, kWorker, kAdmin };
const std::map<std::string, Needs>& Expected() {
  static const auto* table = new std::map<std::string, Needs>{
      {"/hyperlab.v1.StudyService/CreateStudy", Needs::kSubmit},
      {"/hyperlab.v1.StudyService/GetStudy", Needs::kRead},
      {"/hyperlab.v1.StudyService/ListStudies", Needs::kRead},
      {"/hyperlab.v1.StudyService/CancelStudy", Needs::kSubmit},
      {"/hyperlab.v1.StudyService/WatchStudy", Needs::kRead},
      {"/hyperlab.v1.StudyService/ListTrials", Needs::kRead},
      {"/hyperlab.v1.StudyService/GetBestTrial", Needs::kRead},
      {"/hyperlab.v1.StudyService/GetParetoFront", Needs::kRead},
      {"/hyperlab.v1.StudyService/PauseStudy", Needs::kSubmit},
      {"/hyperlab.v1.StudyService/ResumeStudy", Needs::kSubmit},
      {"/hyperlab.v1.StudyService/SetStudyBudget", Needs::kSubmit},
      {"/hyperlab.v1.StudyService/ConcludeStudy", Needs::kSubmit},
      {"/hyperlab.v1.StudyService/AddTrialNote", Needs::kSubmit},
      {"/hyperlab.v1.StudyService/EnqueueTrial", Needs::kSubmit},
      {"/hyperlab.v1.StudyService/DeleteStudy", Needs::kSubmit},
      {"/hyperlab.v1.WorkerService/RegisterWorker", Needs::kWorker},
      {"/hyperlab.v1.WorkerService/AcquireTrials", Needs::kWorker},
      {"/hyperlab.v1.WorkerService/ReportTrials", Needs::kWorker},
      {"/hyperlab.v1.WorkerService/CompleteTrials", Needs::kWorker},
      {"/hyperlab.v1.ClientService/AskTrials", Needs::kSubmit},
      {"/hyperlab.v1.ClientService/ReportTrials", Needs::kSubmit},
      {"/hyperlab.v1.ClientService/CompleteTrials", Needs::kSubmit},
      {"/hyperlab.v1.AdminService/GetStatus", Needs::kRead},
      {"/hyperlab.v1.AdminService/ListWorkers", Needs::kRead},
      {"/hyperlab.v1.AdminService/Backup", Needs::kAdmin},
      {"/hyperlab.v1.AdminService/DrainWorker", Needs::kAdmin},
      {"/hyperlab.v1.AdminService/UndrainWorker", Needs::kAdmin},
      {"/hyperlab.v1.AdminService/EvictWorker", Needs::kAdmin},
      {"/hyperlab.v1.AdminService/RequeueTrial", Needs::kAdmin},
      {"/hyperlab.v1.AdminService/FailTrial", Needs::kAdmin},
      {"/hyperlab.v1.AdminService/GetStorageStats", Needs::kAdmin},
  };
  return *table;
}

bool Allowed(const std::string& token, Needs needs) {
  if (token == kAdmin) return true;
  if (token == kWorker) return needs == Needs::kWorker;
  if (token == kSubmit) return needs == Needs::kRead || needs == Needs::kSubmit;
  if (token == kRead) return needs == Needs::kRead;
  return false;
}

// Calls `method` with `request` bytes (default empty) and `authorization` metadata (none when empty); the
// reply's bytes go to `reply_bytes` when given.
grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                  const std::string& authorization, const std::string& request = "",
                  std::string* reply_bytes = nullptr) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  grpc::Slice slice(request);
  auto call = stub.PrepareUnaryCall(&context, method, grpc::ByteBuffer(&slice, 1), &cq);
  call->StartCall();
  grpc::ByteBuffer reply;
  grpc::Status status;
  call->Finish(&reply, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  if (reply_bytes != nullptr) {
    reply_bytes->clear();
    std::vector<grpc::Slice> slices;
    if (reply.Dump(&slices).ok()) {
      for (const auto& s : slices) reply_bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return status;
}

class AuthServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("auth_server_test_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "tokens") << "# test tokens\n"
                                   << kAdmin << " admin alice\n"
                                   << kSubmit << " submit ci\n"
                                   << kRead << " read dashboard\n"
                                   << kWorker << " worker fleet\n"
                                   << kOtherWorker << " worker lab-b\n"
                                   << kOtherSubmit << " submit lab-b\n";
    // Token files must be the owner's only (finding 17 of the trust issue).
    std::filesystem::permissions(dir_ / "tokens",
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = (dir_ / "data").string();
    options.auth_tokens_file = (dir_ / "tokens").string();
    options.event_log = &log_;
    auto server = CoordinatorServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    address_ = "127.0.0.1:" + std::to_string(server_->port());
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::ostringstream log_;  // Read only after Shutdown (the server writes it).
  std::unique_ptr<CoordinatorServer> server_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(AuthServerTest, TheTableCoversEveryMethodOfEveryService) {
  // Every service the proto declares, so a new service cannot be forgotten either.
  std::set<std::string> served;
  const auto* file = google::protobuf::DescriptorPool::generated_pool()
                         ->FindServiceByName("hyperlab.v1.StudyService")
                         ->file();
  ASSERT_GE(file->service_count(), 4);
  for (int s = 0; s < file->service_count(); ++s) {
    const auto* service = file->service(s);
    for (int i = 0; i < service->method_count(); ++i) {
      served.insert("/" + service->full_name() + "/" + service->method(i)->name());
    }
  }
  std::set<std::string> expected;
  for (const auto& [method, needs] : Expected()) expected.insert(method);
  EXPECT_EQ(served, expected) << "classify a new RPC here and in coordinator/auth_policy.cc";
}

TEST_F(AuthServerTest, EveryRoleAgainstEveryMethod) {
  for (const auto& [method, needs] : Expected()) {
    grpc::Status none = Call(channel_, method, "");
    EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method << ": " << none.error_message();
    EXPECT_THAT(none.error_message(), HasSubstr("no token"));
    grpc::Status unknown = Call(channel_, method, std::string("Bearer ") + kUnknown);
    EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    EXPECT_THAT(unknown.error_message(), Not(HasSubstr(kUnknown)));
    for (const char* token : {kRead, kSubmit, kWorker, kAdmin}) {
      grpc::Status status = Call(channel_, method, std::string("Bearer ") + token);
      if (Allowed(token, needs)) {
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method << " with " << token;
        EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << method << " with " << token << ": " << status.error_message();
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method << " with " << token;
        EXPECT_THAT(status.error_message(), HasSubstr("may not call it"));
        EXPECT_THAT(status.error_message(), Not(HasSubstr(token)));
      }
    }
  }
}

TEST_F(AuthServerTest, AWorkerIdBelongsToTheTokenThatRegisteredIt) {
  auto stub_for = [&](const char* token) {
    auto channel = NewClientChannel({.address = address_, .token = token});
    EXPECT_TRUE(channel.ok());
    return v1::WorkerService::NewStub(*channel);
  };
  auto fleet = stub_for(kWorker), lab_b = stub_for(kOtherWorker);
  auto registration = [](const std::string& id) {
    v1::RegisterWorkerRequest r;
    r.mutable_worker()->set_id(id);
    r.mutable_worker()->set_slots(1);
    return r;
  };
  v1::RegisterWorkerResponse registered;
  grpc::ClientContext c1;
  ASSERT_TRUE(fleet->RegisterWorker(&c1, registration("w1"), &registered).ok());

  grpc::ClientContext c2;
  const grpc::Status taken = lab_b->RegisterWorker(&c2, registration("w1"), &registered);
  EXPECT_EQ(taken.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(taken.error_message(), HasSubstr("registered with the token named 'fleet'"));
  EXPECT_THAT(taken.error_message(), HasSubstr("this call's token is named 'lab-b'"));
  EXPECT_THAT(taken.error_message(), Not(HasSubstr(kWorker)));
  EXPECT_THAT(taken.error_message(), Not(HasSubstr(kOtherWorker)));

  v1::AcquireTrialsRequest acquire;
  acquire.set_worker_id("w1");
  acquire.set_max_trials(1);
  v1::AcquireTrialsResponse leased;
  grpc::ClientContext c3;
  EXPECT_EQ(lab_b->AcquireTrials(&c3, acquire, &leased).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::CompleteTrialsRequest complete;
  complete.set_worker_id("w1");
  v1::CompleteTrialsResponse completed;
  grpc::ClientContext c4;
  EXPECT_EQ(lab_b->CompleteTrials(&c4, complete, &completed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ReportTrialsRequest report;
  report.set_worker_id("w1");
  v1::ReportTrialsResponse reported;
  grpc::ClientContext c5;
  EXPECT_EQ(lab_b->ReportTrials(&c5, report, &reported).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // The owner goes on as before, and the other token registers its own id.
  grpc::ClientContext c6, c7;
  EXPECT_TRUE(fleet->AcquireTrials(&c6, acquire, &leased).ok());
  EXPECT_TRUE(lab_b->RegisterWorker(&c7, registration("w2"), &registered).ok());
}

TEST_F(AuthServerTest, MalformedAuthorizationIsUnauthenticated) {
  const std::string method = "/hyperlab.v1.StudyService/ListStudies";
  EXPECT_EQ(Call(channel_, method, kAdmin).error_code(), grpc::StatusCode::UNAUTHENTICATED);  // No scheme.
  EXPECT_EQ(Call(channel_, method, std::string("Basic ") + kAdmin).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(channel_, method, "Bearer ").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(
      Call(channel_, method, std::string("bearer ") + kRead).ok());  // The scheme is case-insensitive.
}

// EnqueueTrial changes what a study runs: its owner (the token NAME that created it) and admins only.
TEST_F(AuthServerTest, OnlyTheStudysOwnerOrAnAdminEnqueuesTrials) {
  auto stub_for = [&](const char* token) {
    auto channel = NewClientChannel({.address = address_, .token = token});
    EXPECT_TRUE(channel.ok());
    return v1::StudyService::NewStub(*channel);
  };
  v1::CreateStudyRequest create;
  v1::StudySpec& spec = *create.mutable_spec();
  spec.set_name("owned");
  spec.mutable_objective()->set_metric("value");
  spec.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  spec.mutable_algorithm()->mutable_random()->set_seed(1);
  auto* x = spec.add_parameters();
  x->set_name("x1");
  x->mutable_double_range()->set_min(-5);
  x->mutable_double_range()->set_max(10);
  auto* y = spec.add_parameters();
  y->set_name("x2");
  y->mutable_double_range()->set_min(0);
  y->mutable_double_range()->set_max(15);
  spec.mutable_budget()->set_max_trials(5);
  spec.mutable_task()->mutable_synthetic()->set_function("branin");
  {
    grpc::ClientContext context;
    v1::CreateStudyResponse created;
    grpc::Status status = stub_for(kSubmit)->CreateStudy(&context, create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::EnqueueTrialRequest request;
  request.set_study("owned");
  for (const char* name : {"x1", "x2"}) {
    v1::Parameter* p = request.add_parameters();
    p->set_name(name);
    p->mutable_value()->set_string_value("1");
  }
  auto enqueue = [&](const char* token) {
    grpc::ClientContext context;
    v1::Trial trial;
    return stub_for(token)->EnqueueTrial(&context, request, &trial);
  };
  grpc::Status other = enqueue(kOtherSubmit);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(other.error_message(), HasSubstr("owner"));
  EXPECT_EQ(enqueue(kRead).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(enqueue(kSubmit).ok());
  request.mutable_parameters(0)->mutable_value()->set_string_value("2");
  grpc::Status admin = enqueue(kAdmin);
  EXPECT_TRUE(admin.ok()) << admin.error_message();
  grpc::ClientContext context;
  v1::GetStudyRequest get;
  get.set_study("owned");
  v1::Study study;
  ASSERT_TRUE(stub_for(kRead)->GetStudy(&context, get, &study).ok());
  EXPECT_EQ(study.counts().total(), 2);  // The refused calls added nothing.
}

TEST_F(AuthServerTest, TheClientChannelSendsTheToken) {
  auto with_token = NewClientChannel({.address = address_, .token = kSubmit});
  ASSERT_TRUE(with_token.ok());
  auto stub = v1::StudyService::NewStub(*with_token);
  grpc::ClientContext c1;
  v1::ListStudiesResponse studies;
  EXPECT_TRUE(stub->ListStudies(&c1, {}, &studies).ok());
  auto admin = v1::AdminService::NewStub(*with_token);
  grpc::ClientContext c2;
  v1::BackupRequest backup;
  backup.set_dir((dir_ / "backup").string());
  v1::BackupResponse out;
  EXPECT_EQ(admin->Backup(&c2, backup, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "backup")) << "a refused call must not act";
}

TEST_F(AuthServerTest, HealthAndReflectionNeedNoToken) {
  EXPECT_TRUE(Call(channel_, "/grpc.health.v1.Health/Check", "").ok());
  // Health of one service by name: HealthCheckRequest{service: "hyperlab.v1.StudyService"}.
  const std::string name = "hyperlab.v1.StudyService";
  std::string body;
  grpc::Status health = Call(channel_, "/grpc.health.v1.Health/Check", "",
                             std::string("\x0a", 1) + static_cast<char>(name.size()) + name, &body);
  EXPECT_TRUE(health.ok()) << health.error_message();
  EXPECT_EQ(body, std::string("\x08\x01", 2));  // status: SERVING
  // Reflection: ServerReflectionRequest{list_services: ""} answers with the service names.
  grpc::Status reflection = Call(channel_, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                 "", std::string("\x3a\x00", 2), &body);
  EXPECT_TRUE(reflection.ok()) << reflection.error_message();
  EXPECT_THAT(body, HasSubstr("hyperlab.v1.AdminService"));
}

TEST_F(AuthServerTest, RefusalsAreLoggedWithoutTheToken) {
  Call(channel_, "/hyperlab.v1.AdminService/Backup", std::string("Bearer ") + kUnknown);
  Call(channel_, "/hyperlab.v1.AdminService/Backup", std::string("Bearer ") + kRead);
  server_->Shutdown();
  const std::string log = log_.str();
  EXPECT_THAT(log,
              HasSubstr("event=auth_refused method=/hyperlab.v1.AdminService/Backup code=UNAUTHENTICATED"));
  EXPECT_THAT(log, HasSubstr("code=PERMISSION_DENIED"));
  EXPECT_THAT(log, HasSubstr("principal=dashboard"));
  for (const char* token : {kAdmin, kSubmit, kRead, kWorker, kUnknown})
    EXPECT_THAT(log, Not(HasSubstr(token)));
}

TEST(AuthServerStartTest, RefusesARemoteListenWithoutTokens) {
  const auto dir = std::filesystem::temp_directory_path() / ("auth_start_test_" + std::to_string(getpid()));
  ServerOptions options;
  options.listen = "0.0.0.0:0";
  options.data_dir = (dir / "data").string();
  auto server = CoordinatorServer::Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("--insecure-allow-remote"));
  options.insecure_allow_remote = true;
  server = CoordinatorServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  if (server.ok()) (*server)->Shutdown();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperlab::coordinator
