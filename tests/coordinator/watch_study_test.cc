// WatchStudy on the callback API, over real gRPC on loopback: the stream sends the study at once, then
// the newest state after changes (coalesced while a write is in flight), and ends OK once the study is no
// longer ACTIVE; 1,000 open streams hold no thread each and leave unary calls prompt; cancelled streams,
// a server shutdown and the subscription bound release or refuse subscriptions as they should.
//
// The core does not call ChangeNotifier::Notify itself yet (the lead wires it), so each test notifies
// after changing the core through its public API, as the core will.
#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "coordinator/authorizer.h"
#include "coordinator/change_notifier_impl.h"
#include "coordinator/coordinator.h"
#include "coordinator/metrics.h"
#include "coordinator/rpc_metrics_interceptor.h"
#include "coordinator/study_service.h"
#include "coordinator/worker_service.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Waits (up to `limit`) until `done` holds.
template <typename Pred>
bool Eventually(Pred done, milliseconds limit = milliseconds(10'000)) {
  const auto deadline = steady_clock::now() + limit;
  while (!done()) {
    if (steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

// The process's thread count, from /proc/self/status.
int Threads() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// One client stream, on gRPC's client callback API (no client thread per stream either).
class Watcher : public grpc::ClientReadReactor<v1::Study> {
 public:
  Watcher(v1::StudyService::Stub* stub, const std::string& study) {
    request_.set_study(study);
    stub->async()->WatchStudy(&context_, &request_, this);
    StartRead(&incoming_);
    StartCall();
  }
  ~Watcher() override {
    context_.TryCancel();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return done_; });  // gRPC still uses this object until OnDone.
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows.
    {
      std::lock_guard<std::mutex> lock(mu_);
      received_.push_back(incoming_);
    }
    StartRead(&incoming_);
  }
  void OnDone(const grpc::Status& status) override {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = status;
    done_ = true;
    cv_.notify_all();
  }

  void Cancel() { context_.TryCancel(); }
  int count() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(received_.size());
  }
  v1::Study last() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_.empty() ? v1::Study() : received_.back();
  }
  std::vector<v1::Study> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }
  bool done() {
    std::lock_guard<std::mutex> lock(mu_);
    return done_;
  }
  grpc::Status status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  grpc::ClientContext context_;
  v1::WatchStudyRequest request_;
  v1::Study incoming_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<v1::Study> received_;
  bool done_ = false;
  grpc::Status status_;
};

class WatchStudyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hyperlab::testing::FreshTestDir("watch_study_test");
    auto journal = storage::RocksDbJournal::Open(dir_);
    ASSERT_TRUE(journal.ok()) << journal.status();
    journal_ = std::move(*journal);
    auto core = Coordinator::Open(journal_.get(), &clock_, {});
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
    StartServer({});
  }
  void TearDown() override {
    StopServer();
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The services as the coordinator's server builds them, with the notifier the core will announce to.
  void StartServer(ChangeNotifierOptions options) {
    notifier_ = std::make_unique<ChangeNotifierImpl>(options);
    study_service_ = std::make_unique<StudyServiceImpl>(core_.get(), &auth_, notifier_.get());
    worker_service_ = std::make_unique<WorkerServiceImpl>(core_.get(), &auth_);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(study_service_.get());
    builder.RegisterService(worker_service_.get());
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
    interceptors.push_back(std::make_unique<RpcMetricsInterceptorFactory>(&metrics_));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port_, 0);
    stub_ = v1::StudyService::NewStub(Channel());
  }
  void StopServer() {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    server_.reset();
    study_service_.reset();
    worker_service_.reset();
    notifier_.reset();
  }
  // A channel of its own (its own connection when `tag` differs), with `args` added.
  std::shared_ptr<grpc::Channel> Channel(int tag = 0, grpc::ChannelArguments args = {}) {
    args.SetInt("hyperlab.test.connection", tag);
    return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials(),
                                     args);
  }

  v1::Study Create(const std::string& name, int max_trials) {
    auto created = core_->CreateStudy(testing::BraninSpec(name, max_trials, /*max_parallel=*/4));
    EXPECT_TRUE(created.ok()) << created.status();
    return created->first;
  }
  // Leases `n` trials of the registered worker "w1" and announces the change, as the core will.
  std::vector<v1::Trial> Acquire(int64_t study_id, int n) {
    v1::WorkerInfo info;
    info.set_id("w1");
    info.set_slots(8);
    info.add_executors("synthetic");
    EXPECT_TRUE(core_->RegisterWorker(info).ok());
    auto got = core_->Acquire("w1", n);
    EXPECT_TRUE(got.ok()) << got.status();
    notifier_->Notify(study_id);
    std::vector<v1::Trial> trials;
    for (const auto& a : *got) trials.push_back(a.trial());
    return trials;
  }
  void Cancel(int64_t study_id) {
    ASSERT_TRUE(core_->CancelStudy(std::to_string(study_id)).ok());
    notifier_->Notify(study_id);
  }

  std::string dir_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
  Authorizer auth_{std::nullopt, nullptr, nullptr};
  CoordinatorMetrics metrics_;
  std::unique_ptr<ChangeNotifierImpl> notifier_;
  std::unique_ptr<StudyServiceImpl> study_service_;
  std::unique_ptr<WorkerServiceImpl> worker_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::unique_ptr<v1::StudyService::Stub> stub_;
};

