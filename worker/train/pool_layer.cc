#include "worker/train/pool_layer.h"

#include <algorithm>

#include "worker/train/onednn_util.h"

namespace hyperlab::worker::train {
namespace {

using md = dnnl::memory::desc;

}  // namespace

PoolLayer::PoolLayer(const md& src_desc, Pooling kind, int window, int stride) : kind_(kind) {
  const dnnl::memory::dims dims = src_desc.dims();
  if (kind == Pooling::kNone || dims.size() != 4 || dims[2] < window || dims[3] < window) {
    throw dnnl::error(dnnl_invalid_arguments, "pooling: no pooling kind, or a window larger than the input");
  }
  out_h_ = static_cast<int>((dims[2] - window) / stride + 1);
  out_w_ = static_cast<int>((dims[3] - window) / stride + 1);
  const dnnl::engine& eng = CpuEngine();
  const dnnl::algorithm alg =
      kind == Pooling::kMax ? dnnl::algorithm::pooling_max : dnnl::algorithm::pooling_avg_exclude_padding;
  const md any_dst({dims[0], dims[1], out_h_, out_w_}, dnnl::memory::data_type::f32,
                   dnnl::memory::format_tag::any);
  const dnnl::memory::dims strides = {stride, stride}, kernel = {window, window}, pad = {0, 0};
  fwd_pd_ = dnnl::pooling_forward::primitive_desc(
      dnnl::pooling_forward::desc(dnnl::prop_kind::forward_training, alg, src_desc, any_dst, strides, kernel,
                                  pad, pad),
      eng);
  const md dst = fwd_pd_.dst_desc();
  bwd_pd_ = dnnl::pooling_backward::primitive_desc(
      dnnl::pooling_backward::desc(alg, src_desc, dst, strides, kernel, pad, pad), eng, fwd_pd_);
  fwd_ = dnnl::pooling_forward(fwd_pd_);
  bwd_ = dnnl::pooling_backward(bwd_pd_);
  dst_ = dnnl::memory(dst, eng);
  diff_dst_ = dnnl::memory(dst, eng);
  std::fill_n(Floats(diff_dst_), dst_floats(), 0.f);
  fwd_args_ = {{DNNL_ARG_SRC, dst_}, {DNNL_ARG_DST, dst_}};  // SRC is set per call.
  bwd_args_ = {{DNNL_ARG_DIFF_DST, diff_dst_}, {DNNL_ARG_DIFF_SRC, diff_dst_}};
  if (kind == Pooling::kMax) {
    workspace_ = dnnl::memory(fwd_pd_.workspace_desc(), eng);
    fwd_args_[DNNL_ARG_WORKSPACE] = workspace_;
    bwd_args_[DNNL_ARG_WORKSPACE] = workspace_;
  }
}

void PoolLayer::Forward(dnnl::stream& s, const dnnl::memory& src) {
  fwd_args_[DNNL_ARG_SRC] = src;
  fwd_.execute(s, fwd_args_);
}

void PoolLayer::Backward(dnnl::stream& s, dnnl::memory& diff_src) {
  bwd_args_[DNNL_ARG_DIFF_SRC] = diff_src;
  bwd_.execute(s, bwd_args_);
}

}  // namespace hyperlab::worker::train
