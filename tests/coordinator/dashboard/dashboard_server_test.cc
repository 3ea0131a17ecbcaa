// The dashboard server in-process over a real coordinator: the listen rules, hostile path and query input
// (request_params.h), live-update streams that coalesce bursts and follow the newest state, and Stop
// ending open streams at once rather than after their 60 s life. The HTTP API end to end (tokens, where,
// paging, notes, drain) is tests/integration/dashboard_api_test.py; the browser, dashboard_*_test.py.
#include "coordinator/dashboard/dashboard_server.h"

#include <httplib.h>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "coordinator/dashboard/api_json.h"
#include "coordinator/dashboard/request_params.h"
#include "coordinator/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/branin_spec.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator::dashboard {
namespace {

using ::testing::HasSubstr;

TEST(StudyJsonTest, ANoisyStudyCarriesItsRecommendedTrialAndOthersNone) {
  v1::Study study;
  *study.mutable_spec() = testing::BraninSpec("noisy", 10, 1);
  study.set_best_trial_id(3);
  study.set_best_value(0.1);
  nlohmann::json plain = StudyJson(study);
  EXPECT_TRUE(plain["recommended"].is_null());
  EXPECT_EQ(plain["noisy"], false);
  study.mutable_spec()->mutable_objective()->set_noisy(true);
  study.set_recommended_trial_id(0);  // Trial 0 is a trial like any other (presence, not a sentinel).
  study.set_recommended_value(0.5);
  study.set_recommended_seen(9);
  const nlohmann::json noisy = StudyJson(study);
  EXPECT_EQ(noisy["noisy"], true);
  EXPECT_EQ(noisy["recommended"]["trial"], 0);
  EXPECT_EQ(noisy["recommended"]["value"], 0.5);
  EXPECT_EQ(noisy["recommended"]["seen"], 9);
  EXPECT_EQ(noisy["best"]["trial"], 3);
}

TEST(RequestParamsTest, IdsAreDigitsOnly) {
  EXPECT_EQ(*ParseId("0", "trial"), 0);
  EXPECT_EQ(*ParseId("42", "trial"), 42);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1e3", "0x10", "99999999999999999999", "４２"}) {
    absl::StatusOr<int64_t> id = ParseId(bad, "trial");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(id.status().message(), HasSubstr("trial: ")) << bad;
  }
}

TEST(RequestParamsTest, RefsArePrintableAndBounded) {
  EXPECT_EQ(*ParseRef("branin-random", "study"), "branin-random");
  EXPECT_EQ(ParseRef("", "study").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ParseRef(std::string("a\nb"), "study").status().message(), HasSubstr("control character"));
  EXPECT_THAT(ParseRef(std::string(kMaxRefLength + 1, 'x'), "study").status().message(),
              HasSubstr("study: longer than"));
}

class DashboardServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<CoordinatorServer>> server =
        CoordinatorServer::Start({.data_dir = hyperlab::testing::FreshTestDir("dashboard")});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    absl::StatusOr<std::pair<v1::Study, bool>> study =
        server_->core()->CreateStudy(hyperlab::testing::BraninSpec("dash", 10, 2));
    ASSERT_TRUE(study.ok()) << study.status();
    study_id_ = study->first.id();
  }

  DashboardDeps Deps() { return {server_->core(), server_->notifier(), server_->authorizer()}; }

  std::unique_ptr<DashboardServer> StartDashboard(EventStreamOptions events = {}) {
    absl::StatusOr<std::unique_ptr<DashboardServer>> dash =
        DashboardServer::Start({.listen = "127.0.0.1:0", .events = events}, Deps());
    EXPECT_TRUE(dash.ok()) << dash.status();
    return dash.ok() ? std::move(*dash) : nullptr;
  }

  // Reads the study's event stream until it ends; each event's data, parsed.
  std::future<std::vector<nlohmann::json>> Stream(int port) {
    return std::async(std::launch::async, [this, port] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(30, 0);
      std::string buffer;
      std::vector<nlohmann::json> events;
      client.Get("/api/v1/studies/" + std::to_string(study_id_) + "/events",
                 [&](const char* data, size_t size) {
                   buffer.append(data, size);
                   size_t end;
                   while ((end = buffer.find("\n\n")) != std::string::npos) {
                     const std::string block = buffer.substr(0, end);
                     buffer.erase(0, end + 2);
                     const size_t data_at = block.find("data: ");
                     if (data_at != std::string::npos)
                       events.push_back(nlohmann::json::parse(block.substr(data_at + 6)));
                   }
                   return true;
                 });
      return events;
    });
  }

  std::unique_ptr<CoordinatorServer> server_;
  int64_t study_id_ = 0;
};

TEST_F(DashboardServerTest, RefusesRemoteWithoutTokensAndMalformedAddresses) {
  absl::StatusOr<std::unique_ptr<DashboardServer>> remote =
      DashboardServer::Start({.listen = "0.0.0.0:0"}, Deps());
  ASSERT_FALSE(remote.ok());
  EXPECT_EQ(remote.status().code(), absl::StatusCode::kFailedPrecondition);
  for (const char* bad : {"nowhere", "127.0.0.1:99999", "127.0.0.1:x"}) {
    absl::StatusOr<std::unique_ptr<DashboardServer>> dash = DashboardServer::Start({.listen = bad}, Deps());
    ASSERT_FALSE(dash.ok()) << bad;
    EXPECT_EQ(dash.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(dash.status().message(), HasSubstr("--http-listen")) << bad;
  }
}

TEST_F(DashboardServerTest, StreamsCoalesceABurstAndEndWithTheNewestState) {
  std::unique_ptr<DashboardServer> dash = StartDashboard(
      {.max_duration = std::chrono::milliseconds(2000), .min_interval = std::chrono::milliseconds(300)});
  ASSERT_NE(dash, nullptr);
  std::future<std::vector<nlohmann::json>> events = Stream(dash->port());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // The stream is open and has its first event.
  for (int i = 1; i <= 20; ++i) {
    ASSERT_TRUE(
        server_->core()->ConcludeStudy(std::to_string(study_id_), "conclusion " + std::to_string(i)).ok());
  }
  std::vector<nlohmann::json> got = events.get();  // The server ends the stream after max_duration.
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got.front()["conclusion"], "");
  EXPECT_EQ(got.back()["conclusion"], "conclusion 20");
  // 20 changes, at least 300 ms between events: the first event and at most a few more.
  EXPECT_LE(got.size(), 4u);
}

TEST_F(DashboardServerTest, StopEndsOpenStreamsAtOnce) {
  std::unique_ptr<DashboardServer> dash = StartDashboard();
  ASSERT_NE(dash, nullptr);
  std::vector<std::future<std::vector<nlohmann::json>>> streams;
  for (int i = 0; i < 4; ++i) streams.push_back(Stream(dash->port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  dash->Stop();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 1.0) << "Stop waited for the streams' 60 s life";
  for (auto& s : streams) {
    ASSERT_EQ(s.wait_for(std::chrono::seconds(2)), std::future_status::ready);
    EXPECT_GE(s.get().size(), 1u);
  }
  EXPECT_EQ(server_->notifier()->subscriptions(), 0);
}

}  // namespace
}  // namespace hyperlab::coordinator::dashboard