TEST_F(WatchStudyTest, SendsTheStudyThenItsChangesAndEndsOkWhenCancelled) {
  const v1::Study study = Create("watched", 10);
  Watcher watch(stub_.get(), "watched");  // By name; changes are announced by id.
  ASSERT_TRUE(Eventually([&] { return watch.count() == 1; }));
  EXPECT_EQ(watch.last().id(), study.id());
  EXPECT_EQ(watch.last().state(), v1::Study::ACTIVE);
  EXPECT_EQ(watch.last().counts().running(), 0);
  EXPECT_EQ(notifier_->subscriptions(), 1);

  Acquire(study.id(), 2);
  ASSERT_TRUE(Eventually([&] { return watch.last().counts().running() == 2; }));
  EXPECT_FALSE(watch.done());

  Cancel(study.id());
  ASSERT_TRUE(Eventually([&] { return watch.done(); }));
  EXPECT_TRUE(watch.status().ok()) << watch.status().error_message();
  EXPECT_EQ(watch.last().state(), v1::Study::CANCELLED);
  EXPECT_EQ(watch.last().counts().cancelled(), 2);
  EXPECT_TRUE(Eventually([&] { return notifier_->subscriptions() == 0; }));
}

// `hyperlab run` and the CLI's --data-dir mode talk to the server through its in-process channel.
TEST_F(WatchStudyTest, WorksOverTheInProcessChannel) {
  const v1::Study study = Create("in-process", 10);
  auto stub = v1::StudyService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  Watcher watch(stub.get(), "in-process");
  ASSERT_TRUE(Eventually([&] { return watch.count() == 1; }));
  Acquire(study.id(), 1);
  ASSERT_TRUE(Eventually([&] { return watch.last().counts().running() == 1; }));
  Cancel(study.id());
  ASSERT_TRUE(Eventually([&] { return watch.done(); }));
  EXPECT_TRUE(watch.status().ok()) << watch.status().error_message();
  EXPECT_EQ(watch.last().state(), v1::Study::CANCELLED);
}

TEST_F(WatchStudyTest, EndsOkWithTheFinalStateWhenTheStudyCompletes) {
  const v1::Study study = Create("one-trial", 1);
  Watcher watch(stub_.get(), std::to_string(study.id()));
  ASSERT_TRUE(Eventually([&] { return watch.count() == 1; }));
  std::vector<v1::Trial> leased = Acquire(study.id(), 1);
  ASSERT_EQ(leased.size(), 1u);
  v1::TrialCompletion done;
  *done.mutable_lease() = [&] {
    v1::LeaseRef lease;
    lease.set_study_id(study.id());
    lease.set_trial_id(leased[0].id());
    lease.set_lease_id(leased[0].lease_id());
    return lease;
  }();
  done.set_state(v1::Trial::SUCCEEDED);
  (*done.mutable_metrics())["value"] = 1.5;
  ASSERT_TRUE(core_->Complete("w1", {done}).ok());
  notifier_->Notify(study.id());
  ASSERT_TRUE(Eventually([&] { return watch.done(); }));
  EXPECT_TRUE(watch.status().ok()) << watch.status().error_message();
  EXPECT_EQ(watch.last().state(), v1::Study::COMPLETED);
  EXPECT_EQ(watch.last().counts().succeeded(), 1);
}

