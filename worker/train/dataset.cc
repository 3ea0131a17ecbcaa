#include "worker/train/dataset.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "worker/train/csv_reader.h"
#include "worker/train/idx_reader.h"
#include "common/base/sha256.h"
#include "worker/train/synthetic_data.h"

namespace hyperlab::worker::train {
namespace {

void HashExamples(Sha256& h, const Examples& e) {
  const int64_t shape[2] = {e.rows, e.cols};
  h.Update(shape, sizeof(shape));
  h.Update(e.x.data(), e.x.size() * sizeof(float));
  h.Update(e.y.data(), e.y.size() * sizeof(float));
}

std::vector<std::string> NumberNames(int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back(absl::StrCat(i));
  return names;
}

int ClassesOf(const Examples& e) {
  float top = 0;
  for (float v : e.y) top = std::max(top, v);
  return static_cast<int>(top) + 1;
}

}  // namespace

std::string ContentDigest(const SourceData& s) {
  Sha256 h;
  const int64_t kind[2] = {s.classes, s.test.has_value()};
  h.Update(kind, sizeof(kind));
  HashExamples(h, s.train);
  if (s.test) HashExamples(h, *s.test);
  return h.HexDigest();
}

size_t MemoryBytes(const Examples& e) { return (e.x.capacity() + e.y.capacity()) * sizeof(float); }

size_t MemoryBytes(const SourceData& s) {
  size_t bytes = sizeof(s) + MemoryBytes(s.train) + (s.test ? MemoryBytes(*s.test) : 0);
  for (const std::string& name : s.class_names) bytes += name.capacity();
  return bytes;
}

absl::StatusOr<SourceData> LoadSource(const v1::TrainData& data, const DataLimits& limits) {
  SourceData s;
  if (data.has_name() || data.has_train_images()) {
    std::string train_images = data.train_images(), train_labels = data.train_labels();
    std::string test_images = data.test_images(), test_labels = data.test_labels();
    if (data.has_name()) {
      if (data.name() != "fashion-mnist") {
        return absl::InvalidArgumentError(absl::StrCat("unknown dataset '", data.name(), "'"));
      }
      const auto files = FashionMnistFiles();
      train_images = files[0];
      train_labels = files[1];
      test_images = files[2];
      test_labels = files[3];
    }
    ASSIGN_OR_RETURN(s.train, ReadIdxPair(train_images, train_labels, &s.image, limits));
    if (!test_images.empty()) {
      ImageShape test_shape;
      ASSIGN_OR_RETURN(s.test, ReadIdxPair(test_images, test_labels, &test_shape, limits));
      if (test_shape.height != s.image.height || test_shape.width != s.image.width) {
        return absl::DataLossError(absl::StrCat(test_images, ": images of ", test_shape.height, "x",
                                                test_shape.width, " pixels; ", train_images, " has ",
                                                s.image.height, "x", s.image.width));
      }
    }
    s.classes = std::max(ClassesOf(s.train), s.test ? ClassesOf(*s.test) : 0);
    s.class_names = NumberNames(s.classes);
    if (data.has_name() && s.classes == 10) {  // The dataset's own names, for confusion matrices.
      s.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                       "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    }
  } else if (data.has_csv()) {
    ASSIGN_OR_RETURN(CsvData csv, ReadCsv(data.csv(), data.label_column(), data.regression(), limits));
    s.train = std::move(csv.examples);
    s.class_names = std::move(csv.class_names);
    s.classes = static_cast<int>(s.class_names.size());
  } else if (data.has_synthetic()) {
    const int classes = data.has_classes()                                              ? data.classes()
                        : (data.synthetic() == "spiral" || data.synthetic() == "blobs") ? 3
                                                                                        : 2;
    ASSIGN_OR_RETURN(s.train, MakeSyntheticSet(data.synthetic(), data.has_samples() ? data.samples() : 1000,
                                               data.has_noise() ? data.noise() : 0.1, classes,
                                               data.has_data_seed() ? data.data_seed() : 1));
    s.classes = classes;
    s.class_names = NumberNames(classes);
  } else {
    return absl::InvalidArgumentError("data: no source (name, train_images, csv or synthetic)");
  }
  s.digest = ContentDigest(s);
  return s;
}

}  // namespace hyperlab::worker::train
