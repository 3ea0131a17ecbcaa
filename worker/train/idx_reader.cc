#include "worker/train/idx_reader.h"

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/status_macros.h"
#include "worker/train/data_file_reader.h"

namespace hyperlab::worker::train {
namespace {

uint32_t BigEndian(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

struct IdxFile {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;
};

// Reads an unsigned-byte IDX file of `dims` dimensions: header first, then exactly the bytes it announces.
absl::StatusOr<IdxFile> ReadIdx(const std::string& path, int dims, const DataLimits& limits) {
  ASSIGN_OR_RETURN(DataFileReader reader, DataFileReader::Open(path, limits));
  const size_t header_size = 4 + 4 * static_cast<size_t>(dims);
  uint8_t header[4 + 4 * 3];
  ASSIGN_OR_RETURN(size_t got, reader.ReadFully(header, header_size));
  if (got < header_size) {
    return absl::DataLossError(
        absl::StrCat(path, ": truncated: ", got, " bytes, shorter than an IDX header of ", header_size));
  }
  if (BigEndian(header) != 0x800u + dims) {
    return absl::DataLossError(absl::StrCat(path, ": not an IDX file of ", dims,
                                            "-dimensional unsigned bytes (wrong magic number)"));
  }
  IdxFile out;
  uint64_t expected = 1;
  bool overflow = false;
  for (int i = 0; i < dims; ++i) {
    out.dims.push_back(BigEndian(header + 4 + 4 * i));
    overflow = overflow || __builtin_mul_overflow(expected, uint64_t{out.dims.back()}, &expected);
  }
  const std::string shape = absl::StrJoin(out.dims, " x ");
  if (overflow || expected > limits.max_file_bytes - std::min<uint64_t>(limits.max_file_bytes, header_size)) {
    return absl::ResourceExhaustedError(absl::StrCat(path, ": the header's dimensions ", shape, " make ",
                                                     overflow ? "more than 2^64" : absl::StrCat(expected),
                                                     " bytes of data, over the limit ",
                                                     "max_data_file_bytes = ", limits.max_file_bytes));
  }
  for (int i = 0; i < dims; ++i) {
    if (out.dims[i] == 0) {
      return absl::DataLossError(absl::StrCat(path, ": dimension ", i + 1, " of ", shape, " is empty"));
    }
    if (i > 0 && out.dims[i] > kMaxIdxImageSide) {
      return absl::DataLossError(
          absl::StrCat(path, ": images of ", shape, ": a side over ", kMaxIdxImageSide, " pixels"));
    }
  }
  out.data.resize(expected);
  ASSIGN_OR_RETURN(got, reader.ReadFully(out.data.data(), out.data.size()));
  if (got < expected) {
    return absl::DataLossError(
        absl::StrCat(path, ": truncated: expected ", expected, " bytes of data, got ", got));
  }
  uint8_t extra;
  ASSIGN_OR_RETURN(got, reader.ReadFully(&extra, 1));
  if (got != 0) {
    return absl::DataLossError(
        absl::StrCat(path, ": too long: more than the ", expected, " bytes of data its header says"));
  }
  return out;
}

}  // namespace

absl::StatusOr<Examples> ReadIdxPair(const std::string& images_path, const std::string& labels_path,
                                     ImageShape* shape, const DataLimits& limits) {
  ASSIGN_OR_RETURN(IdxFile images, ReadIdx(images_path, 3, limits));
  ASSIGN_OR_RETURN(IdxFile labels, ReadIdx(labels_path, 1, limits));
  if (images.dims[0] != labels.dims[0]) {
    return absl::DataLossError(absl::StrCat(images_path, " has ", images.dims[0], " images but ", labels_path,
                                            " has ", labels.dims[0], " labels"));
  }
  Examples e;
  e.rows = images.dims[0];
  e.cols = int64_t{images.dims[1]} * images.dims[2];
  e.x.assign(images.data.begin(), images.data.end());
  e.y.assign(labels.data.begin(), labels.data.end());
  if (shape != nullptr) {
    *shape = {1, static_cast<int>(images.dims[1]), static_cast<int>(images.dims[2])};
  }
  return e;
}

}  // namespace hyperlab::worker::train
