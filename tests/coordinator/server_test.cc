// The coordinator's server over a real socket: the standard health service and server reflection are
// registered (so Kubernetes probes and grpcurl-style tools work), the journal's lock keeps a second
// coordinator off the same directory, and Shutdown stops serving.
#include "coordinator/server.h"

#include <unistd.h>

#include <filesystem>

#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"

namespace hyperlab::coordinator {
namespace {

grpc::ByteBuffer Bytes(const std::string& s) {
  grpc::Slice slice(s);
  return grpc::ByteBuffer(&slice, 1);
}

std::string Text(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// grpc.health.v1.Health/Check for the whole server; returns the serialized response.
grpc::Status HealthCheck(const std::shared_ptr<grpc::Channel>& channel, std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call = stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", Bytes(""), &cq);
  call->StartCall();
  grpc::ByteBuffer reply;
  grpc::Status status;
  call->Finish(&reply, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  *response = Text(reply);
  return status;
}

// grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo with `list_services: ""`.
std::string ListServicesByReflection(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call =
      stub.PrepareCall(&context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  call->Write(Bytes(std::string("\x3a\x00", 2)), reinterpret_cast<void*>(2));  // field 7, empty string
  cq.Next(&tag, &ok);
  call->WritesDone(reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  grpc::ByteBuffer reply;
  call->Read(&reply, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  std::string out = ok ? Text(reply) : "";
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  cq.Next(&tag, &ok);
  return out;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / ("server_test_" + std::to_string(getpid()))).string();
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(ServerTest, ServesHealthAndReflectionOnARealSocket) {
  auto server = CoordinatorServer::Start({.listen = "127.0.0.1:0", .data_dir = dir_});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                     grpc::InsecureChannelCredentials());
  std::string health;
  grpc::Status status = HealthCheck(channel, &health);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(health, std::string("\x08\x01", 2));  // status: SERVING

  const std::string services = ListServicesByReflection(channel);
  for (const char* name :
       {"hyperlab.v1.StudyService", "hyperlab.v1.WorkerService", "hyperlab.v1.AdminService"}) {
    EXPECT_NE(services.find(name), std::string::npos) << name << " missing from reflection";
  }

  // A second coordinator on the same journal is refused while the first holds it.
  auto second = CoordinatorServer::Start({.listen = "127.0.0.1:0", .data_dir = dir_});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  // So is a coordinator with another journal on the same port (no SO_REUSEPORT sharing).
  const std::string port = std::to_string((*server)->port());
  auto same_port = CoordinatorServer::Start({.listen = "127.0.0.1:" + port, .data_dir = dir_ + "-other"});
  EXPECT_EQ(same_port.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(same_port.status().message().find(port), std::string::npos) << same_port.status();
  std::filesystem::remove_all(dir_ + "-other");

  (*server)->Shutdown();
  status = HealthCheck(channel, &health);
  EXPECT_FALSE(status.ok());
}

TEST_F(ServerTest, ReadOnlyServerRefusesWrites) {
  { ASSERT_TRUE(CoordinatorServer::Start({.data_dir = dir_}).ok()); }
  auto server = CoordinatorServer::Start({.data_dir = dir_, .read_only = true});
  ASSERT_TRUE(server.ok()) << server.status();
  v1::StudySpec spec;
  spec.set_name("s");
  spec.mutable_objective()->set_metric("value");
  spec.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  auto* p = spec.add_parameters();
  p->set_name("x1");
  p->mutable_double_range()->set_max(1);
  auto* p2 = spec.add_parameters();
  p2->set_name("x2");
  p2->mutable_double_range()->set_max(1);
  spec.mutable_algorithm()->mutable_random();
  spec.mutable_budget()->set_max_trials(1);
  spec.mutable_task()->mutable_synthetic()->set_function("branin");
  EXPECT_EQ((*server)->core()->CreateStudy(spec).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace hyperlab::coordinator
