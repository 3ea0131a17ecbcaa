// What binary is running: version, git commit, compiler, build type and library versions, fixed at build
// time (coordinator/CMakeLists.txt passes them in). Shown by `hyperlab admin status`.
// Thread safety: pure function.
#ifndef HYPERLAB_COORDINATOR_BUILD_INFO_H_
#define HYPERLAB_COORDINATOR_BUILD_INFO_H_

#include "hyperlab/v1/services.pb.h"

namespace hyperlab::coordinator {

v1::BuildInfo GetBuildInfo();

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_BUILD_INFO_H_
