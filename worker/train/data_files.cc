#include "worker/train/data_files.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "worker/train/sha256.h"

namespace hyperlab::worker::train {

std::array<std::string, 4> FashionMnistFiles() {
  const std::string dir = kFashionMnistDir;
  return {dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz",
          dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz"};
}

std::vector<std::string> DataFiles(const v1::TrainData& data) {
  if (data.has_name()) {
    const auto files = FashionMnistFiles();
    return {files.begin(), files.end()};
  }
  std::vector<std::string> out;
  for (const std::string* f :
       {&data.train_images(), &data.train_labels(), &data.test_images(), &data.test_labels(), &data.csv()}) {
    if (!f->empty()) out.push_back(*f);
  }
  return out;
}

absl::StatusOr<std::string> DataFilesDigest(const v1::TrainData& data) {
  const std::vector<std::string> files = DataFiles(data);
  if (files.empty()) return std::string();
  Sha256 sha;
  std::vector<char> buffer(1 << 20);
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      sha.Update(buffer.data(), static_cast<size_t>(in.gcount()));
    }
  }
  return sha.HexDigest();
}

}  // namespace hyperlab::worker::train
