// Lease ids: 128 bits from OpenSSL's CSPRNG, as 32 hex digits.
//
// A lease id is the capability to report and complete a trial (with the worker id that holds it): it must
// not be guessable from other ids (the old ids came from a 32-bit-seeded mt19937_64) and is never shown to
// read roles (study_service.cc clears it).
//
// Thread safety: safe to call concurrently.
#ifndef HYPERLAB_COORDINATOR_LEASE_ID_H_
#define HYPERLAB_COORDINATOR_LEASE_ID_H_

#include <string>

namespace hyperlab::coordinator {

std::string NewLeaseId();

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_LEASE_ID_H_