TEST_F(WatchStudyTest, AnEndedStudyIsSentOnceAndAnUnknownOneIsNotFound) {
  const v1::Study study = Create("ended", 5);
  Cancel(study.id());
  Watcher ended(stub_.get(), "ended");
  ASSERT_TRUE(Eventually([&] { return ended.done(); }));
  EXPECT_TRUE(ended.status().ok());
  ASSERT_EQ(ended.count(), 1);
  EXPECT_EQ(ended.last().state(), v1::Study::CANCELLED);

  Watcher unknown(stub_.get(), "no-such-study");
  ASSERT_TRUE(Eventually([&] { return unknown.done(); }));
  EXPECT_EQ(unknown.status().error_code(), grpc::StatusCode::NOT_FOUND);
  Watcher empty(stub_.get(), "");
  ASSERT_TRUE(Eventually([&] { return empty.done(); }));
  EXPECT_EQ(empty.status().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(notifier_->subscriptions(), 0);
}

// A client that does not read, with a small flow-control window, keeps the server's write in flight;
// the changes made meanwhile must come out as one message with the newest state, not as a backlog.
TEST_F(WatchStudyTest, ChangesDuringAWriteAreCoalescedIntoTheNewestState) {
  const v1::Study study = Create("busy", 10);
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1024);
  auto stub = v1::StudyService::NewStub(Channel(1, args));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));  // A lost change hangs.
  v1::WatchStudyRequest request;
  request.set_study("busy");
  auto reader = stub->WatchStudy(&context, request);
  v1::Study got;
  ASSERT_TRUE(reader->Read(&got));
  EXPECT_EQ(got.conclusion(), "");

  // A probe subscribed after the stream runs after the stream's callback in each round: waiting for it
  // makes every change reach the stream one by one (no coalescing inside the notifier).
  std::atomic<int> rounds{0};
  auto probe = notifier_->Subscribe(study.id(), [&] { ++rounds; });
  ASSERT_TRUE(probe.ok());
  constexpr int kChanges = 40;
  const std::string padding(32 << 10, '.');  // 32 KiB per message: a few fill the window.
  for (int i = 0; i < kChanges; ++i) {
    ASSERT_TRUE(core_->ConcludeStudy("busy", std::to_string(i) + ":" + padding).ok());
    notifier_->Notify(study.id());
    ASSERT_TRUE(Eventually([&] { return rounds.load() == i + 1; }));
  }
  notifier_->Unsubscribe(*probe);
  Cancel(study.id());

  std::vector<int> seen;
  while (reader->Read(&got)) {
    seen.push_back(got.conclusion().empty() ? -1 : std::stoi(got.conclusion()));
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(got.state(), v1::Study::CANCELLED);
  EXPECT_EQ(seen.back(), kChanges - 1) << "the last message shows the newest state";
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1], seen[i]) << "an older state after a newer";
  EXPECT_LT(seen.size(), 10u) << "the changes were sent one by one instead of coalesced";
  std::cout << kChanges << " changes while the client did not read gave " << seen.size() << " messages:";
  for (int s : seen) std::cout << " " << s;
  std::cout << "\n";
}

TEST_F(WatchStudyTest, AThousandOpenWatchesHoldNoThreadEachAndUnaryCallsStayPrompt) {
  constexpr int kWatches = 1000, kConnections = 4;
  const v1::Study study = Create("popular", 100);
  const int threads_before = Threads();
  std::vector<std::unique_ptr<v1::StudyService::Stub>> stubs;
  for (int c = 0; c < kConnections; ++c) stubs.push_back(v1::StudyService::NewStub(Channel(100 + c)));
  std::vector<std::unique_ptr<Watcher>> watches;
  const auto opening = steady_clock::now();
  for (int i = 0; i < kWatches; ++i) {
    watches.push_back(std::make_unique<Watcher>(stubs[i % kConnections].get(), "popular"));
  }
  auto all = [&](auto pred) {
    for (auto& w : watches) {
      if (!pred(*w)) return false;
    }
    return true;
  };
  ASSERT_TRUE(Eventually([&] { return all([](Watcher& w) { return w.count() >= 1; }); }));
  const double open_s = std::chrono::duration<double>(steady_clock::now() - opening).count();
  EXPECT_EQ(notifier_->subscriptions(), kWatches);
  const int threads_open = Threads();
  EXPECT_LT(threads_open, 100) << "threads before: " << threads_before;

  // Unary calls on both services of the same server answer promptly with the watches open.
  auto workers = v1::WorkerService::NewStub(Channel());
  double slowest_ms = 0;
  auto timed = [&](auto call) {
    const auto start = steady_clock::now();
    const grpc::Status status = call();
    slowest_ms =
        std::max(slowest_ms, std::chrono::duration<double, std::milli>(steady_clock::now() - start).count());
    return status;
  };
  for (int i = 0; i < 20; ++i) {
    grpc::ClientContext context;
    v1::GetStudyRequest request;
    request.set_study("popular");
    v1::Study reply;
    ASSERT_TRUE(timed([&] { return stub_->GetStudy(&context, request, &reply); }).ok());
  }
  {
    grpc::ClientContext context;
    v1::RegisterWorkerRequest request;
    request.mutable_worker()->set_id("w-grpc");
    request.mutable_worker()->set_slots(2);
    request.mutable_worker()->add_executors("synthetic");
    v1::RegisterWorkerResponse reply;
    ASSERT_TRUE(timed([&] { return workers->RegisterWorker(&context, request, &reply); }).ok());
  }
  {
    grpc::ClientContext context;
    v1::AcquireTrialsRequest request;
    request.set_worker_id("w-grpc");
    request.set_max_trials(2);
    v1::AcquireTrialsResponse reply;
    ASSERT_TRUE(timed([&] { return workers->AcquireTrials(&context, request, &reply); }).ok());
    EXPECT_EQ(reply.assignments_size(), 2);
  }
  EXPECT_LT(slowest_ms, 1000) << "a unary call waited behind the watches";

  // One change reaches every watch; the end of the study ends every stream with OK.
  const auto notified = steady_clock::now();
  notifier_->Notify(study.id());
  ASSERT_TRUE(Eventually([&] { return all([](Watcher& w) { return w.last().counts().running() == 2; }); }));
  const double fanout_ms = std::chrono::duration<double, std::milli>(steady_clock::now() - notified).count();
  Cancel(study.id());
  ASSERT_TRUE(Eventually([&] { return all([](Watcher& w) { return w.done(); }); }));
  EXPECT_TRUE(all([](Watcher& w) { return w.status().ok() && w.last().state() == v1::Study::CANCELLED; }));
  EXPECT_TRUE(Eventually([&] { return notifier_->subscriptions() == 0; }));
  EXPECT_LT(Threads(), 100);
  std::cout << kWatches << " watches: opened in " << open_s << " s; threads " << threads_before << " before, "
            << threads_open << " with them open; slowest unary call " << slowest_ms
            << " ms; one change reached all in " << fanout_ms << " ms\n";
}

