// SHA-256 of byte strings, for the dataset content digest that enters trial fingerprints.
//
// Debian's Abseil has no cryptographic hash and the trainer should not pull in a TLS library for one, so
// this is the FIPS 180-4 algorithm in a few lines (checked against its test vectors in the tests).
//
// Thread safety: a Sha256 object is used by one thread at a time; distinct objects are independent.
#ifndef HYPERLAB_WORKER_TRAIN_SHA256_H_
#define HYPERLAB_WORKER_TRAIN_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace hyperlab::worker::train {

class Sha256 {
 public:
  Sha256();
  void Update(const void* data, size_t size);
  // Ends the hash and returns it as 64 lower-case hex digits. The object must not be used afterwards.
  std::string HexDigest();

 private:
  void Block(const uint8_t* block);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;
};

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_SHA256_H_
