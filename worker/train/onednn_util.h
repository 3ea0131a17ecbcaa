// Small helpers around oneDNN shared by the layers: the process's CPU engine, the post-op algorithm of an
// activation, and copying between plain float vectors and memory objects of any layout.
//
// Thread safety: CpuEngine() is safe to call from any thread (oneDNN engines may be shared); the copy
// helpers run on the caller's stream and must not race with other users of that stream.
#ifndef HYPERLAB_WORKER_TRAIN_ONEDNN_UTIL_H_
#define HYPERLAB_WORKER_TRAIN_ONEDNN_UTIL_H_

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/spec/knobs.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace hyperlab::worker::train {

const dnnl::engine& CpuEngine();

// The eltwise algorithm of an activation (kIdentity has none: callers skip it).
dnnl::algorithm EltwiseAlgorithm(Activation a);
// Attributes with a user-managed scratchpad and, unless kIdentity, the activation as an eltwise post-op.
dnnl::primitive_attr ActivationAttr(Activation a);
// Attributes with a user-managed scratchpad only.
dnnl::primitive_attr UserScratchpadAttr();

// Reorders `from` (any layout) into a plain row-major vector.
std::vector<float> ToPlain(dnnl::stream& stream, const dnnl::memory& from, const dnnl::memory::desc& plain);
// Reorders a plain row-major vector into `to` (any layout).
void FromPlain(dnnl::stream& stream, const std::vector<float>& values, const dnnl::memory::desc& plain,
               dnnl::memory& to);

// Runs `build`, which creates oneDNN primitives; a dnnl::error it throws becomes INTERNAL "oneDNN cannot
// build <what>: <oneDNN's message>" (how a network's Create reports primitives oneDNN cannot make).
absl::Status BuildPrimitives(absl::string_view what, absl::FunctionRef<void()> build);

inline float* Floats(const dnnl::memory& m) { return static_cast<float*>(m.get_data_handle()); }

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_ONEDNN_UTIL_H_
