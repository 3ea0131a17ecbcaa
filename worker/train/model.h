// A fully connected network (the trainer's Network when conv_blocks is 0) for a fixed batch size:
// DenseLayers (hidden ones with the activation fused, dropout after each hidden layer), an identity output
// layer and the loss (softmax cross-entropy, or squared error for regression). No hidden layer = logistic
// (or linear) regression.
//
// One shape per model: a short last batch is padded (rows past `rows` are ignored and get zero
// gradient), so the primitives are created once. Buffers are allocated in Create; Forward and Backward
// allocate nothing.
//
// Example:
//   ASSIGN_OR_RETURN(auto model, Model::Create(spec));
//   copy a batch into model->input() and model->targets();
//   LossResult r = model->Forward(rows, /*training=*/true);
//   model->Backward(rows);  // gradients in model->params()[i].grad
//
// Thread safety: a model is used by one thread at a time (it owns a oneDNN stream).
#ifndef HYPERLAB_WORKER_TRAIN_MODEL_H_
#define HYPERLAB_WORKER_TRAIN_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "oneapi/dnnl/dnnl.hpp"
#include "worker/train/dense_layer.h"
#include "common/spec/knobs.h"
#include "worker/train/loss.h"
#include "worker/train/network.h"

namespace hyperlab::worker::train {

struct ModelSpec {
  int inputs = 0;
  std::vector<int> hidden;
  int outputs = 0;  // Classes, or 1 for regression.
  bool regression = false;
  Activation activation = Activation::kRelu;
  double dropout = 0;
  int batch = 128;
  Init init = Init::kHe;
  double init_stddev = 0.01;
  uint64_t seed = 1;
  // Let oneDNN choose the weights layout (faster); false keeps plain {out, in} weights.
  bool pick_layouts = true;
};

class Model : public Network {
 public:
  // INVALID_ARGUMENT for a bad spec; INTERNAL when oneDNN cannot build the primitives.
  static absl::StatusOr<std::unique_ptr<Model>> Create(const ModelSpec& spec);

  const ModelSpec& spec() const { return spec_; }
  int layers() const { return static_cast<int>(layers_.size()); }
  int batch() const override { return spec_.batch; }
  int input_size() const override { return spec_.inputs; }
  int outputs() const override { return spec_.outputs; }
  // batch x inputs, row-major: the caller writes the batch here.
  float* input() override { return static_cast<float*>(input_.get_data_handle()); }
  // batch targets: class indices as floats, or regression targets.
  float* targets() override { return targets_.data(); }

  // Runs rows [0, rows) of input(); rows past `rows` are padding. `training` turns dropout on (masks from
  // the dropout step, which then advances). Returns the summed data loss and correct count.
  LossResult Forward(int rows, bool training) override;
  // Gradients of the mean data loss of the last training Forward, into params()[i].grad.
  void Backward(int rows) override;
  // batch x outputs after Forward: logits, or predictions for regression.
  const float* output() override;

  std::vector<ParamBuffer>& params() override { return params_; }
  // l1 * sum |w| + l2 / 2 * sum w^2 over the weights.
  double Penalty(double l1, double l2) const override;

  // Layer `layer`'s weights in the plain {outputs, inputs} layout, whatever layout oneDNN chose
  // (initialisation writes them; a test reads them back).
  std::vector<float> PlainWeights(int layer);
  void SetPlainWeights(int layer, const std::vector<float>& values);
  // All parameters in their stored layout (for keeping the best weights while early stopping).
  std::vector<float> Snapshot() const override;
  void Restore(const std::vector<float>& snapshot) override;
  void set_dropout_step(uint64_t step) override { dropout_step_ = step; }
  // True when some layer's weights are in a oneDNN-chosen (blocked) layout.
  bool any_blocked() const;

 private:
  explicit Model(const ModelSpec& spec);
  void Build();
  void Initialize();

  ModelSpec spec_;
  dnnl::stream stream_;
  std::vector<std::unique_ptr<DenseLayer>> layers_;
  dnnl::memory input_;
  std::vector<float> targets_;
  std::vector<dnnl::memory> masked_;       // Hidden layer i's output after dropout.
  std::vector<std::vector<float>> masks_;  // Hidden layer i's dropout mask.
  std::vector<unsigned char> scratchpad_;
  std::vector<ParamBuffer> params_;
  uint64_t dropout_step_ = 0;
  bool last_training_ = false;
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_MODEL_H_
