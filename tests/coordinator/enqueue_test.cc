// Enqueued trials (Coordinator::EnqueueTrial, coordinator/enqueue.cc): a user-chosen configuration runs
// before the searcher's next suggestion, in the order added; it is validated against the space (errors
// name the parameter), deduplicated like any trial, counted against the budget, seen by the bayesian
// strategy and not by grid and random, whose sequences stay what they were.
#include <filesystem>
#include <map>
#include <mutex>

#include "coordinator/coordinator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/limits.h"
#include "searcher/strategy.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/test_dir.h"
#include "tests/testing/trial_messages.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;
using Params = std::map<std::string, std::string>;

// Branin's x1, x2 plus an integer and a categorical parameter.
v1::StudySpec Spec(const std::string& name, const std::string& algorithm, int max_trials = 20,
                   int max_parallel = 1) {
  v1::StudySpec spec = testing::BraninSpec(name, max_trials, max_parallel);
  auto* units = spec.add_parameters();
  units->set_name("units");
  units->mutable_integer()->set_min(8);
  units->mutable_integer()->set_max(512);
  auto* optimizer = spec.add_parameters();
  optimizer->set_name("optimizer");
  optimizer->mutable_categorical()->add_values("adam");
  optimizer->mutable_categorical()->add_values("sgd");
  spec.clear_algorithm();
  if (algorithm == "grid") spec.mutable_algorithm()->mutable_grid()->set_points_per_double(2);
  if (algorithm == "random") spec.mutable_algorithm()->mutable_random()->set_seed(5);
  if (algorithm == "bayesian") {
    spec.mutable_algorithm()->mutable_bayesian()->set_seed(5);
    spec.mutable_algorithm()->mutable_bayesian()->set_initial_trials(3);
  }
  return spec;
}

google::protobuf::RepeatedPtrField<v1::Parameter> AsText(const Params& params) {
  google::protobuf::RepeatedPtrField<v1::Parameter> out;
  for (const auto& [name, value] : params) {
    v1::Parameter* p = out.Add();
    p->set_name(name);
    p->mutable_value()->set_string_value(value);
  }
  return out;
}

const Params kChosen = {{"x1", "2.5"}, {"x2", "3.5"}, {"units", "64"}, {"optimizer", "sgd"}};
const Params kOther = {{"x1", "-1"}, {"x2", "7"}, {"units", "8"}, {"optimizer", "adam"}};

// Records the histories a strategy is given (wrapping the real one).
struct Recorded {
  std::mutex mu;
  std::vector<std::vector<searcher::TrialView>> histories;
};
class RecordingStrategy : public searcher::Strategy {
 public:
  RecordingStrategy(std::unique_ptr<searcher::Strategy> inner, Recorded* recorded)
      : inner_(std::move(inner)), recorded_(recorded) {}
  absl::StatusOr<std::vector<searcher::Assignment>> Suggest(absl::Span<const searcher::TrialView> history,
                                                            int count, std::string& state) const override {
    {
      std::lock_guard<std::mutex> lock(recorded_->mu);
      recorded_->histories.emplace_back(history.begin(), history.end());
    }
    return inner_->Suggest(history, count, state);
  }
  std::optional<int64_t> Capacity() const override { return inner_->Capacity(); }

 private:
  std::unique_ptr<searcher::Strategy> inner_;
  Recorded* recorded_;
};

class EnqueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hyperlab::testing::FreshTestDir("enqueue_test");
    auto journal = storage::RocksDbJournal::Open(dir_);
    ASSERT_TRUE(journal.ok()) << journal.status();
    journal_ = std::move(*journal);
    CoordinatorOptions options{.acquire_wait_ms = 600'000};
    options.strategy_factory =
        [this](const searcher::SearchSpace& space,
               const searcher::AlgorithmConfig& c) -> absl::StatusOr<std::unique_ptr<searcher::Strategy>> {
      absl::StatusOr<std::unique_ptr<searcher::Strategy>> inner = searcher::MakeStrategy(space, c);
      if (!inner.ok()) return inner.status();
      return std::unique_ptr<searcher::Strategy>(new RecordingStrategy(*std::move(inner), &recorded_));
    };
    auto core = Coordinator::Open(journal_.get(), &clock_, options);
    ASSERT_TRUE(core.ok()) << core.status();
    core_ = std::move(*core);
    ASSERT_TRUE(core_->RegisterWorker(testing::SyntheticWorker("w", 4)).ok());
  }
  void TearDown() override {
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  absl::StatusOr<v1::Trial> Enqueue(const std::string& study, const Params& params,
                                    const std::string& principal = "") {
    return core_->EnqueueTrial(study, AsText(params), "", principal);
  }
  // Leases up to n trials and completes them with Branin's value; returns them as leased.
  std::vector<v1::Trial> RunSome(int n) {
    auto got = core_->Acquire("w", n);
    EXPECT_TRUE(got.ok()) << got.status();
    std::vector<v1::Trial> out;
    std::vector<v1::TrialCompletion> done;
    for (const auto& a : *got) {
      out.push_back(a.trial());
      const auto& p = a.trial().parameters();
      const double value = testing::Branin(p[0].value().double_value(), p[1].value().double_value());
      done.push_back(testing::SucceededWith(a.trial(), a.trial().lease_id(), value));
    }
    if (!done.empty()) {
      EXPECT_TRUE(core_->Complete("w", done).ok());
    }
    return out;
  }

  std::string dir_;
  testing::FakeClock clock_;
  Recorded recorded_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
};

std::string Point(const v1::Trial& t) {
  std::string out;
  for (const auto& p : t.parameters()) out += p.ShortDebugString() + ";";
  return out;
}

// The canonical (typed) form of kChosen / kOther, as a trial carries it.
std::string PointOf(const Params& p) {
  v1::Trial t;
  auto add = [&](const std::string& name) { t.add_parameters()->set_name(name); };
  add("x1");
  t.mutable_parameters(0)->mutable_value()->set_double_value(std::stod(p.at("x1")));
  add("x2");
  t.mutable_parameters(1)->mutable_value()->set_double_value(std::stod(p.at("x2")));
  add("units");
  t.mutable_parameters(2)->mutable_value()->set_int_value(std::stoll(p.at("units")));
  add("optimizer");
  t.mutable_parameters(3)->mutable_value()->set_string_value(p.at("optimizer"));
  return Point(t);
}

class EnqueueOrderTest : public EnqueueTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(EnqueueOrderTest, EnqueuedTrialsRunBeforeSuggestedOnesInTheOrderAdded) {
  ASSERT_TRUE(core_->CreateStudy(Spec("s", GetParam())).ok());
  std::vector<v1::Trial> first = RunSome(1);  // A suggested trial.
  ASSERT_EQ(first.size(), 1u);
  EXPECT_FALSE(first[0].enqueued());
  auto a = Enqueue("s", kChosen);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->id(), 1);
  EXPECT_EQ(a->state(), v1::Trial::PENDING);
  EXPECT_TRUE(a->enqueued());
  auto b = Enqueue("s", kOther);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->id(), 2);
  std::vector<v1::Trial> next = RunSome(1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].id(), 1);
  EXPECT_EQ(Point(next[0]), PointOf(kChosen));
  next = RunSome(1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].id(), 2);
  EXPECT_EQ(Point(next[0]), PointOf(kOther));
  next = RunSome(1);  // The searcher's turn again.
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].id(), 3);
  EXPECT_FALSE(next[0].enqueued());
  auto study = core_->GetStudy("s");
  ASSERT_TRUE(study.ok());
  EXPECT_EQ(study->counts().total(), 4);  // Enqueued trials count against the budget.
  EXPECT_EQ(study->counts().succeeded(), 4);
}

INSTANTIATE_TEST_SUITE_P(Strategies, EnqueueOrderTest, ::testing::Values("random", "bayesian", "grid"));

