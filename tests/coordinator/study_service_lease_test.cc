// Issue 14, finding 1 (the read side): a lease id is the capability to report and complete a trial, and
// the StudyService used to hand it to every reader (ListTrials showed it to the read role). Every method
// of the StudyService, found through its descriptor (so a method added later is covered too), is called
// by every role on the production server while a trial is leased; no reply may contain that lease id.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "coordinator/server.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "tests/testing/branin_spec.h"

namespace hyperlab::coordinator {
namespace {

namespace pb = ::google::protobuf;

constexpr char kAdmin[] = "admin-token-aaaaaaaaaaaa";
constexpr char kSubmit[] = "submit-token-bbbbbbbbbbb";
constexpr char kRead[] = "read-token-ccccccccccccc";
constexpr char kWorker[] = "worker-token-ddddddddddd";

std::string Text(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// Calls `method` with `request` as `token`; returns every reply message's bytes, concatenated. A
// server-streaming method is read until its first message (or its end), then cancelled.
std::string Call(const std::shared_ptr<grpc::Channel>& channel, const pb::MethodDescriptor& method,
                 const std::string& token, const std::string& request, grpc::Status* status) {
  const std::string name = "/" + method.service()->full_name() + "/" + method.name();
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  context.AddMetadata("authorization", "Bearer " + token);
  grpc::Slice slice(request);
  void* tag;
  bool ok;
  std::string replies;
  if (!method.server_streaming()) {
    auto call = stub.PrepareUnaryCall(&context, name, grpc::ByteBuffer(&slice, 1), &cq);
    call->StartCall();
    grpc::ByteBuffer reply;
    call->Finish(&reply, status, nullptr);
    cq.Next(&tag, &ok);
    return Text(reply);
  }
  auto call = stub.PrepareCall(&context, name, &cq);
  call->StartCall(nullptr);
  cq.Next(&tag, &ok);
  call->WriteLast(grpc::ByteBuffer(&slice, 1), grpc::WriteOptions(), nullptr);
  cq.Next(&tag, &ok);
  grpc::ByteBuffer reply;
  call->Read(&reply, nullptr);
  cq.Next(&tag, &ok);
  if (ok) replies = Text(reply);
  context.TryCancel();
  call->Finish(status, nullptr);
  cq.Next(&tag, &ok);
  return replies;
}

void WriteRoleTokens(const std::filesystem::path& dir) {
  std::ofstream(dir / "tokens") << kAdmin << " admin alice\n"
                                << kSubmit << " submit ci\n"
                                << kRead << " read dashboard\n"
                                << kWorker << " worker fleet\n";
  std::filesystem::permissions(dir / "tokens",
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// Leases two trials of study "leased" to worker w1: completes the first (so GetBestTrial answers) and
// leaves the second running.
void CompleteOneAndLeaseAnother(Coordinator* core, v1::Trial* running) {
  v1::WorkerInfo worker;
  worker.set_id("w1");
  worker.set_slots(2);
  worker.add_executors("synthetic");
  ASSERT_TRUE(core->RegisterWorker(worker, "fleet").ok());
  auto leased = core->Acquire("w1", 2, "fleet");
  ASSERT_TRUE(leased.ok() && leased->size() == 2);
  const v1::Trial done = (*leased)[0].trial();
  *running = (*leased)[1].trial();
  v1::TrialCompletion completion;
  completion.mutable_lease()->set_study_id(done.study_id());
  completion.mutable_lease()->set_trial_id(done.id());
  completion.mutable_lease()->set_lease_id(done.lease_id());
  completion.set_state(v1::Trial::SUCCEEDED);
  (*completion.mutable_metrics())["value"] = 3.0;
  ASSERT_TRUE(core->Complete("w1", {completion}, "fleet").ok());
}

// Every StudyService method, CancelStudy last (it revokes the lease the test looks for).
std::vector<const pb::MethodDescriptor*> StudyServiceMethodsCancelLast() {
  const pb::ServiceDescriptor* service =
      pb::DescriptorPool::generated_pool()->FindServiceByName("hyperlab.v1.StudyService");
  if (service == nullptr) return {};
  std::vector<const pb::MethodDescriptor*> methods;
  for (int i = 0; i < service->method_count(); ++i) methods.push_back(service->method(i));
  std::stable_partition(methods.begin(), methods.end(),
                        [](const pb::MethodDescriptor* m) { return m->name() != "CancelStudy"; });
  return methods;
}

// A request for `method` naming the study and the leased trial in whichever fields the method has.
std::unique_ptr<pb::Message> RequestFor(const pb::MethodDescriptor& method, int64_t trial_id,
                                        const v1::StudySpec& spec) {
  std::unique_ptr<pb::Message> request(
      pb::MessageFactory::generated_factory()->GetPrototype(method.input_type())->New());
  const pb::Reflection* r = request->GetReflection();
  for (int f = 0; f < method.input_type()->field_count(); ++f) {
    const pb::FieldDescriptor* field = method.input_type()->field(f);
    if (field->name() == "study") r->SetString(request.get(), field, "leased");
    if (field->name() == "trial_id") r->SetInt64(request.get(), field, trial_id);
    if (field->name() == "text" || field->name() == "conclusion")
      r->SetString(request.get(), field, "a note");
    if (field->name() == "with_measurements") r->SetBool(request.get(), field, true);
    if (field->name() == "max_trials") r->SetInt32(request.get(), field, 10);
    if (field->name() == "spec") r->MutableMessage(request.get(), field)->CopyFrom(spec);
  }
  return request;
}

TEST(StudyServiceLeaseTest, NoStudyServiceReplyCarriesALeaseId) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("study_service_lease_test_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  WriteRoleTokens(dir);
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = (dir / "data").string();
  options.auth_tokens_file = (dir / "tokens").string();
  auto server = CoordinatorServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  Coordinator* core = (*server)->core();
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                     grpc::InsecureChannelCredentials());

  const v1::StudySpec spec = testing::BraninSpec("leased", 10, 4);
  ASSERT_TRUE(core->CreateStudy(spec).ok());
  v1::Trial running;
  ASSERT_NO_FATAL_FAILURE(CompleteOneAndLeaseAnother(core, &running));
  const std::string lease = running.lease_id();
  ASSERT_FALSE(lease.empty());

  const std::vector<const pb::MethodDescriptor*> methods = StudyServiceMethodsCancelLast();
  ASSERT_FALSE(methods.empty());
  bool read_saw_the_trial = false;
  for (const pb::MethodDescriptor* method : methods) {
    const std::unique_ptr<pb::Message> request = RequestFor(*method, running.id(), spec);
    for (const char* token : {kRead, kSubmit, kWorker, kAdmin}) {
      if (method->name() != "CancelStudy") {  // The premise: the trial is still leased.
        auto trials = core->ListTrials("leased", false);
        ASSERT_TRUE(trials.ok());
        ASSERT_EQ((*trials)[running.id()].trial().lease_id(), lease) << "before " << method->name();
      }
      grpc::Status status;
      const std::string reply = Call(channel, *method, token, request->SerializeAsString(), &status);
      EXPECT_EQ(reply.find(lease), std::string::npos)
          << method->name() << " with role token " << token << " returned the lease id";
      if (token == kRead && method->name() == "ListTrials") {
        v1::ListTrialsResponse listed;
        ASSERT_TRUE(status.ok()) << status.error_message();
        ASSERT_TRUE(listed.ParseFromString(reply));
        for (const auto& t : listed.trials()) {
          if (t.trial().id() == running.id() && t.trial().state() == v1::Trial::RUNNING)
            read_saw_the_trial = true;
        }
      }
    }
  }
  EXPECT_TRUE(read_saw_the_trial) << "the read role should still see the running trial, without its lease";
  (*server)->Shutdown();
  server->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperlab::coordinator
