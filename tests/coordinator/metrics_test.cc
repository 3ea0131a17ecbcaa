// Prometheus metrics and structured logs: histogram buckets are cumulative, the exposition carries every
// series the issue names (trials by state, lease expiries, RPC latency by method, journal write and
// suggest latency, queue depth), a live server serves them on --metrics-listen over HTTP, and log values
// are quoted so one event stays one parseable line.
#include "coordinator/metrics.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "coordinator/event_log.h"
#include "coordinator/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hyperlab/v1/services.grpc.pb.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;

// GET `path` from 127.0.0.1:`port`; the whole response (status line, headers, body), "" when none came
// within 5 s, "<connection refused>" when nothing listens.
std::string HttpGet(int port, const std::string& path, const std::string& method = "GET") {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout = {5, 0};  // A test must fail, not hang, when nobody answers.
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "<connection refused>";
  }
  const std::string request = method + " " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  (void)!send(fd, request.data(), request.size(), 0);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) out.append(buffer, static_cast<size_t>(n));
  close(fd);
  return out;
}

TEST(HistogramTest, BucketsAreCumulativeWithSumAndCount) {
  Histogram h({0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  std::string out;
  h.Render("x_seconds", "method=\"m\"", out);
  EXPECT_EQ(out,
            "x_seconds_bucket{method=\"m\",le=\"0.1\"} 1\n"
            "x_seconds_bucket{method=\"m\",le=\"1\"} 2\n"
            "x_seconds_bucket{method=\"m\",le=\"+Inf\"} 3\n"
            "x_seconds_sum{method=\"m\"} 5.55\n"
            "x_seconds_count{method=\"m\"} 3\n");
}

TEST(CoordinatorMetricsTest, RendersEverySeries) {
  CoordinatorMetrics metrics;
  metrics.ObserveRpc("/hyperlab.v1.StudyService/GetStudy", 0, 0.002);
  metrics.ObserveRpc("/hyperlab.v1.StudyService/GetStudy", 5, 0.001);
  metrics.ObserveJournalWrite(0.003);
  metrics.ObserveSuggest(0.0004);
  metrics.CountLeaseExpiries(2);
  metrics.CountAuthRefused(16);
  v1::GetStatusResponse status;
  v1::Study* s = status.add_studies();
  s->set_state(v1::Study::ACTIVE);
  s->mutable_counts()->set_pending(3);
  s->mutable_counts()->set_running(2);
  s->mutable_counts()->set_succeeded(7);
  status.set_workers(2);
  status.add_worker_status()->set_draining(true);
  status.add_worker_status();
  const std::string text = metrics.Render(status);
  EXPECT_THAT(text, HasSubstr("hyperlab_trials{state=\"PENDING\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("hyperlab_trials{state=\"RUNNING\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("hyperlab_trials{state=\"SUCCEEDED\"} 7\n"));
  EXPECT_THAT(text, HasSubstr("hyperlab_queue_depth 3\n"));
  EXPECT_THAT(text, HasSubstr("hyperlab_studies{state=\"ACTIVE\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hyperlab_workers{state=\"draining\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hyperlab_lease_expiries_total 2\n"));
  EXPECT_THAT(text, HasSubstr("hyperlab_auth_refused_total{code=\"UNAUTHENTICATED\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hyperlab_journal_write_seconds_count 1\n"));
  EXPECT_THAT(text, HasSubstr("hyperlab_suggest_seconds_bucket{le=\"0.0005\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr("hyperlab_rpc_duration_seconds_count{method=\"/hyperlab.v1.StudyService/GetStudy\"} 2\n"));
  EXPECT_THAT(
      text,
      HasSubstr("hyperlab_rpc_total{method=\"/hyperlab.v1.StudyService/GetStudy\",code=\"NOT_FOUND\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE hyperlab_rpc_duration_seconds histogram\n"));
}

// (It once hung in its last HttpGet: MetricsHttpServer::Stop left the listening socket open, so the connect
// after Shutdown landed in the backlog and recv waited forever. Stop now closes it, and HttpGet has a
// receive timeout so a regression fails instead of hanging.)
TEST(MetricsEndpointTest, ALiveServerServesMetricsOverHttp) {
  const auto dir = std::filesystem::temp_directory_path() / ("metrics_test_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  auto server = CoordinatorServer::Start(
      {.listen = "127.0.0.1:0", .data_dir = dir.string(), .metrics_listen = "127.0.0.1:0"});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->metrics_port(), 0);
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::StudyService::NewStub(channel);
  grpc::ClientContext context;
  v1::GetStudyRequest request;
  request.set_study("missing");
  v1::Study study;
  EXPECT_EQ(stub->GetStudy(&context, request, &study).error_code(), grpc::StatusCode::NOT_FOUND);

  const std::string response = HttpGet((*server)->metrics_port(), "/metrics");
  EXPECT_THAT(response, HasSubstr("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(response, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(
      response,
      HasSubstr("hyperlab_rpc_total{method=\"/hyperlab.v1.StudyService/GetStudy\",code=\"NOT_FOUND\"} 1"));
  EXPECT_THAT(response, HasSubstr("hyperlab_queue_depth 0"));
  EXPECT_THAT(HttpGet((*server)->metrics_port(), "/nope"), HasSubstr("HTTP/1.1 404"));
  EXPECT_THAT(HttpGet((*server)->metrics_port(), "/metrics", "POST"), HasSubstr("HTTP/1.1 405"));
  EXPECT_THAT(HttpGet((*server)->metrics_port(), "/healthz"), HasSubstr("\r\n\r\nok\n"));
  (*server)->Shutdown();
  EXPECT_EQ(HttpGet((*server)->metrics_port(), "/metrics"), "<connection refused>")
      << "stopped with the server";
  server->reset();
  std::filesystem::remove_all(dir);
}

TEST(EventLogTest, OneLineOfKeyValuePairsWithQuotingWhereNeeded) {
  EXPECT_EQ(EventLog::Format(
                "info", "trial_completed",
                {{"study", "3"}, {"trial", "17"}, {"worker", "w-1"}, {"reason", "exit code 1: \"x\"\nboom"}}),
            "level=info event=trial_completed study=3 trial=17 worker=w-1 reason=\"exit code 1: "
            "\\\"x\\\"\\nboom\"");
  EXPECT_EQ(LogValue(""), "\"\"");
  EXPECT_EQ(LogValue("a=b"), "\"a=b\"");
  EXPECT_EQ(LogValue(std::string(600, 'x')).size(), 512u);
  std::ostringstream out;
  EventLog log(&out);
  log.Warn("lease_expired", {{"study", "1"}});
  EXPECT_THAT(out.str(), ::testing::MatchesRegex("ts=[0-9T:.-]+Z level=warn event=lease_expired study=1\n"));
}

}  // namespace
}  // namespace hyperlab::coordinator
