#include "coordinator/lease_id.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"

namespace hyperlab::coordinator {

std::string NewLeaseId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // The CSPRNG cannot fail on a healthy Linux system; a lease id that might be guessable must not exist.
    std::fputs("hyperlab-coordinator: RAND_bytes failed; cannot make a lease id\n", stderr);
    std::abort();
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace hyperlab::coordinator
