#include "lab/plot/raster.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"

extern char** environ;

namespace hyperlab::plot {
namespace {

constexpr char kPngSignature[] = "\x89PNG\r\n\x1a\n";

// The executable `name` in one of the directories of `search_path`, or nullopt.
std::optional<std::string> FindProgram(const std::string& name, const std::string& search_path) {
  for (absl::string_view dir : absl::StrSplit(search_path, ':', absl::SkipEmpty())) {
    const std::string path = absl::StrCat(dir, "/", name);
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return std::nullopt;
}

// The number in attribute `name` of the root <svg> element.
std::optional<double> RootAttribute(const std::string& svg, const std::string& name) {
  const size_t open = svg.find("<svg");
  if (open == std::string::npos) return std::nullopt;
  const size_t close = svg.find('>', open);
  const std::string tag = svg.substr(open, close == std::string::npos ? std::string::npos : close - open);
  const std::string key = absl::StrCat(" ", name, "=\"");
  const size_t at = tag.find(key);
  if (at == std::string::npos) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(tag.c_str() + at + key.size(), &end);
  if (end == tag.c_str() + at + key.size() || !(v > 0) || v > 20000) return std::nullopt;
  return v;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Tail(const std::string& text, size_t n) {
  const std::string t(absl::StripTrailingAsciiWhitespace(text));
  return t.size() > n ? absl::StrCat("...", t.substr(t.size() - n)) : t;
}

// Runs `argv` with `env` extra variables, its output to `log`, in its own process group (Chromium starts
// helpers; a timeout kills them all). Returns the exit status, or an error on spawn failure or timeout.
absl::StatusOr<int> Run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                        const std::string& log, int timeout_seconds) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings = env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const absl::string_view var(*e);
    bool replaced = false;
    for (const std::string& mine : env) {
      replaced |= absl::StartsWith(var, mine.substr(0, mine.find('=') + 1));
    }
    if (!replaced) env_strings.emplace_back(var);
  }
  std::vector<char*> envp;
  for (const std::string& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&files, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  const int err = posix_spawn(&pid, args[0], &files, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  if (err != 0) return absl::InternalError(absl::StrCat("cannot start ", argv[0], ": ", std::strerror(err)));

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR)
      return absl::InternalError(absl::StrCat("waiting for ", argv[0], " failed"));
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return absl::InternalError(absl::StrCat(argv[0], " did not finish within ", timeout_seconds, " s"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pid, SIGKILL);  // Helpers the renderer left behind, if any.
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A temporary directory removed when it goes out of scope.
class TempDir {
 public:
  static absl::StatusOr<TempDir> Make() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hyperlab-png-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return absl::InternalError(absl::StrCat("cannot create a temporary directory: ", std::strerror(errno)));
    }
    return TempDir(pattern);
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  std::filesystem::path path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The size of the picture: the SVG's own width and height, and the PNG's in pixels at the scale asked for.
struct Geometry {
  double svg_width = 0, svg_height = 0;
  int width = 0, height = 0;
};

absl::StatusOr<Geometry> PngGeometry(const std::string& svg, const RasterOptions& options) {
  const std::optional<double> svg_width = RootAttribute(svg, "width"),
                              svg_height = RootAttribute(svg, "height");
  if (!svg_width || !svg_height) {
    return absl::InvalidArgumentError(
        "the SVG has no width and height on its root element; cannot size a PNG");
  }
  if (!(options.scale > 0) || options.scale > 8) {
    return absl::InvalidArgumentError(absl::StrCat("scale must be in (0, 8]; got ", options.scale));
  }
  Geometry g;
  g.svg_width = *svg_width;
  g.svg_height = *svg_height;
  g.width = static_cast<int>(std::ceil(*svg_width * options.scale - 1e-9));
  g.height = static_cast<int>(std::ceil(*svg_height * options.scale - 1e-9));
  return g;
}

// The renderers on the search path: rsvg-convert, else Chromium. FAILED_PRECONDITION when there is neither.
struct Renderers {
  std::optional<std::string> rsvg, chromium;
};

absl::StatusOr<Renderers> FindRenderers(const RasterOptions& options) {
  const char* env_path = std::getenv("PATH");
  const std::string search =
      !options.search_path.empty() ? options.search_path : (env_path != nullptr ? env_path : "/usr/bin:/bin");
  Renderers r;
  r.rsvg = FindProgram("rsvg-convert", search);
  r.chromium = FindProgram("chromium", search);
  if (!r.chromium) r.chromium = FindProgram("chromium-browser", search);
  if (!r.rsvg && !r.chromium) {
    return absl::FailedPreconditionError(
        "no SVG renderer for a PNG: neither rsvg-convert (Debian package librsvg2-bin) nor chromium (package "
        "chromium, installed by tools/setup.sh) is on the PATH; install one, or write .svg");
  }
  return r;
}

// The files of one rendering, in its temporary directory.
struct RenderFiles {
  std::filesystem::path dir;
  std::string in, out, log;  // The SVG, the PNG and the renderer's output.
};

// How to run the renderer: the program, its arguments and extra environment, and how often to try.
struct RenderCommand {
  std::string renderer;
  std::vector<std::string> argv, env;
  int attempts = 1;
};

RenderCommand RsvgCommand(const std::string& rsvg, const RenderFiles& files, const RasterOptions& options) {
  RenderCommand c;
  c.renderer = rsvg;
  c.argv = {rsvg,
            "--format=png",
            absl::StrCat("--zoom=", options.scale),
            "--background-color=white",
            "--output",
            files.out,
            files.in};
  return c;
}

RenderCommand ChromiumCommand(const std::string& chromium, const RenderFiles& files, const Geometry& geometry,
                              const RasterOptions& options) {
  RenderCommand c;
  c.renderer = chromium;
  const std::string profile = (files.dir / "profile").string();
  c.argv = {chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            absl::StrCat("--user-data-dir=", profile),
            absl::StrCat("--force-device-scale-factor=", options.scale),
            absl::StrCat("--window-size=", static_cast<int>(std::ceil(geometry.svg_width)), ",",
                         static_cast<int>(std::ceil(geometry.svg_height))),
            absl::StrCat("--screenshot=", files.out),
            absl::StrCat("file://", files.in)};
  c.env = {
      absl::StrCat("HOME=", files.dir.string())};  // Chromium writes under HOME; keep it in the temp dir.
  // A cold Chromium start on a busy machine now and then exits without a screenshot: one more try.
  c.attempts = 2;
  return c;
}

// Runs the renderer and returns what it wrote; INTERNAL, with the end of its output, when it wrote nothing.
absl::StatusOr<std::string> RunRenderer(const RenderCommand& command, const RenderFiles& files,
                                        int timeout_seconds) {
  int code = 0;
  for (int attempt = 0; attempt < command.attempts; ++attempt) {
    ASSIGN_OR_RETURN(code, Run(command.argv, command.env, files.log, timeout_seconds));
    if (code == 0 && std::filesystem::exists(files.out)) break;
  }
  std::string bytes = std::filesystem::exists(files.out) ? ReadFile(files.out) : "";
  if (bytes.empty()) {
    return absl::InternalError(
        absl::StrCat(command.renderer, " wrote no PNG (exit ", code, "): ", Tail(ReadFile(files.log), 600)));
  }
  return bytes;
}

}  // namespace

absl::StatusOr<ImageFormat> ImageFormatFor(const std::string& path) {
  if (path == "-") return ImageFormat::kSvg;
  const std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".svg")) return ImageFormat::kSvg;
  if (absl::EndsWith(lower, ".png")) return ImageFormat::kPng;
  const size_t slash = path.find_last_of('/'), dot = path.find_last_of('.');
  const std::string extension =
      dot == std::string::npos || (slash != std::string::npos && dot < slash) ? "" : path.substr(dot);
  return absl::InvalidArgumentError(absl::StrCat(
      "cannot write a plot to '", path, "': ",
      extension.empty() ? "no file extension" : absl::StrCat("unsupported extension '", extension, "'"),
      "; use .svg (vector, as drawn), .png (rendered from the SVG) or - (SVG to standard output)"));
}

absl::StatusOr<std::pair<int, int>> PngSize(const std::string& bytes) {
  if (bytes.size() < 24 || bytes.compare(0, 8, kPngSignature, 8) != 0 || bytes.compare(12, 4, "IHDR") != 0) {
    return absl::InvalidArgumentError("not a PNG");
  }
  auto be32 = [&](size_t at) {
    return static_cast<int>((static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
                            (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
                            (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
                            static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 3])));
  };
  return std::make_pair(be32(16), be32(20));
}

absl::StatusOr<Png> RenderPng(const std::string& svg, const RasterOptions& options) {
  ASSIGN_OR_RETURN(const Geometry geometry, PngGeometry(svg, options));
  ASSIGN_OR_RETURN(const Renderers renderers, FindRenderers(options));

  ASSIGN_OR_RETURN(TempDir dir, TempDir::Make());
  const RenderFiles files{dir.path(), (dir.path() / "plot.svg").string(), (dir.path() / "plot.png").string(),
                          (dir.path() / "renderer.log").string()};
  {
    std::ofstream f(files.in, std::ios::binary);
    f << svg;
    if (!f) return absl::InternalError(absl::StrCat("cannot write ", files.in));
  }
  const RenderCommand command = renderers.rsvg
                                    ? RsvgCommand(*renderers.rsvg, files, options)
                                    : ChromiumCommand(*renderers.chromium, files, geometry, options);
  ASSIGN_OR_RETURN(std::string bytes, RunRenderer(command, files, options.timeout_seconds));
  const absl::StatusOr<std::pair<int, int>> size = PngSize(bytes);
  if (!size.ok()) {
    return absl::InternalError(absl::StrCat(command.renderer, " wrote something that is not a PNG"));
  }
  if (size->first != geometry.width || size->second != geometry.height) {
    return absl::InternalError(absl::StrCat(command.renderer, " drew ", size->first, "x", size->second,
                                            " pixels; expected ", geometry.width, "x", geometry.height));
  }
  return Png{std::move(bytes), geometry.width, geometry.height, command.renderer};
}

}  // namespace hyperlab::plot
