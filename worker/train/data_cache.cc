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

template <typename T, typename Load>
absl::StatusOr<std::shared_ptr<const T>> DataCache::GetOrLoad(
    std::map<std::string, std::shared_ptr<Entry<T>>>& map, const std::string& key, Load load) {
  std::shared_ptr<Entry<T>> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = map[key];
    if (!slot) slot = std::make_shared<Entry<T>>();
    entry = slot;
  }
  std::lock_guard<std::mutex> lock(entry->mu);
  if (entry->value) return entry->value;
  absl::StatusOr<T> loaded = load();
  if (!loaded.ok()) return loaded.status();
  entry->value = std::make_shared<const T>(*std::move(loaded));
  return entry->value;
}

absl::StatusOr<std::shared_ptr<const SourceData>> DataCache::Source(const v1::TrainData& data) {
  return GetOrLoad(sources_, SourceKey(data), [&]() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++loads_;
    }
    return LoadSource(data);
  });
}

absl::StatusOr<std::shared_ptr<const PreparedData>> DataCache::Prepared(const v1::TrainData& data, int fold) {
  const std::string key = absl::StrCat(fold, ":", data.SerializeAsString());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (prepared_.find(key) == prepared_.end()) {
      prepared_order_.push_back(key);
      while (prepared_order_.size() > max_prepared_) {
        prepared_.erase(prepared_order_.front());
        prepared_order_.pop_front();
      }
    }
  }
  return GetOrLoad(prepared_, key, [&]() -> absl::StatusOr<PreparedData> {
    absl::StatusOr<std::shared_ptr<const SourceData>> source = Source(data);
    if (!source.ok()) return source.status();
    return PrepareData(**source, data, fold);
  });
}

int DataCache::loads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loads_;
}

absl::StatusOr<std::string> DatasetDigest(const v1::TrainData& data) {
  absl::StatusOr<std::shared_ptr<const SourceData>> source = DataCache::Default().Source(data);
  if (!source.ok()) return source.status();
  return (*source)->digest;
}

}  // namespace hyperlab::worker::train
