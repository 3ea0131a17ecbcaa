// The program digest covers the program and the files its argument templates name, changes when any of
// them changes, ignores placeholders and options, and cannot be stalled by a FIFO.
#include "worker/program_digest.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "tests/testing/test_dir.h"

namespace hyperlab::worker {
namespace {

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

v1::CommandTask Task(const std::string& dir, std::vector<std::string> argv) {
  v1::CommandTask task;
  for (const std::string& a : argv) task.add_argv(a);
  task.set_working_dir(dir);
  return task;
}

TEST(ProgramDigestTest, FollowsTheProgramAndTheScriptItRuns) {
  const std::string dir = hyperlab::testing::FreshTestDir("program_digest_test");
  std::filesystem::create_directories(dir);
  Write(dir + "/interpreter", "#!/bin/sh\n");
  Write(dir + "/train.py", "print('hyperlab: value=1')\n");
  const v1::CommandTask task = Task(dir, {"interpreter", "train.py", "--lr", "{lr}", "-v"});
  const std::string program = dir + "/interpreter";
  const std::string first = ProgramDigest(program, task).value();
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(ProgramDigest(program, task).value(), first);  // Deterministic.

  Write(dir + "/train.py", "print('hyperlab: value=2')\n");  // The script was fixed.
  const std::string fixed = ProgramDigest(program, task).value();
  EXPECT_NE(fixed, first);
  Write(dir + "/interpreter", "#!/bin/bash\n");  // The interpreter changed.
  EXPECT_NE(ProgramDigest(program, task).value(), fixed);

  // The same content under another script name is another command line, hence another digest.
  std::filesystem::copy_file(dir + "/train.py", dir + "/other.py");
  EXPECT_NE(ProgramDigest(program, Task(dir, {"interpreter", "other.py"})).value(),
            ProgramDigest(program, Task(dir, {"interpreter", "train.py"})).value());
  EXPECT_EQ(ProgramDigest(dir + "/missing", task).status().code(), absl::StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(ProgramDigestTest, AFifoOrABigFileCannotStallIt) {
  const std::string dir = hyperlab::testing::FreshTestDir("program_digest_fifo");
  std::filesystem::create_directories(dir);
  Write(dir + "/prog", "x");
  ASSERT_EQ(mkfifo((dir + "/pipe").c_str(), 0600), 0);
  const std::string with_fifo = ProgramDigest(dir + "/prog", Task(dir, {"prog", "pipe"})).value();
  EXPECT_EQ(with_fifo, ProgramDigest(dir + "/prog", Task(dir, {"prog"})).value());  // Not a file: skipped.

  Write(dir + "/big", std::string(4096, 'a'));
  const std::string big = ProgramDigest(dir + "/prog", Task(dir, {"prog", "big"}), 1024).value();
  Write(dir + "/big", std::string(4096, 'b'));  // Past the limit only the size counts.
  EXPECT_EQ(ProgramDigest(dir + "/prog", Task(dir, {"prog", "big"}), 1024).value(), big);
  Write(dir + "/big", std::string(5000, 'b'));
  EXPECT_NE(ProgramDigest(dir + "/prog", Task(dir, {"prog", "big"}), 1024).value(), big);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hyperlab::worker
