// Every channel agrees on message sizes (issue 14, #8: the server accepted 16 MiB while workers and the
// CLI received 4 MiB, so one large study made every worker's lease call and everyone's `study list`
// fail). A message between the old 4 MiB and the shared limits goes through the client channel the worker
// and the CLI use (NewClientChannel) in both directions, and through the coordinator's in-process channel;
// over the limits, the sending side refuses with RESOURCE_EXHAUSTED.
#include "common/rpc/message_size.h"

#include <filesystem>

#include "common/rpc/client_channel.h"
#include "coordinator/server.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "proto/limits.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator {
namespace {

constexpr int kOldDefaultBytes = 4 << 20;  // gRPC's default receive limit, which clients had.

grpc::ByteBuffer Bytes(const std::string& s) {
  grpc::Slice slice(s);
  return grpc::ByteBuffer(&slice, 1);
}

size_t SizeOf(const grpc::ByteBuffer& buffer) { return buffer.Length(); }

// Answers a request with the request repeated k times, k being its first byte: a reply larger than any
// request the client may send.
class RepeatService : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    class Reactor : public grpc::ServerGenericBidiReactor {
     public:
      Reactor() { StartRead(&request_); }
      void OnReadDone(bool ok) override {
        if (!ok) return Finish(grpc::Status::OK);
        std::vector<grpc::Slice> slices;
        (void)request_.Dump(&slices);
        std::string text;
        for (const auto& s : slices) text.append(reinterpret_cast<const char*>(s.begin()), s.size());
        std::string out;
        for (int i = 0; i < static_cast<unsigned char>(text[0]); ++i) out += text;
        reply_ = Bytes(out);
        StartWrite(&reply_);
      }
      void OnWriteDone(bool ok) override {
        Finish(ok ? grpc::Status::OK : grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "reply not sent"));
      }
      void OnDone() override { delete this; }

     private:
      grpc::ByteBuffer request_;
      grpc::ByteBuffer reply_;
    };
    return new Reactor;
  }
};

// One unary call of `request` on the channel; the reply's size in `reply_bytes`.
grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel, const std::string& request,
                  size_t* reply_bytes) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto call = stub.PrepareUnaryCall(&context, "/test.Repeat/Call", Bytes(request), &cq);
  call->StartCall();
  grpc::ByteBuffer reply;
  grpc::Status status;
  call->Finish(&reply, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  *reply_bytes = status.ok() ? SizeOf(reply) : 0;
  return status;
}

TEST(MessageSizeTest, ClientChannelsCarryLargeButAllowedMessagesBothWays) {
  RepeatService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterCallbackGenericService(&service);
  SetServerMessageSizes(builder, kMaxRequestBytes);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  // The channel hyperlab-worker and the hyperlab CLI build.
  auto channel = NewClientChannel({.address = "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(channel.ok()) << channel.status();

  // A request over the old 4 MiB, a reply twice as large (like a study list or a lease of big studies).
  const size_t request_bytes = kOldDefaultBytes + (2 << 20);
  size_t reply_bytes = 0;
  grpc::Status status =
      Call(*channel, std::string(1, '\x02') + std::string(request_bytes - 1, 'x'), &reply_bytes);
  ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
  EXPECT_EQ(reply_bytes, 2 * request_bytes);

  // The largest request, echoed once.
  status = Call(*channel, std::string(1, '\x01') + std::string(kMaxRequestBytes - 64, 'x'), &reply_bytes);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Over the request limit: refused by the client before it is sent.
  status = Call(*channel, std::string(1, '\x01') + std::string(kMaxRequestBytes, 'x'), &reply_bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // A reply over the response limit: refused by the server, the client told RESOURCE_EXHAUSTED.
  status =
      Call(*channel, std::string(1, '\x03') + std::string(kMaxResponseBytes / 3 + 1024, 'x'), &reply_bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  server->Shutdown();
}

// The coordinator itself: studies whose list is over the old 4 MiB are listed through the CLI's channel
// and through the in-process channel `hyperlab run` and --data-dir use.
TEST(MessageSizeTest, AStudyListOverFourMegabytesReachesTheCliAndInProcessClients) {
  const std::string dir = testing::FreshTestDir("message_size_test");
  auto server = CoordinatorServer::Start({.listen = "127.0.0.1:0", .data_dir = dir});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = NewClientChannel({.address = "127.0.0.1:" + std::to_string((*server)->port())});
  ASSERT_TRUE(channel.ok()) << channel.status();
  auto stub = v1::StudyService::NewStub(*channel);
  constexpr int kStudies = 8;
  // 8 studies of 600 categorical values of 1,000 characters: 4.8 MB, each within the spec limits.
  v1::ParameterSpec categories;
  categories.set_name("c");
  for (int v = 0; v < 600; ++v) {
    categories.mutable_categorical()->add_values(std::to_string(v) + std::string(1000 - 4, 'v'));
  }
  for (int i = 0; i < kStudies; ++i) {
    v1::CreateStudyRequest request;
    *request.mutable_spec() = testing::BraninSpec("big-" + std::to_string(i), 1, 1);
    *request.mutable_spec()->add_parameters() = categories;
    v1::CreateStudyResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub->CreateStudy(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  for (const auto& list_channel : {*channel, (*server)->InProcessChannel()}) {
    auto list_stub = v1::StudyService::NewStub(list_channel);
    grpc::ClientContext context;
    v1::ListStudiesResponse response;
    const grpc::Status status = list_stub->ListStudies(&context, v1::ListStudiesRequest(), &response);
    ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
    EXPECT_EQ(response.studies_size(), kStudies);
    EXPECT_GT(response.ByteSizeLong(), static_cast<size_t>(kOldDefaultBytes));
  }
  (*server)->Shutdown();
  server->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperlab::coordinator
