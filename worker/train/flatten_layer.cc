#include "worker/train/flatten_layer.h"

#include <algorithm>

#include "worker/train/onednn_util.h"

namespace hyperlab::worker::train {

FlattenLayer::FlattenLayer(const dnnl::memory::desc& src_desc) {
  using md = dnnl::memory::desc;
  const dnnl::memory::dims d = src_desc.dims();
  if (d.size() != 4) throw dnnl::error(dnnl_invalid_arguments, "flatten: the input must be 4-D");
  features_ = d[1] * d[2] * d[3];
  const dnnl::engine& eng = CpuEngine();
  const md plain4(d, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nchw);
  const md flat({d[0], features_}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nc);
  dst_ = dnnl::memory(flat, eng);
  diff_dst_ = dnnl::memory(flat, eng);
  std::fill_n(Floats(diff_dst_), d[0] * features_, 0.f);
  dst_4d_ = dnnl::memory(plain4, eng, dst_.get_data_handle());
  diff_dst_4d_ = dnnl::memory(plain4, eng, diff_dst_.get_data_handle());
  to_plain_ = dnnl::reorder(dnnl::reorder::primitive_desc(eng, src_desc, eng, plain4));
  from_plain_ = dnnl::reorder(dnnl::reorder::primitive_desc(eng, plain4, eng, src_desc));
}

void FlattenLayer::Forward(dnnl::stream& s, const dnnl::memory& src) {
  to_plain_.execute(s, const_cast<dnnl::memory&>(src), dst_4d_);
}

void FlattenLayer::Backward(dnnl::stream& s, dnnl::memory& diff_src) {
  from_plain_.execute(s, diff_dst_4d_, diff_src);
}

}  // namespace hyperlab::worker::train
