#include "coordinator/dashboard/static_assets.h"

namespace hyperlab::coordinator::dashboard {

const StaticAsset* FindAsset(std::string_view path) {
  if (path == "/") path = "/index.html";
  size_t count = 0;
  const StaticAsset* assets = DashboardAssets(&count);
  for (size_t i = 0; i < count; ++i) {
    if (assets[i].path == path) return &assets[i];
  }
  return nullptr;
}

}  // namespace hyperlab::coordinator::dashboard
