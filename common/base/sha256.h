// SHA-256 of byte strings, for the dataset content digests that enter trial fingerprints: OpenSSL's
// libcrypto (EVP), already linked through gRPC, instead of a hand-written one.
//
// Example:
//   Sha256 h;
//   h.Update("abc", 3);
//   std::string hex = h.HexDigest();  // "ba7816bf..."
//
// Thread safety: a Sha256 object is used by one thread at a time; distinct objects are independent.
#ifndef HYPERLAB_COMMON_BASE_SHA256_H_
#define HYPERLAB_COMMON_BASE_SHA256_H_

#include <cstddef>
#include <memory>
#include <string>

struct evp_md_ctx_st;

namespace hyperlab {

class Sha256 {
 public:
  // Aborts the process when libcrypto cannot set up SHA-256 (out of memory or a broken OpenSSL).
  Sha256();
  void Update(const void* data, size_t size);
  // Ends the hash and returns it as 64 lower-case hex digits. The object must not be used afterwards.
  std::string HexDigest();

 private:
  struct Free {
    void operator()(evp_md_ctx_st* context) const;
  };
  std::unique_ptr<evp_md_ctx_st, Free> context_;
};

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_BASE_SHA256_H_
