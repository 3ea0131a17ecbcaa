#include "worker/train/data_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace hyperlab::worker::train {
namespace {

// The key of a source: its source fields only.
std::string SourceKey(const v1::TrainData& d) {
  v1::TrainData k;
  if (d.has_name()) k.set_name(d.name());
  if (d.has_train_images()) k.set_train_images(d.train_images());
  if (d.has_train_labels()) k.set_train_labels(d.train_labels());
  if (d.has_test_images()) k.set_test_images(d.test_images());
  if (d.has_test_labels()) k.set_test_labels(d.test_labels());
  if (d.has_csv()) k.set_csv(d.csv());
  if (d.has_label_column()) k.set_label_column(d.label_column());
  if (d.has_regression()) k.set_regression(d.regression());
  if (d.has_synthetic()) k.set_synthetic(d.synthetic());
  if (d.has_samples()) k.set_samples(d.samples());
  if (d.has_noise()) k.set_noise(d.noise());
  if (d.has_classes()) k.set_classes(d.classes());
  if (d.has_data_seed()) k.set_data_seed(d.data_seed());
  return k.SerializeAsString();
}

}  // namespace

DataCache& DataCache::Default() {
  static auto* cache = new DataCache();
  return *cache;
}

void DataCache::TouchLocked(Entry& entry) {
  if (entry.listed) lru_.splice(lru_.begin(), lru_, entry.lru);
}

void DataCache::EvictLocked() {
  while (bytes_ > options_.max_bytes && !lru_.empty()) {
    auto it = entries_.find(lru_.back());
    lru_.pop_back();
    if (it == entries_.end()) continue;
    bytes_ -= it->second->bytes;
    it->second->listed = false;
    entries_.erase(it);
  }
}

template <typename T, typename Load, typename Bytes>
absl::StatusOr<std::shared_ptr<const T>> DataCache::GetOrLoad(const std::string& key, Load load,
                                                              Bytes bytes_of) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = entries_[key];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
    if (entry->value) {
      TouchLocked(*entry);
      return std::static_pointer_cast<const T>(entry->value);
    }
  }
  std::lock_guard<std::mutex> load_lock(entry->load_mu);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (entry->value) return std::static_pointer_cast<const T>(entry->value);
  }
  absl::StatusOr<T> loaded = load();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  const bool ours = it != entries_.end() && it->second == entry;
  if (!loaded.ok()) {
    if (ours) entries_.erase(it);  // Not cached: the next request loads again.
    return loaded.status();
  }
  auto value = std::make_shared<const T>(*std::move(loaded));
  if (ours) {
    entry->value = value;
    entry->bytes = bytes_of(*value) + key.size();
    lru_.push_front(key);
    entry->lru = lru_.begin();
    entry->listed = true;
    bytes_ += entry->bytes;
    EvictLocked();
  }
  return std::shared_ptr<const T>(value);
}

absl::StatusOr<std::shared_ptr<const SourceData>> DataCache::Source(const v1::TrainData& data) {
  return GetOrLoad<SourceData>(
      absl::StrCat("source:", SourceKey(data)),
      [&]() {
        {
          std::lock_guard<std::mutex> lock(mu_);
          ++loads_;
        }
        return LoadSource(data, options_.limits);
      },
      [](const SourceData& s) { return MemoryBytes(s); });
}

absl::StatusOr<std::shared_ptr<const PreparedData>> DataCache::Prepared(const v1::TrainData& data, int fold) {
  return GetOrLoad<PreparedData>(
      absl::StrCat("prepared:", fold, ":", data.SerializeAsString()),
      [&]() -> absl::StatusOr<PreparedData> {
        absl::StatusOr<std::shared_ptr<const SourceData>> source = Source(data);
        if (!source.ok()) return source.status();
        return PrepareData(**source, data, fold);
      },
      [](const PreparedData& d) {
        size_t bytes = sizeof(d) + MemoryBytes(d.train) + MemoryBytes(d.dev) + MemoryBytes(d.test);
        for (const std::string& name : d.class_names) bytes += name.capacity();
        return bytes;
      });
}

int DataCache::loads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loads_;
}

size_t DataCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t DataCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

absl::StatusOr<std::string> DatasetDigest(const v1::TrainData& data) {
  absl::StatusOr<std::shared_ptr<const SourceData>> source = DataCache::Default().Source(data);
  if (!source.ok()) return source.status();
  return (*source)->digest;
}

}  // namespace hyperlab::worker::train
