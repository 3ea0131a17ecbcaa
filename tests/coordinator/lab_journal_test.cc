// The lab journal's records on the core: conclusions, trial notes and tags (kept across a restart), the
// data digest in fingerprints (same content anywhere = same experiment), and warm start (a warm-started
// Bayesian study reaches a target in fewer trials, and continues identically after a restart).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "coordinator/coordinator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_journal.h"
#include "tests/testing/branin_spec.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::coordinator {
namespace {

using testing::Branin;
using testing::BraninSpec;
using ::testing::HasSubstr;

class LabJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hyperlab::testing::FreshTestDir("lab_journal_test");
    Open();
  }
  void TearDown() override {
    core_.reset();
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    core_.reset();
    journal_.reset();
    journal_ = std::move(storage::RocksDbJournal::Open(dir_ + "/journal").value());
    // A bayesian suggestion is prepared off-lock; on a loaded machine it can take longer than the default
    // wait, and an empty Acquire would end Run() early. Acquire waits only while one is being prepared.
    core_ = std::move(Coordinator::Open(journal_.get(), &clock_, {.acquire_wait_ms = 600'000}).value());
    v1::WorkerInfo worker;
    worker.set_id("w");
    worker.set_slots(4);
    worker.add_executors("synthetic");
    ASSERT_TRUE(core_->RegisterWorker(worker).ok());
  }
  bool AnyStudyRunning() const {
    for (const v1::Study& study : core_->ListStudies()) {
      if (study.state() == v1::Study::ACTIVE) return true;
    }
    return false;
  }
  // Runs trials one at a time on Branin (tests keep one study active at a time) until `max` trials or no
  // more; returns each trial's value in order.
  std::vector<double> Run(int max = 1 << 30) {
    std::vector<double> values;
    int empty_passes = 0;  // In a row; bounded so that a stuck study fails the test instead of hanging it.
    while (static_cast<int>(values.size()) < max) {
      auto leased = core_->Acquire("w", 1);
      EXPECT_TRUE(leased.ok()) << leased.status();
      if (!leased.ok()) break;
      if (leased->empty()) {
        // An empty Acquire need not mean the end: when a bayesian study's trial reused another study's
        // result, its next suggestion is prepared after that pass. Stop only when no study is running.
        if (!AnyStudyRunning() || ++empty_passes > 5000) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        continue;
      }
      empty_passes = 0;
      const v1::Trial& t = leased->front().trial();
      const double v = Branin(t.parameters(0).value().double_value(), t.parameters(1).value().double_value());
      v1::TrialCompletion c;
      c.mutable_lease()->set_study_id(t.study_id());
      c.mutable_lease()->set_trial_id(t.id());
      c.mutable_lease()->set_lease_id(t.lease_id());
      c.set_state(v1::Trial::SUCCEEDED);
      (*c.mutable_metrics())["value"] = v;
      clock_.Advance(1000);
      EXPECT_TRUE(core_->Complete("w", {c}).ok());
      values.push_back(v);
    }
    return values;
  }
  // The objective values of the study's succeeded trials in trial order, reused results included (a
  // suggestion can equal a point another study ran: then Run() never sees it).
  std::vector<double> Values(const std::string& study) {
    std::vector<double> values;
    auto trials = core_->ListTrials(study, false);
    EXPECT_TRUE(trials.ok()) << trials.status();
    if (!trials.ok()) return values;
    for (const auto& t : *trials) {
      if (t.trial().state() == v1::Trial::SUCCEEDED) values.push_back(t.trial().metrics().at("value"));
    }
    return values;
  }
  std::string dir_;
  testing::FakeClock clock_;
  std::unique_ptr<storage::RocksDbJournal> journal_;
  std::unique_ptr<Coordinator> core_;
};

v1::StudySpec Bayesian(const std::string& name, int trials, uint64_t seed) {
  v1::StudySpec spec = BraninSpec(name, trials, 1);
  spec.mutable_algorithm()->mutable_bayesian()->set_seed(seed);
  return spec;
}

TEST_F(LabJournalTest, ConclusionAndNotesAreJournaled) {
  ASSERT_TRUE(core_->CreateStudy(BraninSpec("s", 2, 1)).ok());
  Run();
  EXPECT_EQ(core_->ConcludeStudy("s", "  ").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core_->ConcludeStudy("nope", "x").status().code(), absl::StatusCode::kNotFound);
  clock_.Advance(5000);
  auto concluded = core_->ConcludeStudy("s", "Branin's minimum is not where we guessed.");
  ASSERT_TRUE(concluded.ok()) << concluded.status();
  EXPECT_EQ(concluded->state(), v1::Study::COMPLETED);  // Concluding changes nothing else.
  EXPECT_EQ(concluded->conclusion_unix_ms(), clock_.NowMs());

  EXPECT_EQ(core_->AddTrialNote("s", 7, "x").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core_->AddTrialNote("s", 1, "").status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(core_->AddTrialNote("s", 1, "first look: plausible").ok());
  auto noted = core_->AddTrialNote("s", 1, "rerun on clean data agreed");
  ASSERT_TRUE(noted.ok()) << noted.status();
  ASSERT_EQ(noted->notes_size(), 2);
  EXPECT_EQ(noted->state(), v1::Trial::SUCCEEDED);

  Open();  // Everything above survives a restart.
  auto study = core_->GetStudy("s");
  ASSERT_TRUE(study.ok());
  EXPECT_EQ(study->conclusion(), "Branin's minimum is not where we guessed.");
  EXPECT_EQ(study->counts().succeeded(), 2);
  auto trials = core_->ListTrials("s", false);
  ASSERT_TRUE(trials.ok());
  ASSERT_EQ((*trials)[1].trial().notes_size(), 2);
  EXPECT_EQ((*trials)[1].trial().notes(0).text(), "first look: plausible");
  EXPECT_EQ((*trials)[1].trial().notes(1).text(), "rerun on clean data agreed");
  EXPECT_EQ((*trials)[0].trial().notes_size(), 0);
}

TEST_F(LabJournalTest, ListStudiesByTag) {
  v1::StudySpec a = BraninSpec("a", 1, 1), b = BraninSpec("b", 1, 1), c = BraninSpec("c", 1, 1);
  a.add_tags("branin");
  a.add_tags("sweep");
  b.add_tags("sweep");
  for (auto* spec : {&a, &b, &c}) ASSERT_TRUE(core_->CreateStudy(*spec).ok());
  auto names = [&](const std::string& tag) {
    std::vector<std::string> out;
    for (const v1::Study& s : core_->ListStudies(tag)) out.push_back(s.spec().name());
    return out;
  };
  EXPECT_EQ(names("sweep"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(names("branin"), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(names("other").empty());
  EXPECT_EQ(names("").size(), 3u);

  v1::StudySpec bad = BraninSpec("d", 1, 1);
  bad.add_tags("x");
  bad.add_tags("x");
  EXPECT_THAT(std::string(core_->CreateStudy(bad).status().message()), HasSubstr("tags[1]: duplicate tag"));
  bad.clear_tags();
  bad.add_tags("has space");
  EXPECT_THAT(std::string(core_->CreateStudy(bad).status().message()), HasSubstr("tags[0]"));
}

TEST_F(LabJournalTest, WarmStartedStudyReachesTheTargetInFewerTrials) {
  // Branin's minimum is 0.397887; the target is within 0.1 of it.
  constexpr double kTarget = 0.5;
  ASSERT_TRUE(core_->CreateStudy(Bayesian("earlier", 25, 1)).ok());
  Run();
  auto first_hit = [](const std::vector<double>& values) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i] <= kTarget) return static_cast<int>(i) + 1;
    }
    return 1 << 20;
  };
  int warm_total = 0, cold_total = 0;
  for (uint64_t seed : {2, 3, 4}) {
    v1::StudySpec warm = Bayesian("warm" + std::to_string(seed), 15, seed);
    warm.mutable_warm_start()->add_studies("earlier");
    std::vector<std::string> warnings;
    auto created = core_->CreateStudy(warm, &warnings);
    ASSERT_TRUE(created.ok()) << created.status();
    EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("warm start: 25 trials of study 'earlier'")));
    ASSERT_EQ(created->first.warm_start_study_ids_size(), 1);
    Run();
    const int warm_hit = first_hit(Values("warm" + std::to_string(seed)));
    ASSERT_TRUE(core_->CreateStudy(Bayesian("cold" + std::to_string(seed), 15, seed)).ok());
    Run();
    const int cold_hit = first_hit(Values("cold" + std::to_string(seed)));
    // The model starts from 25 observations: 3 trials on every seed before input warping
    // (searcher/input_warping.h), 3, 4 and 3 with it (cold: 2, and not within 15 trials twice).
    EXPECT_LE(warm_hit, 4) << "seed " << seed;
    warm_total += warm_hit;
    cold_total += std::min(cold_hit, 16);
  }
  EXPECT_LT(warm_total, cold_total);
}