TEST_F(EnqueueTest, WithSeveralSlotsEnqueuedTrialsAreLeasedFirst) {
  ASSERT_TRUE(core_->CreateStudy(Spec("s", "random", 20, 4)).ok());
  ASSERT_TRUE(Enqueue("s", kChosen).ok());
  ASSERT_TRUE(Enqueue("s", kOther).ok());
  std::vector<v1::Trial> got = RunSome(4);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(Point(got[0]), PointOf(kChosen));
  EXPECT_EQ(Point(got[1]), PointOf(kOther));
  EXPECT_TRUE(got[0].enqueued() && got[1].enqueued());
  EXPECT_FALSE(got[2].enqueued() || got[3].enqueued());
}

// Grid and random points are functions of the index among suggested trials: an enqueued trial takes none
// of them, and a grid still runs every point (its enqueued trials on top, within the budget).
class EnqueueSequenceTest : public EnqueueTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(EnqueueSequenceTest, SuggestedSequenceIsUnchanged) {
  v1::StudySpec plain = Spec("plain", GetParam(), 30);
  plain.set_reuse(v1::STUDY);  // Each study computes its own points.
  v1::StudySpec with = Spec("with", GetParam(), 30);
  with.set_reuse(v1::STUDY);
  with.mutable_budget()->set_max_trials(30);
  ASSERT_TRUE(core_->CreateStudy(plain).ok());
  std::vector<std::string> expected;
  for (std::vector<v1::Trial> got; !(got = RunSome(1)).empty();) expected.push_back(Point(got[0]));
  ASSERT_TRUE(core_->CreateStudy(with).ok());
  std::vector<std::string> suggested;
  for (int i = 0; i < 3; ++i) suggested.push_back(Point(RunSome(1).at(0)));
  ASSERT_TRUE(Enqueue("with", kChosen).ok());
  ASSERT_TRUE(Enqueue("with", kOther).ok());
  int enqueued = 0;
  for (std::vector<v1::Trial> got; !(got = RunSome(1)).empty();) {
    if (got[0].enqueued()) {
      ++enqueued;
    } else {
      suggested.push_back(Point(got[0]));
    }
  }
  EXPECT_EQ(enqueued, 2);
  if (GetParam() == "grid") {
    // 2 x 2 x 2 x 2 = 16 grid points, all run, plus the 2 enqueued: 18 trials of the budget's 30.
    ASSERT_EQ(expected.size(), 16u);
    EXPECT_EQ(suggested, expected);
    auto study = core_->GetStudy("with");
    ASSERT_TRUE(study.ok());
    EXPECT_EQ(study->counts().total(), 18);
    EXPECT_EQ(study->state(), v1::Study::COMPLETED);
  } else {
    ASSERT_EQ(expected.size(), 30u);
    ASSERT_EQ(suggested.size(), 28u);  // The budget's 30, two of them enqueued.
    EXPECT_EQ(suggested, std::vector<std::string>(expected.begin(), expected.begin() + 28));
  }
}

INSTANTIATE_TEST_SUITE_P(IndexStrategies, EnqueueSequenceTest, ::testing::Values("grid", "random"));

TEST_F(EnqueueTest, TheBayesianStrategyLearnsFromAnEnqueuedTrialAndRandomDoesNotCountIt) {
  ASSERT_TRUE(core_->CreateStudy(Spec("bo", "bayesian")).ok());
  ASSERT_TRUE(Enqueue("bo", kChosen).ok());
  ASSERT_EQ(RunSome(1).size(), 1u);  // The enqueued trial, completed.
  {
    std::lock_guard<std::mutex> lock(recorded_.mu);
    recorded_.histories.clear();
  }
  ASSERT_EQ(RunSome(1).size(), 1u);  // The strategy suggests with the enqueued trial's result.
  {
    std::lock_guard<std::mutex> lock(recorded_.mu);
    ASSERT_FALSE(recorded_.histories.empty());
    const std::vector<searcher::TrialView>& h = recorded_.histories.front();
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h[0].outcome, searcher::TrialView::Outcome::kSucceeded);
    ASSERT_TRUE(h[0].objective.has_value());
    EXPECT_DOUBLE_EQ(*h[0].objective, testing::Branin(2.5, 3.5));
    EXPECT_EQ(std::get<std::string>(h[0].assignment[3]), "sgd");
    recorded_.histories.clear();
  }
  // Random points are functions of their index among suggested trials: the enqueued trial is not given.
  ASSERT_TRUE(core_->CancelStudy("bo").ok());
  v1::StudySpec rs = Spec("rs", "random");
  rs.set_reuse(v1::STUDY);
  ASSERT_TRUE(core_->CreateStudy(rs).ok());
  ASSERT_TRUE(Enqueue("rs", kChosen).ok());
  std::vector<v1::Trial> ran = RunSome(1);
  ASSERT_EQ(ran.size(), 1u);
  EXPECT_TRUE(ran[0].enqueued());    // Not reused from "bo": rs shares results within itself only.
  ASSERT_EQ(RunSome(1).size(), 1u);  // The first suggestion.
  std::lock_guard<std::mutex> lock(recorded_.mu);
  ASSERT_EQ(recorded_.histories.size(), 1u);
  EXPECT_TRUE(recorded_.histories[0].empty());
}

