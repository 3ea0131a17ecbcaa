// A worker-wide cache of loaded sources and prepared splits, so that data is read once per worker process
// and shared by its trials, within a memory budget.
//
// Concurrent requests for the same key wait for one load. Failed loads are not cached (a missing file may
// appear later). Sources and prepared splits share one budget of bytes (DataCacheOptions::max_bytes,
// hyperlab-worker --data-cache-mb): past it, the least recently used entries are evicted; an entry larger
// than the whole budget is handed to its caller and not kept. Trials hold their own shared_ptr, so eviction
// never pulls data from under a running trial (the memory goes when its last trial ends).
//
// Thread safety: thread-safe.
#ifndef HYPERLAB_WORKER_TRAIN_DATA_CACHE_H_
#define HYPERLAB_WORKER_TRAIN_DATA_CACHE_H_

#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "hyperlab/v1/train.pb.h"
#include "common/spec/data_files.h"
#include "worker/train/dataset.h"
#include "worker/train/prepared_data.h"

namespace hyperlab::worker::train {

// The cache's default budget: 1 GiB.
inline constexpr size_t kDefaultDataCacheBytes = size_t{1} << 30;

struct DataCacheOptions {
  // Bytes of loaded data kept (sources and prepared splits together). Default kDefaultDataCacheBytes.
  size_t max_bytes = kDefaultDataCacheBytes;
  // Bounds on what one load may read. Default: DataLimits' defaults.
  DataLimits limits;
};

class DataCache {
 public:
  explicit DataCache(DataCacheOptions options = {}) : options_(options) {}

  // The process-wide cache with default options (the coordinator's digests, benches).
  static DataCache& Default();

  // The source `data` names (its source fields only), loaded on first use. Errors as LoadSource.
  absl::StatusOr<std::shared_ptr<const SourceData>> Source(const v1::TrainData& data);
  // The splits of `data` for `fold`, prepared on first use. Errors as LoadSource and PrepareData.
  absl::StatusOr<std::shared_ptr<const PreparedData>> Prepared(const v1::TrainData& data, int fold);

  // Number of LoadSource calls made so far (for tests).
  int loads() const;
  // Bytes held by the cached entries, and their number.
  size_t bytes() const;
  size_t entries() const;

 private:
  struct Entry {
    std::mutex load_mu;                    // Held while loading.
    std::shared_ptr<const void> value;     // Null until loaded. Guarded by DataCache::mu_.
    size_t bytes = 0;                      // Guarded by DataCache::mu_.
    bool listed = false;                   // In lru_. Guarded by DataCache::mu_.
    std::list<std::string>::iterator lru;  // Guarded by DataCache::mu_.
  };

  template <typename T, typename Load, typename Bytes>
  absl::StatusOr<std::shared_ptr<const T>> GetOrLoad(const std::string& key, Load load, Bytes bytes_of);
  void TouchLocked(Entry& entry);
  void EvictLocked();

  const DataCacheOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // Guarded by mu_.
  std::list<std::string> lru_;                             // Most recently used first. Guarded by mu_.
  size_t bytes_ = 0;                                       // Guarded by mu_.
  int loads_ = 0;                                          // Guarded by mu_.
};

// The content digest (hex SHA-256) of the data a train task names, loading it through
// DataCache::Default(). The coordinator uses it in trial fingerprints.
absl::StatusOr<std::string> DatasetDigest(const v1::TrainData& data);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_DATA_CACHE_H_
