#include "coordinator/build_info.h"

#include "google/protobuf/stubs/common.h"
#include "grpcpp/grpcpp.h"

#ifndef HYPERLAB_VERSION
#define HYPERLAB_VERSION "unknown"
#endif
#ifndef HYPERLAB_GIT_COMMIT
#define HYPERLAB_GIT_COMMIT "unknown"
#endif
#ifndef HYPERLAB_BUILD_TYPE
#define HYPERLAB_BUILD_TYPE "unknown"
#endif

namespace hyperlab::coordinator {

v1::BuildInfo GetBuildInfo() {
  v1::BuildInfo info;
  info.set_version(HYPERLAB_VERSION);
  info.set_git_commit(HYPERLAB_GIT_COMMIT);
#if defined(__clang__)
  info.set_compiler("clang " __clang_version__);
#elif defined(__GNUC__)
  info.set_compiler("gcc " __VERSION__);
#endif
  info.set_build_type(HYPERLAB_BUILD_TYPE);
  info.set_grpc_version(grpc::Version());
  info.set_protobuf_version(google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION));
  return info;
}

}  // namespace hyperlab::coordinator
