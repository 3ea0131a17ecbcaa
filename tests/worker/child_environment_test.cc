#include "worker/child_environment.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperlab::worker {
namespace {

using ::testing::HasSubstr;

TEST(ChildEnvironmentTest, OrdinaryNamesPassAndHooksAreRefused) {
  const ChildEnvironmentPolicy policy;
  for (const char* name : {"SIDE_LOG", "SEED", "OMP_NUM_THREADS", "CUDA_VISIBLE_DEVICES", "MY_VAR_2", "_X"}) {
    EXPECT_TRUE(CheckStudyEnvName(name, policy).ok()) << name;
  }
  for (const char* name : {"LD_AUDIT",
                           "DYLD_INSERT_LIBRARIES",
                           "MALLOC_CHECK_",
                           "GLIBC_TUNABLES",
                           "BASH_ENV",
                           "ENV",
                           "PYTHONHOME",
                           "PERL5LIB",
                           "RUBYLIB",
                           "NODE_PATH",
                           "JAVA_HOME",
                           "_JAVA_OPTIONS",
                           "CLASSPATH",
                           "PATH",
                           "HOME",
                           "XDG_CONFIG_HOME",
                           "GIT_SSH_COMMAND",
                           "SSL_CERT_FILE",
                           "ALL_PROXY",
                           "ASAN_OPTIONS",
                           "MAVEN_OPTS",
                           "R_PROFILE",
                           "HYPERLAB_TOKEN"}) {
    absl::Status s = CheckStudyEnvName(name, policy);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(s.message(), HasSubstr(std::string("variable '") + name + "' is refused")) << name;
  }
  for (const char* name : {"", "1ABC", "lower", "A-B", "A=B", "A B"}) {
    EXPECT_EQ(CheckStudyEnvName(name, policy).code(), absl::StatusCode::kInvalidArgument) << name;
  }
}

TEST(ChildEnvironmentTest, OperatorAllowsByExactNameButNeverHyperlabNames) {
  ChildEnvironmentPolicy policy;
  policy.allow_env = {"LD_LIBRARY_PATH"};
  EXPECT_TRUE(CheckStudyEnvName("LD_LIBRARY_PATH", policy).ok());
  EXPECT_FALSE(CheckStudyEnvName("LD_PRELOAD", policy).ok());
  EXPECT_TRUE(CheckPolicy(policy).ok());
  policy.allow_env = {"HYPERLAB_TOKEN"};
  EXPECT_EQ(CheckPolicy(policy).code(), absl::StatusCode::kInvalidArgument);
  policy.allow_env = {};
  policy.pass_env = {"HYPERLAB_TOKEN"};
  EXPECT_THAT(CheckPolicy(policy).message(), HasSubstr("never passed to trials"));
}

TEST(ChildEnvironmentTest, BuiltFromTheMinimalSetOnly) {
  const char* parent[] = {"HOME=/home/w", "LANG=C.UTF-8",
                          "LC_TIME=C",    "PATH=/opt/worker/bin",
                          "SECRET=1",     "HYPERLAB_TOKEN=abc",
                          "KEEP=yes",     "KEEP_TOKEN=x-abc-y",
                          "TZ=UTC",       nullptr};
  ChildEnvironmentPolicy policy;
  policy.pass_env = {"KEEP", "KEEP_TOKEN"};
  policy.secrets = {"abc"};
  google::protobuf::Map<std::string, std::string> study;
  study["SEED"] = "3";
  absl::StatusOr<std::vector<std::string>> env =
      BuildChildEnvironment(policy, parent, study, {{"HYPERLAB_TRIAL_ID", "7"}});
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_THAT(*env, ::testing::ElementsAre("HOME=/home/w", "HYPERLAB_TRIAL_ID=7", "KEEP=yes", "LANG=C.UTF-8",
                                           "LC_TIME=C", "PATH=/opt/worker/bin", "SEED=3", "TZ=UTC"));
  const char* no_path[] = {"HOME=/home/w", nullptr};
  EXPECT_THAT(*BuildChildEnvironment(policy, no_path, {}, {}),
              ::testing::ElementsAre("HOME=/home/w", std::string("PATH=") + kDefaultChildPath));
  study["BAD"] = std::string("a\0b", 3);
  EXPECT_THAT(BuildChildEnvironment(policy, parent, study, {}).status().message(),
              HasSubstr("the value of 'BAD' contains a NUL character"));
}

}  // namespace
}  // namespace hyperlab::worker
