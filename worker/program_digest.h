// The digest of what a command task's trial ran: SHA-256 over the program's file and the files its
// argument templates name (`python3 train.py --lr {lr}`: python3 and train.py), each with its name. The
// worker reports it with every trial (artifact "program_digest"), so the journal records which version of
// a script produced each result, and with a trial leased digest_only instead of running it; the study's
// first digest becomes part of its trials' fingerprints (coordinator/fingerprint.h), so an edited script is
// a new experiment.
//
// Arguments are read as files only when the template (before `{name}` substitution) names an existing
// regular file, relative to the task's working directory; files are opened like data files (regular files
// only: no FIFO or device can stall the worker) and read up to `max_file_bytes` (a bigger one counts by its
// name and size). A file referenced inside an argument (`--config=x.yaml`) or read by the program on its
// own is not covered: version it in the study's `experiment`-style arguments or data.
// Thread safety: pure function (reads files).
#ifndef HYPERLAB_WORKER_PROGRAM_DIGEST_H_
#define HYPERLAB_WORKER_PROGRAM_DIGEST_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab::worker {

inline constexpr uint64_t kMaxDigestedFileBytes = uint64_t{256} << 20;  // 256 MiB

// `program` is argv[0] as the allowlist resolved it (an absolute path). 64 lowercase hex digits.
absl::StatusOr<std::string> ProgramDigest(const std::string& program, const v1::CommandTask& task,
                                          uint64_t max_file_bytes = kMaxDigestedFileBytes);

}  // namespace hyperlab::worker

#endif  // HYPERLAB_WORKER_PROGRAM_DIGEST_H_