TEST_F(EnqueueTest, ParametersAreValidatedNamingTheParameter) {
  ASSERT_TRUE(core_->CreateStudy(Spec("s", "random")).ok());
  struct Case {
    Params params;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{{"x1", "1"}, {"x2", "1"}, {"units", "8"}, {"optimizer", "adam"}, {"lr", "0.1"}}, "(name 'lr')"},
      {{{"x1", "1"}, {"x2", "1"}, {"units", "8"}}, "'optimizer' is missing"},
      {{{"x1", "11"}, {"x2", "1"}, {"units", "8"}, {"optimizer", "adam"}}, "(name 'x1'): 11 is outside"},
      {{{"x1", "1"}, {"x2", "1"}, {"units", "6.5"}, {"optimizer", "adam"}},
       "(name 'units'): expected an integer"},
      {{{"x1", "1"}, {"x2", "1"}, {"units", "1024"}, {"optimizer", "adam"}},
       "(name 'units'): 1024 is outside"},
      {{{"x1", "1"}, {"x2", "1"}, {"units", "8"}, {"optimizer", "adamw"}},
       "(name 'optimizer'): 'adamw' is not one"},
      {{{"x1", "nan"}, {"x2", "1"}, {"units", "8"}, {"optimizer", "adam"}}, "(name 'x1'): must be finite"},
      {{{"x1", "inf"}, {"x2", "1"}, {"units", "8"}, {"optimizer", "adam"}}, "(name 'x1'): must be finite"},
      {{{"x1", "one"}, {"x2", "1"}, {"units", "8"}, {"optimizer", "adam"}}, "(name 'x1'): expected a number"},
  };
  for (const Case& c : cases) {
    auto got = Enqueue("s", c.params);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << c.says;
    EXPECT_THAT(got.status().message(), HasSubstr(c.says));
  }
  // Typed values are read too; a whole double is an integer; one name twice is refused.
  google::protobuf::RepeatedPtrField<v1::Parameter> typed = AsText(kChosen);
  for (auto& p : typed) {
    if (p.name() == "x1") p.mutable_value()->set_double_value(2.5);
    if (p.name() == "units") p.mutable_value()->set_double_value(64);
  }
  auto ok = core_->EnqueueTrial("s", typed, "my guess", "");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(Point(*ok), PointOf(kChosen));
  ASSERT_EQ(ok->notes_size(), 1);
  EXPECT_EQ(ok->notes(0).text(), "my guess");
  const v1::Parameter dup = typed[0];
  *typed.Add() = dup;
  EXPECT_THAT(core_->EnqueueTrial("s", typed, "", "").status().message(), HasSubstr("given more than once"));
  auto study = core_->GetStudy("s");
  ASSERT_TRUE(study.ok());
  EXPECT_EQ(study->counts().total(), 1);  // Nothing refused was recorded.
}

