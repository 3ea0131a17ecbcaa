// A worker-wide cache of loaded sources and prepared splits, so that data is read once per worker process
// and shared by its trials.
//
// Concurrent requests for the same key wait for one load. Failed loads are not cached (a missing file may
// appear later). Prepared splits are kept for the most recent `max_prepared` keys; trials hold their own
// shared_ptr, so eviction never pulls data from under a running trial.
//
// Thread safety: thread-safe.
#ifndef HYPERLAB_WORKER_TRAIN_DATA_CACHE_H_
#define HYPERLAB_WORKER_TRAIN_DATA_CACHE_H_

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "hyperlab/v1/train.pb.h"
#include "worker/train/dataset.h"
#include "worker/train/prepared_data.h"

namespace hyperlab::worker::train {

class DataCache {
 public:
  explicit DataCache(size_t max_prepared = 8) : max_prepared_(max_prepared) {}

  // The process-wide cache the TrainExecutor uses.
  static DataCache& Default();

  // The source `data` names (its source fields only), loaded on first use. Errors as LoadSource.
  absl::StatusOr<std::shared_ptr<const SourceData>> Source(const v1::TrainData& data);
  // The splits of `data` for `fold`, prepared on first use. Errors as LoadSource and PrepareData.
  absl::StatusOr<std::shared_ptr<const PreparedData>> Prepared(const v1::TrainData& data, int fold);

  // Number of LoadSource calls made so far (for tests).
  int loads() const;

 private:
  template <typename T>
  struct Entry {
    std::mutex mu;
    std::shared_ptr<const T> value;  // Null until loaded.
  };

  template <typename T, typename Load>
  absl::StatusOr<std::shared_ptr<const T>> GetOrLoad(std::map<std::string, std::shared_ptr<Entry<T>>>& map,
                                                     const std::string& key, Load load);

  const size_t max_prepared_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry<SourceData>>> sources_;     // Guarded by mu_.
  std::map<std::string, std::shared_ptr<Entry<PreparedData>>> prepared_;  // Guarded by mu_.
  std::deque<std::string> prepared_order_;                                // Guarded by mu_.
  int loads_ = 0;                                                         // Guarded by mu_.
};

// The content digest (hex SHA-256) of the data a train task names, loading it through
// DataCache::Default(). The coordinator uses it in trial fingerprints.
absl::StatusOr<std::string> DatasetDigest(const v1::TrainData& data);

}  // namespace hyperlab::worker::train

#endif  // HYPERLAB_WORKER_TRAIN_DATA_CACHE_H_
