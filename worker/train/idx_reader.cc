#include "worker/train/idx_reader.h"

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "searcher/status_macros.h"

namespace hyperlab::worker::train {
namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

// The whole (decompressed) content of a file.
absl::StatusOr<std::vector<uint8_t>> ReadAll(const std::string& path) {
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
  if (!file) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  gzbuffer(file.get(), 1 << 20);
  std::vector<uint8_t> out;
  std::vector<uint8_t> chunk(1 << 20);
  while (true) {
    const int n = gzread(file.get(), chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int err = 0;
      return absl::DataLossError(absl::StrCat(path, ": unreadable: ", gzerror(file.get(), &err)));
    }
    if (n == 0) break;
    out.insert(out.end(), chunk.begin(), chunk.begin() + n);
  }
  return out;
}

uint32_t BigEndian(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// Checks the header of an unsigned-byte IDX file with `dims` dimensions; returns the dimensions.
absl::StatusOr<std::vector<uint32_t>> Header(const std::string& path, const std::vector<uint8_t>& bytes,
                                             int dims) {
  const size_t header = 4 + 4 * dims;
  if (bytes.size() < header) {
    return absl::DataLossError(absl::StrCat(path, ": truncated: ", bytes.size(), " bytes, no IDX header"));
  }
  const uint32_t magic = BigEndian(bytes.data());
  if (magic != 0x800u + dims) {
    return absl::DataLossError(absl::StrCat(path, ": not an IDX file of ", dims,
                                            "-dimensional unsigned bytes (magic 0x", absl::Hex(magic),
                                            ", expected 0x", absl::Hex(0x800 + dims), ")"));
  }
  std::vector<uint32_t> shape;
  size_t expected = 1;
  for (int i = 0; i < dims; ++i) {
    shape.push_back(BigEndian(bytes.data() + 4 + 4 * i));
    expected *= shape.back();
  }
  if (bytes.size() - header != expected) {
    return absl::DataLossError(
        absl::StrCat(path, bytes.size() - header < expected ? ": truncated" : ": too long", ": expected ",
                     expected, " bytes of data, got ", bytes.size() - header));
  }
  return shape;
}

}  // namespace

absl::StatusOr<Examples> ReadIdxPair(const std::string& images_path, const std::string& labels_path,
                                     ImageShape* shape) {
  ASSIGN_OR_RETURN(std::vector<uint8_t> images, ReadAll(images_path));
  ASSIGN_OR_RETURN(std::vector<uint32_t> image_shape, Header(images_path, images, 3));
  ASSIGN_OR_RETURN(std::vector<uint8_t> labels, ReadAll(labels_path));
  ASSIGN_OR_RETURN(std::vector<uint32_t> label_shape, Header(labels_path, labels, 1));
  if (image_shape[0] != label_shape[0]) {
    return absl::DataLossError(absl::StrCat(images_path, " has ", image_shape[0], " images but ", labels_path,
                                            " has ", label_shape[0], " labels"));
  }
  Examples e;
  e.rows = image_shape[0];
  e.cols = int64_t{image_shape[1]} * image_shape[2];
  e.x.assign(images.begin() + 16, images.end());
  e.y.assign(labels.begin() + 8, labels.end());
  if (shape != nullptr) {
    *shape = {1, static_cast<int>(image_shape[1]), static_cast<int>(image_shape[2])};
  }
  return e;
}

}  // namespace hyperlab::worker::train