TEST_F(LabJournalTest, WarmStartContinuesIdenticallyAfterARestart) {
  ASSERT_TRUE(core_->CreateStudy(Bayesian("earlier", 12, 1)).ok());
  Run();
  v1::StudySpec warm = Bayesian("warm", 8, 5);
  warm.mutable_warm_start()->add_studies("earlier");
  ASSERT_TRUE(core_->CreateStudy(warm).ok());
  Run(3);
  Open();
  Run();
  const std::vector<double> restarted = Values("warm");
  ASSERT_EQ(restarted.size(), 8u);
  // The same study under another name, never restarted: the same suggestions, hence the same values
  // (its trials reuse the first study's results, as their fingerprints are equal).
  v1::StudySpec twin = warm;
  twin.set_name("twin");
  ASSERT_TRUE(core_->CreateStudy(twin).ok());
  Run();
  EXPECT_EQ(restarted, Values("twin"));
}

TEST_F(LabJournalTest, WarmStartErrorsNameTheField) {
  ASSERT_TRUE(core_->CreateStudy(BraninSpec("earlier", 1, 1)).ok());
  v1::StudySpec spec = Bayesian("s", 5, 1);
  spec.mutable_warm_start()->add_studies("missing");
  auto created = core_->CreateStudy(spec);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("warm_start.studies[0]"));

  spec.mutable_warm_start()->set_studies(0, "earlier");
  spec.mutable_task()->mutable_synthetic()->set_function("hartmann6");
  spec.clear_parameters();
  for (int i = 1; i <= 6; ++i) {
    auto* p = spec.add_parameters();
    p->set_name("x" + std::to_string(i));
    p->mutable_double_range()->set_max(1);
  }
  created = core_->CreateStudy(spec);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("ran another task"));

  spec.mutable_warm_start()->set_studies(0, "s");
  EXPECT_THAT(std::string(core_->CreateStudy(spec).status().message()),
              HasSubstr("cannot warm-start from itself"));
}