TEST_F(EnqueueTest, StudyStateBudgetAndOwnerDecide) {
  EXPECT_EQ(Enqueue("nope", kChosen).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(core_->CreateStudy(Spec("mine", "random", 2), nullptr, "alice").ok());
  auto bob = Enqueue("mine", kChosen, "bob");
  EXPECT_EQ(bob.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(bob.status().message(), HasSubstr("alice"));
  ASSERT_TRUE(Enqueue("mine", kChosen, "alice").ok());
  ASSERT_TRUE(Enqueue("mine", kOther, "alice").ok());
  auto full = Enqueue("mine", kChosen, "alice");
  EXPECT_EQ(full.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(full.status().message(), HasSubstr("budget"));
  ASSERT_TRUE(core_->SetStudyBudget("mine", 3).ok());
  ASSERT_TRUE(core_->PauseStudy("mine").ok());
  EXPECT_TRUE(
      Enqueue("mine", {{"x1", "0"}, {"x2", "0"}, {"units", "9"}, {"optimizer", "adam"}}, "alice").ok());
  ASSERT_TRUE(core_->CancelStudy("mine").ok());
  EXPECT_EQ(Enqueue("mine", kChosen, "alice").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(EnqueueTest, PendingEnqueuedTrialsAreCapped) {
  ASSERT_TRUE(core_->CreateStudy(Spec("s", "random", kMaxEnqueuedPerStudy + 10)).ok());
  for (int i = 0; i < kMaxEnqueuedPerStudy; ++i) {
    Params p = kChosen;
    p["x1"] = std::to_string(-5 + 15.0 * i / kMaxEnqueuedPerStudy);
    ASSERT_TRUE(Enqueue("s", p).ok()) << i;
  }
  auto over = Enqueue("s", kOther);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(over.status().message(), HasSubstr("max_enqueued_per_study"));
  ASSERT_EQ(RunSome(1).size(), 1u);  // One ran: room for one more.
  EXPECT_TRUE(Enqueue("s", kOther).ok());
}

TEST_F(EnqueueTest, AConfigurationRunBeforeIsReusedNotRunAgain) {
  ASSERT_TRUE(core_->CreateStudy(Spec("a", "random", 10, 2)).ok());
  auto first = Enqueue("a", kChosen);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(RunSome(1).size(), 1u);
  // The same point again, in the same study and in another study of the same task: reused at once.
  auto again = Enqueue("a", kChosen);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->state(), v1::Trial::SUCCEEDED);
  ASSERT_TRUE(again->has_reused_from());
  EXPECT_EQ(again->reused_from().study_name(), "a");
  EXPECT_EQ(again->reused_from().trial_id(), first->id());
  EXPECT_DOUBLE_EQ(again->metrics().at("value"), testing::Branin(2.5, 3.5));
  ASSERT_TRUE(core_->CreateStudy(Spec("b", "bayesian", 10)).ok());
  ASSERT_TRUE(core_->PauseStudy("b").ok());  // Workers lease from "a" only; enqueueing is allowed.
  auto other = Enqueue("b", kChosen);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->state(), v1::Trial::SUCCEEDED);
  EXPECT_EQ(other->reused_from().study_name(), "a");
  // A twin still running: the enqueued trial waits for it, then takes its result.
  ASSERT_TRUE(Enqueue("a", kOther).ok());
  auto leased = core_->Acquire("w", 1);
  ASSERT_TRUE(leased.ok() && leased->size() == 1u);
  const v1::Trial running = leased->at(0).trial();
  ASSERT_EQ(Point(running), PointOf(kOther));
  auto waiting = Enqueue("b", kOther);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->state(), v1::Trial::PENDING);
  ASSERT_TRUE(waiting->has_waiting_for());
  EXPECT_EQ(waiting->waiting_for().trial_id(), running.id());
  ASSERT_TRUE(core_->Complete("w", {testing::SucceededWith(running, running.lease_id(), 1.25)}).ok());
  auto trials = core_->ListTrials("b", false);
  ASSERT_TRUE(trials.ok());
  const v1::Trial& resolved = trials->at(waiting->id()).trial();
  EXPECT_EQ(resolved.state(), v1::Trial::SUCCEEDED);
  EXPECT_DOUBLE_EQ(resolved.metrics().at("value"), 1.25);
  EXPECT_TRUE(resolved.enqueued());
}

}  // namespace
}  // namespace hyperlab::coordinator
