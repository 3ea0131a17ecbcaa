#include "worker/train/dense_layer.h"

#include <algorithm>

#include "worker/train/onednn_util.h"

namespace hyperlab::worker::train {
namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using md = dnnl::memory::desc;

}  // namespace

DenseLayer::DenseLayer(int batch, int inputs, int outputs, Activation activation, bool pick_layout)
    : batch_(batch), inputs_(inputs), outputs_(outputs), activation_(activation) {
  if (pick_layout) {
    try {
      Build(true);
      return;
    } catch (const dnnl::error&) {
      // Some layout the forward pass chose has no backward implementation: use plain weights.
    }
  }
  Build(false);
}

md DenseLayer::plain_weights_desc() const { return md({outputs_, inputs_}, dt::f32, tag::oi); }

void DenseLayer::Build(bool pick_layout) {
  const dnnl::engine& eng = CpuEngine();
  const md src({batch_, inputs_}, dt::f32, tag::nc);
  const md dst({batch_, outputs_}, dt::f32, tag::nc);
  const md bias({outputs_}, dt::f32, tag::x);
  const md wanted = pick_layout ? md({outputs_, inputs_}, dt::f32, tag::any) : plain_weights_desc();
  fwd_pd_ = dnnl::inner_product_forward::primitive_desc(
      dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_training, src, wanted, bias, dst),
      ActivationAttr(activation_), eng);
  const md weights = fwd_pd_.weights_desc();
  bwd_data_pd_ = dnnl::inner_product_backward_data::primitive_desc(
      dnnl::inner_product_backward_data::desc(src, weights, dst), UserScratchpadAttr(), eng, fwd_pd_);
  bwd_weights_pd_ = dnnl::inner_product_backward_weights::primitive_desc(
      dnnl::inner_product_backward_weights::desc(src, weights, bias, dst), UserScratchpadAttr(), eng,
      fwd_pd_);
  if (bwd_data_pd_.weights_desc() != weights || bwd_weights_pd_.diff_weights_desc() != weights) {
    throw dnnl::error(dnnl_unimplemented, "backward primitives want another weights layout");
  }
  blocked_ = weights != plain_weights_desc();
  fwd_ = dnnl::inner_product_forward(fwd_pd_);
  bwd_data_ = dnnl::inner_product_backward_data(bwd_data_pd_);
  bwd_weights_ = dnnl::inner_product_backward_weights(bwd_weights_pd_);
  weights_ = dnnl::memory(weights, eng);
  diff_weights_ = dnnl::memory(weights, eng);
  bias_ = dnnl::memory(bias, eng);
  diff_bias_ = dnnl::memory(bias, eng);
  dst_ = dnnl::memory(dst, eng);
  diff_dst_ = dnnl::memory(dst, eng);
  for (dnnl::memory* m : {&weights_, &diff_weights_, &bias_, &diff_bias_, &dst_, &diff_dst_}) {
    std::fill_n(Floats(*m), m->get_desc().get_size() / sizeof(float), 0.f);
  }
}

size_t DenseLayer::ScratchpadBytes() const {
  return std::max({fwd_pd_.scratchpad_desc().get_size(), bwd_data_pd_.scratchpad_desc().get_size(),
                   bwd_weights_pd_.scratchpad_desc().get_size()});
}

void DenseLayer::SetScratchpad(void* buffer) {
  const dnnl::engine& eng = CpuEngine();
  fwd_scratch_ = dnnl::memory(fwd_pd_.scratchpad_desc(), eng, buffer);
  bwd_data_scratch_ = dnnl::memory(bwd_data_pd_.scratchpad_desc(), eng, buffer);
  bwd_weights_scratch_ = dnnl::memory(bwd_weights_pd_.scratchpad_desc(), eng, buffer);
  fwd_args_ = {{DNNL_ARG_SRC, dst_},  // Replaced by each call's source.
               {DNNL_ARG_WEIGHTS, weights_},
               {DNNL_ARG_BIAS, bias_},
               {DNNL_ARG_DST, dst_},
               {DNNL_ARG_SCRATCHPAD, fwd_scratch_}};
  bwd_data_args_ = {{DNNL_ARG_DIFF_DST, diff_dst_},
                    {DNNL_ARG_WEIGHTS, weights_},
                    {DNNL_ARG_DIFF_SRC, dst_},
                    {DNNL_ARG_SCRATCHPAD, bwd_data_scratch_}};
  bwd_weights_args_ = {{DNNL_ARG_SRC, dst_},
                       {DNNL_ARG_DIFF_DST, diff_dst_},
                       {DNNL_ARG_DIFF_WEIGHTS, diff_weights_},
                       {DNNL_ARG_DIFF_BIAS, diff_bias_},
                       {DNNL_ARG_SCRATCHPAD, bwd_weights_scratch_}};
}

void DenseLayer::Forward(dnnl::stream& s, const dnnl::memory& src) {
  fwd_args_[DNNL_ARG_SRC] = src;  // The maps are built once (SetScratchpad); this allocates nothing.
  fwd_.execute(s, fwd_args_);
}

void DenseLayer::BackwardData(dnnl::stream& s, const dnnl::memory& diff_src) {
  bwd_data_args_[DNNL_ARG_DIFF_SRC] = diff_src;
  bwd_data_.execute(s, bwd_data_args_);
}

void DenseLayer::BackwardWeights(dnnl::stream& s, const dnnl::memory& src) {
  bwd_weights_args_[DNNL_ARG_SRC] = src;
  bwd_weights_.execute(s, bwd_weights_args_);
}

}  // namespace hyperlab::worker::train