// A CSV train task: the fingerprint follows the file's content, not its path.
v1::StudySpec CsvSpec(const std::string& name, const std::string& csv) {
  v1::StudySpec spec;
  spec.set_name(name);
  spec.mutable_objective()->set_metric("test_accuracy");
  spec.mutable_objective()->set_goal(v1::Objective::MAXIMIZE);
  auto* lr = spec.add_parameters();
  lr->set_name("learning_rate");
  lr->mutable_double_range()->set_min(1e-4);
  lr->mutable_double_range()->set_max(1e-1);
  lr->mutable_double_range()->set_scale(v1::LOG);
  spec.mutable_algorithm()->mutable_random()->set_seed(1);
  spec.mutable_budget()->set_max_trials(2);
  spec.mutable_task()->mutable_train()->mutable_data()->set_csv(csv);
  return spec;
}

// The coordinator never opens a path a submitter names (finding 4 of the trust issue: `csv: /dev/zero`
// pinned a handler thread, and a token file's SHA-256 was published). The workers digest the data: the
// first digest reported names the study's data; a worker with other data fails its trial.
TEST_F(LabJournalTest, DataDigestComesFromTheWorkersNeverFromTheCoordinatorReadingAPath) {
  auto hung = core_->CreateStudy(CsvSpec("zero", "/dev/zero"));
  ASSERT_TRUE(hung.ok()) << hung.status();
  EXPECT_TRUE(hung->first.data_digest().empty());
  const std::string readable = dir_ + "/a.csv";
  std::ofstream(readable) << "a,b,label\n0,1,0\n1,0,1\n";
  auto created = core_->CreateStudy(CsvSpec("a", readable));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->first.data_digest().empty()) << "the coordinator read a submitter's file";

  v1::WorkerInfo w;
  w.set_id("w");
  w.set_slots(4);
  w.add_executors("train");
  ASSERT_TRUE(core_->RegisterWorker(w).ok());
  v1::WorkerInfo w2 = w;
  w2.set_id("w2");
  ASSERT_TRUE(core_->RegisterWorker(w2).ok());
  auto complete = [&](const std::string& worker, const v1::Trial& t, const std::string& digest) {
    v1::TrialCompletion c;
    c.mutable_lease()->set_study_id(t.study_id());
    c.mutable_lease()->set_trial_id(t.id());
    c.mutable_lease()->set_lease_id(t.lease_id());
    c.set_state(v1::Trial::SUCCEEDED);
    (*c.mutable_metrics())["test_accuracy"] = 0.5;
    (*c.mutable_artifacts())["data_digest"] = digest;
    return core_->Complete(worker, {c});
  };
  auto lease = [&](const std::string& worker) {
    for (int i = 0; i < 4; ++i) {
      auto got = core_->Acquire(worker, 1);
      if (got.ok() && !got->empty() && got->front().study_name() == "a") return got->front().trial();
    }
    return v1::Trial();
  };
  const v1::Trial first = lease("w");
  ASSERT_FALSE(first.lease_id().empty());
  EXPECT_EQ(first.fingerprint().rfind("path:", 0), 0u) << "before a digest, trials are known by path only";
  const std::string digest(64, 'a');
  ASSERT_EQ((*complete("w", first, digest))[0].code(), 0);
  EXPECT_EQ(core_->GetStudy("a")->data_digest(), digest);

  ASSERT_TRUE(core_->SetStudyBudget("a", 3).ok());
  const v1::Trial second = lease("w2");
  ASSERT_FALSE(second.lease_id().empty());
  EXPECT_NE(second.fingerprint().rfind("path:", 0), 0u) << "after the digest, trials are known by content";
  ASSERT_EQ((*complete("w2", second, std::string(64, 'b')))[0].code(), 0);
  const v1::Trial refused = core_->ListTrials("a", false)->at(second.id()).trial();
  EXPECT_EQ(refused.state(), v1::Trial::FAILED);
  EXPECT_THAT(refused.reason(), HasSubstr("other data"));
}

