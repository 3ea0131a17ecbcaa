#include "worker/train/onednn_util.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace hyperlab::worker::train {

const dnnl::engine& CpuEngine() {
  static const auto* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *engine;
}

dnnl::algorithm EltwiseAlgorithm(Activation a) {
  switch (a) {
    case Activation::kRelu:
      return dnnl::algorithm::eltwise_relu;
    case Activation::kSigmoid:
      return dnnl::algorithm::eltwise_logistic;
    case Activation::kTanh:
      return dnnl::algorithm::eltwise_tanh;
    case Activation::kIdentity:
      break;
  }
  return dnnl::algorithm::eltwise_linear;
}

dnnl::primitive_attr ActivationAttr(Activation a) {
  dnnl::primitive_attr attr = UserScratchpadAttr();
  dnnl::post_ops ops;
  if (a != Activation::kIdentity) ops.append_eltwise(1.f, EltwiseAlgorithm(a), 0.f, 0.f);
  attr.set_post_ops(ops);
  return attr;
}

dnnl::primitive_attr UserScratchpadAttr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

std::vector<float> ToPlain(dnnl::stream& stream, const dnnl::memory& from, const dnnl::memory::desc& plain) {
  dnnl::memory out(plain, CpuEngine());
  dnnl::reorder(from, out).execute(stream, const_cast<dnnl::memory&>(from), out);
  stream.wait();
  const float* p = Floats(out);
  return std::vector<float>(p, p + plain.get_size() / sizeof(float));
}

void FromPlain(dnnl::stream& stream, const std::vector<float>& values, const dnnl::memory::desc& plain,
               dnnl::memory& to) {
  dnnl::memory in(plain, CpuEngine());
  std::copy(values.begin(), values.end(), Floats(in));
  // Zero first so that padding of blocked layouts stays zero.
  std::fill_n(Floats(to), to.get_desc().get_size() / sizeof(float), 0.f);
  dnnl::reorder(in, to).execute(stream, in, to);
  stream.wait();
}

absl::Status BuildPrimitives(absl::string_view what, absl::FunctionRef<void()> build) {
  try {
    build();
  } catch (const dnnl::error& e) {
    return absl::InternalError(absl::StrCat("oneDNN cannot build ", what, ": ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace hyperlab::worker::train
