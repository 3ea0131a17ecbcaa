// The command allowlist: nothing runs without --allow-command; exact programs and directory prefixes by
// canonical path; a symlink out of an allowed directory is refused; the executor fails a refused trial
// with the reason and never starts the program.
#include "worker/command_allowlist.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "worker/command_executor.h"
#include "worker/worker.h"

namespace hyperlab::worker {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class CommandAllowlistTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("allowlist_test_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "models" / "deep");
    fs::create_directories(dir_ / "elsewhere");
    Script(dir_ / "models" / "deep" / "train.sh", "touch \"$0.ran\"; echo 'hyperlab: value=1'");
    Script(dir_ / "elsewhere" / "evil.sh", "touch \"$0.ran\"; echo 'hyperlab: value=1'");
    fs::create_symlink(dir_ / "elsewhere" / "evil.sh", dir_ / "models" / "link.sh");
  }
  void TearDown() override { fs::remove_all(dir_); }
  static void Script(const fs::path& path, const std::string& body) {
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(path, fs::perms::owner_all);
  }
  fs::path dir_;
};

TEST_F(CommandAllowlistTest, EmptyAllowsNothingAndSaysHowToAllow) {
  CommandAllowlist none;
  auto refused = none.Check("sh", "");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("--allow-command PATH"));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("'sh'"));
}

TEST_F(CommandAllowlistTest, DirectoriesAllowWhatIsUnderThemByCanonicalPath) {
  auto allow = CommandAllowlist::Make({(dir_ / "models").string()});
  ASSERT_TRUE(allow.ok()) << allow.status();
  const std::string train = (dir_ / "models" / "deep" / "train.sh").string();
  EXPECT_EQ(*allow->Check(train, ""), fs::canonical(train).string());
  EXPECT_EQ(*allow->Check("deep/train.sh", (dir_ / "models").string()), fs::canonical(train).string())
      << "relative to the working directory";
  auto escaped = allow->Check((dir_ / "models" / "link.sh").string(), "");
  EXPECT_EQ(escaped.status().code(), absl::StatusCode::kPermissionDenied) << "a symlink out of the directory";
  EXPECT_THAT(std::string(escaped.status().message()), HasSubstr("evil.sh"));
  EXPECT_EQ(allow->Check((dir_ / "elsewhere" / "evil.sh").string(), "").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(allow->Check((dir_ / "models" / "missing.sh").string(), "").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(allow->Check((dir_ / "models-sibling").string(), "").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CommandAllowlistTest, ExactProgramsAndPathLookup) {
  auto allow = CommandAllowlist::Make({"/bin/sh"});
  ASSERT_TRUE(allow.ok()) << allow.status();
  auto sh = allow->Check("sh", "");  // Found in PATH, compared by canonical path.
  ASSERT_TRUE(sh.ok()) << sh.status();
  EXPECT_EQ(*sh, fs::canonical("/bin/sh").string());
  EXPECT_EQ(allow->Check("true", "").status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CommandAllowlist::Make({"/nonexistent/prog"}).status().code(), absl::StatusCode::kNotFound);
  auto announced = allow->Announced();
  EXPECT_THAT(announced, ::testing::Contains("/bin/sh"));
  EXPECT_THAT(announced, ::testing::Contains(fs::canonical("/bin/sh").string()));
}

TEST_F(CommandAllowlistTest, ABareNameIsTheProgramInPath) {
  auto allow = CommandAllowlist::Make({"sh"});
  ASSERT_TRUE(allow.ok()) << allow.status();
  auto sh = allow->Check("sh", "");
  ASSERT_TRUE(sh.ok()) << sh.status();
  const std::string where = CommandAllowlist::Resolve("sh", "").value();
  EXPECT_EQ(*sh, where);
  ASSERT_EQ(allow->resolved_names().size(), 1u);
  EXPECT_EQ(allow->resolved_names()[0], (std::pair<std::string, std::string>{"sh", where}));
  EXPECT_EQ(allow->Check("true", "").status().code(), absl::StatusCode::kPermissionDenied);

  auto missing = CommandAllowlist::Make({"no-such-program-anywhere"});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("no program of that name in PATH"));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("no-such-program-anywhere"));
}

class NullContext : public TrialContext {
 public:
  void ReportMeasurement(const v1::Measurement&) override {}
  bool StopRequested() const override { return false; }
};

TEST_F(CommandAllowlistTest, TheExecutorFailsARefusedTrialWithoutRunningIt) {
  const fs::path evil = dir_ / "elsewhere" / "evil.sh";
  v1::Assignment assignment;
  assignment.mutable_objective()->set_metric("value");
  assignment.mutable_task()->mutable_command()->add_argv(evil.string());
  NullContext context;
  CommandExecutorOptions options;
  options.allowlist = *CommandAllowlist::Make({(dir_ / "models").string()});
  TrialOutcome refused = CommandExecutor(options).Run(assignment, context);
  EXPECT_EQ(refused.state, v1::Trial::FAILED);
  EXPECT_THAT(refused.reason, HasSubstr("is not allowed on this worker"));
  TrialOutcome off = CommandExecutor().Run(assignment, context);
  EXPECT_EQ(off.state, v1::Trial::FAILED);
  EXPECT_THAT(off.reason, HasSubstr("the command executor is off on this worker"));
  EXPECT_FALSE(fs::exists(evil.string() + ".ran")) << "a refused program must not start";

  options.allowlist = *CommandAllowlist::Make({evil.string()});
  TrialOutcome allowed = CommandExecutor(options).Run(assignment, context);
  EXPECT_EQ(allowed.state, v1::Trial::SUCCEEDED) << allowed.reason;
  EXPECT_TRUE(fs::exists(evil.string() + ".ran"));
}

TEST_F(CommandAllowlistTest, ConfigureReplacesTheCommandExecutor) {
  std::vector<std::unique_ptr<Executor>> executors = MakeDefaultExecutors();
  const size_t before = executors.size();
  ConfigureCommandExecutor(executors, {.allowlist = *CommandAllowlist::Make({"/bin/sh"})});
  EXPECT_EQ(executors.size(), before);
  for (const auto& e : executors) {
    if (e->Kind() == "command") {
      EXPECT_FALSE(static_cast<CommandExecutor*>(e.get())->allowlist().empty());
    }
  }
}

}  // namespace
}  // namespace hyperlab::worker
