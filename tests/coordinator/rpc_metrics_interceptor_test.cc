// RPC metrics keep bounded label sets (issue 14, #13: each unknown method name an unauthenticated caller
// sent added a series; /metrics grew to 42 MB after 2,000 calls). Known methods get their own series;
// every other name counts under method="other".
#include "coordinator/rpc_metrics_interceptor.h"

#include <filesystem>
#include <random>

#include "coordinator/metrics.h"
#include "coordinator/server.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string RandomName(std::mt19937_64& rng) {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 24; ++i) s += kChars[rng() % (sizeof(kChars) - 1)];
  return s;
}

TEST(RpcMetricsLabelsTest, UnknownMethodNamesAndCodesShareOneSeries) {
  CoordinatorMetrics metrics;
  metrics.ObserveRpc("/hyperlab.v1.StudyService/GetStudy", 0, 0.001);
  const size_t before = metrics.Render(v1::GetStatusResponse()).size();
  std::mt19937_64 rng(1);
  for (int i = 0; i < 2000; ++i)
    metrics.ObserveRpc("/" + RandomName(rng), static_cast<int>(rng() % 40), 0.001);
  const std::string after = metrics.Render(v1::GetStatusResponse());
  EXPECT_THAT(after, HasSubstr("hyperlab_rpc_duration_seconds_count{method=\"other\"} 2000\n"));
  EXPECT_THAT(after, HasSubstr("method=\"/hyperlab.v1.StudyService/GetStudy\""));
  // One histogram plus at most 17 counters: a few KB, whatever the callers send.
  EXPECT_LT(after.size(), before + 4096) << after.size() - before << " bytes added";
}

TEST(RpcMetricsLabelsTest, EveryMethodOfOurServicesIsKnown) {
  CoordinatorMetrics metrics;
  for (const char* method :
       {"/hyperlab.v1.StudyService/CreateStudy", "/hyperlab.v1.WorkerService/AcquireTrials",
        "/hyperlab.v1.AdminService/GetStatus", "/grpc.health.v1.Health/Check"}) {
    metrics.ObserveRpc(method, 0, 0.001);
    EXPECT_THAT(metrics.Render(v1::GetStatusResponse()), HasSubstr(absl::StrCat("method=\"", method, "\"")));
  }
}

// The attack over the wire: 2,000 unauthenticated calls with random method names, against a live server.
TEST(RpcMetricsLabelsTest, TwoThousandCallsWithRandomMethodNamesDoNotGrowMetrics) {
  const std::string dir = testing::FreshTestDir("rpc_metrics_interceptor_test");
  auto server = CoordinatorServer::Start({.listen = "127.0.0.1:0", .data_dir = dir});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  std::mt19937_64 rng(2);
  auto call = [&](const std::string& method) {
    grpc::CompletionQueue cq;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Slice empty("");
    auto rpc = stub.PrepareUnaryCall(&context, method, grpc::ByteBuffer(&empty, 1), &cq);
    rpc->StartCall();
    grpc::ByteBuffer reply;
    grpc::Status status;
    rpc->Finish(&reply, &status, reinterpret_cast<void*>(1));
    void* tag;
    bool ok;
    cq.Next(&tag, &ok);
    return status;
  };
  EXPECT_EQ(call("/hyperlab.v1.StudyService/" + RandomName(rng)).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  const size_t before = (*server)->RenderMetrics().size();
  for (int i = 0; i < 2000; ++i) {
    call(i % 2 ? "/hyperlab.v1.StudyService/" + RandomName(rng)
               : "/" + RandomName(rng) + "/" + RandomName(rng));
  }
  const std::string after = (*server)->RenderMetrics();
  EXPECT_LT(after.size(), before + 1024) << "grew by " << after.size() - before << " bytes";
  EXPECT_THAT(after, HasSubstr("hyperlab_rpc_total{method=\"other\",code=\"UNIMPLEMENTED\"} 2001\n"));
  EXPECT_THAT(after, Not(HasSubstr("/hyperlab.v1.StudyService/a")));
  (*server)->Shutdown();
  server->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperlab::coordinator
