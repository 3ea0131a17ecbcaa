// libFuzzer target: the IDX reader (worker/train/idx_reader.h) on hostile image and label files.
// Input: byte 0 = flags (bit 0: gzip the images file, bit 1: gzip the labels file), bytes 1-2 = length of
// the images file (big-endian), then the images file, then the labels file. Files are read through memfds
// with max_data_file_bytes = 1 MiB.
//
// Properties: no crash, leak, sanitizer report or allocation past the limit; an accepted pair has
// rows x cols features and rows labels, and an image shape whose product is cols; a refusal is NOT_FOUND,
// DATA_LOSS or RESOURCE_EXHAUSTED, one line, and starts with the name of a file.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tools/fuzz/fuzz_file.h"
#include "worker/train/idx_reader.h"

namespace {

using namespace hyperlab;  // NOLINT: a fuzzer's one translation unit.

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "property violated: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t flags = data[0];
  const size_t split = std::min<size_t>(size - 3, (size_t{data[1]} << 8) | data[2]);
  std::string images(reinterpret_cast<const char*>(data) + 3, split);
  std::string labels(reinterpret_cast<const char*>(data) + 3 + split, size - 3 - split);
  if (flags & 1) images = fuzz::Gzip(images);
  if (flags & 2) labels = fuzz::Gzip(labels);
  fuzz::MemoryFile images_file(images), labels_file(labels);
  worker::train::ImageShape shape;
  absl::StatusOr<worker::train::Examples> e =
      worker::train::ReadIdxPair(images_file.path(), labels_file.path(), &shape, {.max_file_bytes = 1 << 20});
  if (e.ok()) {
    if (e->rows < 1 || e->x.size() != static_cast<size_t>(e->rows * e->cols) ||
        e->y.size() != static_cast<size_t>(e->rows) || shape.channels != 1 ||
        int64_t{shape.height} * shape.width != e->cols) {
      Fail("inconsistent examples");
    }
    return 0;
  }
  const absl::StatusCode code = e.status().code();
  const std::string message(e.status().message());
  if (code != absl::StatusCode::kNotFound && code != absl::StatusCode::kDataLoss &&
      code != absl::StatusCode::kResourceExhausted) {
    Fail("unexpected code: " + e.status().ToString());
  }
  if (message.find('\n') != std::string::npos ||
      (message.rfind(images_file.path(), 0) != 0 && message.rfind(labels_file.path(), 0) != 0)) {
    Fail("message does not start with the file's name: " + message);
  }
  return 0;
}