TEST_F(WatchStudyTest, CancelledWatchesReleaseTheirSubscriptions) {
  const v1::Study study = Create("cancelled-watches", 10);
  std::vector<std::unique_ptr<Watcher>> watches;
  for (int i = 0; i < 50; ++i) watches.push_back(std::make_unique<Watcher>(stub_.get(), "cancelled-watches"));
  ASSERT_TRUE(Eventually([&] {
    for (auto& w : watches) {
      if (w->count() < 1) return false;
    }
    return true;
  }));
  EXPECT_EQ(notifier_->subscriptions(), 50);
  for (auto& w : watches) w->Cancel();
  for (auto& w : watches) {
    ASSERT_TRUE(Eventually([&] { return w->done(); }));
    EXPECT_EQ(w->status().error_code(), grpc::StatusCode::CANCELLED);
  }
  EXPECT_TRUE(Eventually([&] { return notifier_->subscriptions() == 0; }));
  // Notifications after the streams ended touch nothing.
  notifier_->Notify(study.id());
  Acquire(study.id(), 1);
}

TEST_F(WatchStudyTest, AServerShutdownEndsOpenWatches) {
  Create("at-shutdown", 10);
  std::vector<std::unique_ptr<Watcher>> watches;
  for (int i = 0; i < 10; ++i) watches.push_back(std::make_unique<Watcher>(stub_.get(), "at-shutdown"));
  ASSERT_TRUE(Eventually([&] {
    for (auto& w : watches) {
      if (w->count() < 1) return false;
    }
    return true;
  }));
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
  for (auto& w : watches) {
    ASSERT_TRUE(Eventually([&] { return w->done(); }));
    EXPECT_FALSE(w->status().ok());
  }
  EXPECT_EQ(notifier_->subscriptions(), 0);
}

TEST_F(WatchStudyTest, WatchesBeyondTheBoundAreResourceExhausted) {
  StopServer();
  StartServer({.max_subscriptions = 2});
  Create("bounded", 10);
  Watcher first(stub_.get(), "bounded"), second(stub_.get(), "bounded");
  ASSERT_TRUE(Eventually([&] { return first.count() == 1 && second.count() == 1; }));
  Watcher third(stub_.get(), "bounded");
  ASSERT_TRUE(Eventually([&] { return third.done(); }));
  EXPECT_EQ(third.status().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(third.count(), 0);
  grpc::ClientContext context;
  v1::GetStudyRequest request;
  request.set_study("bounded");
  v1::Study reply;
  EXPECT_TRUE(stub_->GetStudy(&context, request, &reply).ok());
  second.Cancel();
  ASSERT_TRUE(Eventually([&] { return notifier_->subscriptions() == 1; }));
  Watcher fourth(stub_.get(), "bounded");
  EXPECT_TRUE(Eventually([&] { return fourth.count() == 1; })) << "a closed watch frees its place";
}

TEST_F(WatchStudyTest, WithoutANotifierWatchStudyIsUnimplemented) {
  Create("no-notifier", 10);
  StudyServiceImpl service(core_.get(), &auth_);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  auto stub = v1::StudyService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  Watcher watch(stub.get(), "no-notifier");
  ASSERT_TRUE(Eventually([&] { return watch.done(); }));
  EXPECT_EQ(watch.status().error_code(), grpc::StatusCode::UNIMPLEMENTED);
  server->Shutdown();
}

}  // namespace
}  // namespace hyperlab::coordinator