// Command studies on worker "cw": study files, a worker that honours (or ignores) digest-only leases.
class ProgramDigestTest : public LabJournalTest {
 protected:
  void SetUp() override {
    LabJournalTest::SetUp();
    RegisterCommandWorker();
  }
  void RegisterCommandWorker() {
    v1::WorkerInfo w;
    w.set_id("cw");
    w.set_slots(1);
    w.add_executors("command");
    w.add_allowed_commands("/usr/bin/python3");
    ASSERT_TRUE(core_->RegisterWorker(w).ok());
  }
  // A 3-point grid over x of `python3 train.py {x}`.
  static v1::StudySpec Spec(const std::string& name) {
    v1::StudySpec s;
    s.set_name(name);
    s.mutable_objective()->set_metric("value");
    s.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
    auto* x = s.add_parameters();
    x->set_name("x");
    x->mutable_integer()->set_min(1);
    x->mutable_integer()->set_max(3);
    s.mutable_algorithm()->mutable_grid();
    s.mutable_budget()->set_max_trials(3);
    s.mutable_budget()->set_max_parallel(1);
    auto* command = s.mutable_task()->mutable_command();
    for (const char* arg : {"/usr/bin/python3", "train.py", "{x}"}) command->add_argv(arg);
    return s;
  }
  static v1::TrialCompletion CompletionOf(const v1::Trial& t, const std::string& digest) {
    v1::TrialCompletion c;
    c.mutable_lease()->set_study_id(t.study_id());
    c.mutable_lease()->set_trial_id(t.id());
    c.mutable_lease()->set_lease_id(t.lease_id());
    (*c.mutable_artifacts())["program_digest"] = digest;
    return c;
  }
  struct Ran {
    int probes = 0;  // Leases answered with the digest only.
    int ran = 0;
  };
  // Runs the study's trials one at a time on a program whose digest is `digest`.
  Ran RunCommandStudy(const std::string& study, const std::string& digest, bool honour_digest_only = true) {
    Ran out;
    for (;;) {
      auto leased = core_->Acquire("cw", 1);
      EXPECT_TRUE(leased.ok()) << leased.status();
      if (!leased.ok() || leased->empty()) return out;
      const v1::Assignment& a = leased->front();
      const v1::Trial& t = a.trial();
      EXPECT_EQ(a.study_name(), study);
      EXPECT_EQ(a.digest_only(), t.fingerprint().rfind("path:", 0) == 0) << t.fingerprint();
      v1::TrialCompletion c = CompletionOf(t, digest);
      if (a.digest_only() && honour_digest_only) {
        c.set_state(v1::Trial::PENDING);
        ++out.probes;
      } else {
        c.set_state(v1::Trial::SUCCEEDED);
        (*c.mutable_metrics())["value"] = t.parameters(0).value().int_value();
        ++out.ran;
      }
      auto done = core_->Complete("cw", {c});
      EXPECT_TRUE(done.ok()) << done.status();
      if (!done.ok()) return out;
      EXPECT_EQ((*done)[0].code(), 0) << (*done)[0].message();
    }
  }
  // Gives the study's first (digest-only) lease back: first without a well-formed digest, which is refused
  // naming the artifact (else it would be leased digest_only again and again) and keeps the lease; then
  // with `digest`.
  void GiveBackFirstLeaseAfterABadDigest(const std::string& digest) {
    auto leased = core_->Acquire("cw", 1);
    ASSERT_TRUE(leased.ok() && leased->size() == 1u);
    ASSERT_TRUE(leased->front().digest_only());
    v1::TrialCompletion c = CompletionOf(leased->front().trial(), "not-a-digest");
    c.set_state(v1::Trial::PENDING);
    auto refused = core_->Complete("cw", {c});
    ASSERT_TRUE(refused.ok()) << refused.status();
    EXPECT_EQ((*refused)[0].code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT((*refused)[0].message(), HasSubstr("completions[0].artifacts[\"program_digest\"]"));
    (*c.mutable_artifacts())["program_digest"] = digest;
    auto given = core_->Complete("cw", {c});
    ASSERT_TRUE(given.ok()) << given.status();
    EXPECT_EQ((*given)[0].code(), 0) << (*given)[0].message();
  }
};

// A command task's trials are fingerprinted by what the program and its argument files hold, as the
// workers report it (artifact program_digest). A trial known by path only is first leased `digest_only`: the
// worker gives it back unrun with the digest, so the same program under another study name runs nothing
// twice, while a changed program is a new experiment. A worker that ignores digest_only runs that trial.
TEST_F(ProgramDigestTest, AChangedProgramIsANewExperiment) {
  const std::string v1_digest(64, '1'), v2_digest(64, '2');
  auto created = core_->CreateStudy(Spec("first"));
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_NO_FATAL_FAILURE(GiveBackFirstLeaseAfterABadDigest(v1_digest));
  Ran first = RunCommandStudy("first", v1_digest);
  EXPECT_EQ(first.probes, 0);  // Its one digest-only lease was given back above.
  EXPECT_EQ(first.ran, 3);
  EXPECT_EQ(core_->GetStudy("first")->data_digest(), v1_digest);
  auto first_trials = core_->ListTrials("first", false);
  ASSERT_TRUE(first_trials.ok()) << first_trials.status();
  for (const auto& t : *first_trials) {
    EXPECT_NE(t.trial().fingerprint().rfind("path:", 0), 0u) << "trial " << t.trial().id();
    EXPECT_EQ(t.trial().attempt(), 1) << "the digest-only lease counted as an attempt";
  }

  // The same program: nothing runs, all three reuse the first study's results.
  ASSERT_TRUE(core_->CreateStudy(Spec("same")).ok());
  Ran same = RunCommandStudy("same", v1_digest);
  EXPECT_EQ(same.probes, 1);
  EXPECT_EQ(same.ran, 0);
  EXPECT_EQ(core_->GetStudy("same")->counts().reused(), 3);

  // A worker that does not know digest_only runs the first trial; the rest is reused.
  ASSERT_TRUE(core_->CreateStudy(Spec("old-worker")).ok());
  Ran old = RunCommandStudy("old-worker", v1_digest, false);
  EXPECT_EQ(old.ran, 1);
  EXPECT_EQ(core_->GetStudy("old-worker")->counts().reused(), 2);

  // The script was fixed: every trial runs.
  ASSERT_TRUE(core_->CreateStudy(Spec("fixed")).ok());
  Ran fixed = RunCommandStudy("fixed", v2_digest);
  EXPECT_EQ(fixed.ran, 3);
  const v1::Study after_fix = *core_->GetStudy("fixed");
  EXPECT_EQ(after_fix.counts().reused(), 0);
  EXPECT_EQ(after_fix.counts().succeeded(), 3);
  EXPECT_EQ(after_fix.data_digest(), v2_digest);

  // Its results are found by content after a restart.
  Open();
  RegisterCommandWorker();
  ASSERT_TRUE(core_->CreateStudy(Spec("fixed-again")).ok());
  EXPECT_EQ(RunCommandStudy("fixed-again", v2_digest).ran, 0);
  EXPECT_EQ(core_->GetStudy("fixed-again")->counts().reused(), 3);
}

}  // namespace
}  // namespace hyperlab::coordinator
