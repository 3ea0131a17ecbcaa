// The CLI's study, trials and admin commands: each a call or two on the coordinator's services.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/rpc/client_channel.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "proto/outcomes.h"
#include "tools/cli.h"
#include "tools/output_format.h"
#include "tools/pareto_format.h"
#include "tools/progress_printer.h"
#include "tools/study_file.h"

namespace hyperlab::tools {

absl::StatusOr<Connection> Connect(const GlobalOptions& options, const grpc::ChannelArguments& args) {
  Connection c;
  if (!options.data_dir.empty()) {
    ASSIGN_OR_RETURN(
        c.local, coordinator::CoordinatorServer::Start({.data_dir = options.data_dir, .read_only = true}));
    c.channel = c.local->InProcessChannel();
    return c;
  }
  std::string address = options.coordinator;
  if (address.empty()) {
    const char* env = std::getenv("HYPERLAB_COORDINATOR");
    address = env != nullptr && *env != '\0' ? env : "127.0.0.1:7411";
  }
  ASSIGN_OR_RETURN(const std::string token, TokenFromFlagOrEnv(options.token));
  ASSIGN_OR_RETURN(c.channel,
                   NewClientChannel({.address = address,
                                     .token = token,
                                     .tls_ca_file = options.tls_ca,
                                     .tls_cert_file = options.tls_cert,
                                     .tls_key_file = options.tls_key,
                                     .insecure_plaintext_tokens = options.insecure_plaintext_tokens},
                                    args));
  return c;
}

std::unique_ptr<grpc::ClientContext> CallContext(const GlobalOptions& options, bool stream) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!stream) {
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(static_cast<int64_t>(options.timeout_s * 1000)));
  }
  return context;
}

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

int ReportError(const absl::Status& status) {
  if (status.ok()) return 0;
  std::string code = absl::StatusCodeToString(status.code());
  std::string message(status.message());
  for (char& ch : message) {
    if (ch == '\n') ch = ' ';
  }
  std::cerr << "hyperlab: " << code << ": " << message;
  if (status.code() == absl::StatusCode::kUnavailable) {
    std::cerr << " (is the coordinator running, and do --tls-ca/--tls-cert match its TLS settings?)";
  } else if (status.code() == absl::StatusCode::kUnauthenticated) {
    std::cerr << " (hint: pass --token TOKEN or set HYPERLAB_TOKEN to a token from the coordinator's "
                 "--auth-tokens file)";
  } else if (status.code() == absl::StatusCode::kPermissionDenied) {
    std::cerr << " (hint: this token's role does not allow the command; use a token with the role named)";
  }
  std::cerr << "\n";
  return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

absl::StatusOr<v1::Study> GetStudy(const GlobalOptions& g, v1::StudyService::Stub& stub,
                                   const std::string& ref) {
  v1::GetStudyRequest request;
  request.set_study(ref);
  v1::Study study;
  RETURN_IF_ERROR(FromGrpc(stub.GetStudy(CallContext(g).get(), request, &study)));
  return study;
}

// A noisy study's recommended trial (Study.recommended_trial_id), once the recommendation has seen every
// ended trial (it is computed in the background: waits up to 10 s); nullopt for other studies.
absl::StatusOr<std::optional<v1::Trial>> RecommendedTrial(const GlobalOptions& g,
                                                          v1::StudyService::Stub& stub,
                                                          const std::string& ref, v1::Study study) {
  if (!DeclaredNoisy(study.spec())) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto ended = [](const v1::Study& s) {
    return s.counts().total() - s.counts().pending() - s.counts().running();
  };
  while (study.recommended_seen() < ended(study) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSIGN_OR_RETURN(study, GetStudy(g, stub, ref));
  }
  if (!study.has_recommended_trial_id()) return std::nullopt;
  v1::ListTrialsRequest request;
  request.set_study(ref);
  v1::ListTrialsResponse response;
  RETURN_IF_ERROR(FromGrpc(stub.ListTrials(CallContext(g).get(), request, &response)));
  for (const v1::TrialWithMeasurements& t : response.trials()) {
    if (t.trial().id() == study.recommended_trial_id()) return t.trial();
  }
  return std::nullopt;
}

absl::Status StudySubmit(const GlobalOptions& g, const std::string& file) {
  ASSIGN_OR_RETURN(v1::StudySpec spec, LoadStudyFile(file));
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  v1::CreateStudyRequest request;
  *request.mutable_spec() = spec;
  v1::CreateStudyResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->CreateStudy(CallContext(g).get(), request, &response)));
  for (const std::string& warning : response.warnings())
    std::cerr << "hyperlab: warning: " << warning << "\n";
  if (response.existed()) {
    std::cerr << "hyperlab: study '" << spec.name() << "' already exists with this spec (id "
              << response.study().id() << ", " << v1::Study::State_Name(response.study().state())
              << "); continuing it\n";
  }
  std::cout << response.study().id() << std::endl;
  return absl::OkStatus();
}

absl::Status StudyList(const GlobalOptions& g) {
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(g.format));
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  v1::ListStudiesResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->ListStudies(CallContext(g).get(), {}, &response)));
  std::cout << FormatStudies({response.studies().begin(), response.studies().end()}, format);
  return absl::OkStatus();
}

absl::Status StudyShow(const GlobalOptions& g, const std::string& ref) {
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(g.format));
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  ASSIGN_OR_RETURN(v1::Study study, GetStudy(g, *stub, ref));
  std::cout << FormatStudyDetail(study, format);
  return absl::OkStatus();
}

namespace {

// How often a watch asks again while the coordinator is away, and the channel's reconnect backoff. gRPC's
// default backoff grows to two minutes, so a watch caught up 95 s after the coordinator came back; capped
// at a second, it resumes within about a second and a half.
constexpr auto kRetryInterval = std::chrono::milliseconds(500);
constexpr int kMaxReconnectBackoffMs = 1000;

// Follows the study's changes, calling `on_change` for each, until it ends or `timeout_s` (<= 0: never).
// While the coordinator is away it tries again every kRetryInterval; `on_away` is called once when it
// goes (the stream breaks, or the first call finds nobody), `on_back` once when a stream works again.
absl::StatusOr<v1::Study> Follow(const GlobalOptions& g, const std::string& ref, double timeout_s,
                                 const std::function<void(const v1::Study&)>& on_change,
                                 const std::function<void()>& on_away, const std::function<void()>& on_back) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 250);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  ASSIGN_OR_RETURN(Connection c, Connect(g, args));
  auto stub = v1::StudyService::NewStub(c.channel);
  const auto start = std::chrono::steady_clock::now();
  auto expired = [&] {
    return timeout_s > 0 && std::chrono::steady_clock::now() - start >
                                std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1e3));
  };
  bool away = false;
  while (true) {
    auto context = CallContext(g, /*stream=*/true);
    if (timeout_s > 0) {
      context->set_deadline(start + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1e3)) -
                            std::chrono::steady_clock::now() + std::chrono::system_clock::now());
    }
    v1::WatchStudyRequest request;
    request.set_study(ref);
    auto reader = stub->WatchStudy(context.get(), request);
    v1::Study study, last;
    bool any = false;
    while (reader->Read(&study)) {
      if (away) {
        away = false;
        on_back();
      }
      on_change(study);
      last = study;
      any = true;
    }
    absl::Status status = FromGrpc(reader->Finish());
    if (status.ok() && any && last.state() != v1::Study::ACTIVE) return last;
    if (expired() || status.code() == absl::StatusCode::kDeadlineExceeded) {
      return absl::DeadlineExceededError(
          absl::StrCat("study '", ref, "' still running after ", timeout_s, " s"));
    }
    // UNAVAILABLE: nobody answers (the coordinator is down or restarting); CANCELLED: it shut down with
    // the stream open. Anything else (NOT_FOUND, PERMISSION_DENIED, ...) is an answer.
    if (!status.ok() && status.code() != absl::StatusCode::kUnavailable &&
        status.code() != absl::StatusCode::kCancelled) {
      return status;
    }
    if (!away) {
      away = true;
      on_away();
    }
    std::this_thread::sleep_for(kRetryInterval);
  }
}

constexpr char kUnreachable[] = "coordinator unreachable, retrying";
constexpr char kBack[] = "coordinator reachable again; resuming";

}  // namespace

absl::Status StudyWatch(const GlobalOptions& g, const std::string& ref) {
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  int64_t next_trial = 0, reused_seen = 0;
  ProgressPrinter progress(std::cout, ProgressPrinter::StdoutIsTerminal());
  v1::Study previous;
  auto say = [&](const char* what) {
    progress.Break();
    std::cout << what << std::endl;
  };
  ASSIGN_OR_RETURN(v1::Study last,
                   Follow(
                       g, ref, 0,
                       [&](const v1::Study& s) {
                         if (s.counts().reused() > reused_seen) {
                           reused_seen = s.counts().reused();
                           progress.Break();
                           if (auto next = PrintReuses(g, c.channel, s.id(), next_trial); next.ok())
                             next_trial = *next;
                         }
                         const double elapsed =
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                         progress.Update(ProgressLine(s, elapsed), TrialsEnded(previous, s));
                         previous = s;
                       },
                       [&] { say(kUnreachable); }, [&] { say(kBack); }));
  progress.Break();
  std::cout << v1::Study::State_Name(last.state()) << (last.reason().empty() ? "" : ": " + last.reason())
            << std::endl;
  return absl::OkStatus();
}

absl::Status StudyWait(const GlobalOptions& g, const std::string& ref, double timeout_s) {
  ASSIGN_OR_RETURN(v1::Study last, Follow(
                                       g, ref, timeout_s, [](const v1::Study&) {},
                                       [] { std::cerr << "hyperlab: " << kUnreachable << std::endl; },
                                       [] { std::cerr << "hyperlab: " << kBack << std::endl; }));
  if (last.state() != v1::Study::COMPLETED) {
    return absl::FailedPreconditionError(absl::StrCat("study '", last.spec().name(), "' ended ",
                                                      v1::Study::State_Name(last.state()),
                                                      last.reason().empty() ? "" : ": " + last.reason()));
  }
  return absl::OkStatus();
}

absl::Status StudyBest(const GlobalOptions& g, const std::string& ref) {
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(g.format));
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  ASSIGN_OR_RETURN(v1::Study study, GetStudy(g, *stub, ref));
  if (study.spec().objectives_size() > 0) {  // Several objectives: the Pareto front.
    v1::GetParetoFrontRequest request;
    request.set_study(ref);
    v1::GetParetoFrontResponse front;
    RETURN_IF_ERROR(FromGrpc(stub->GetParetoFront(CallContext(g).get(), request, &front)));
    std::cout << FormatParetoFront(study, front, format);
    return absl::OkStatus();
  }
  v1::GetBestTrialRequest request;
  request.set_study(ref);
  v1::Trial best;
  RETURN_IF_ERROR(FromGrpc(stub->GetBestTrial(CallContext(g).get(), request, &best)));
  ASSIGN_OR_RETURN(std::optional<v1::Trial> recommended, RecommendedTrial(g, *stub, ref, study));
  if (format == OutputFormat::kJson) {
    nlohmann::json out = TrialToJson(best);
    if (recommended) out["recommended"] = TrialToJson(*recommended);
    std::cout << out.dump(2) << std::endl;
  } else {
    std::cout << FormatTrials(study, {best}, format);
    if (recommended && format == OutputFormat::kTable) {
      std::cout << "recommended (the objective is noisy: the trial the model is surest is good, not the "
                   "luckiest draw):\n"
                << FormatTrials(study, {*recommended}, format);
    }
  }
  return absl::OkStatus();
}

namespace {

// Calls one of the study-state RPCs (cancel, pause, resume, set-budget) and prints the study's new state.
template <typename Request, typename Call>
absl::Status ChangeStudy(const GlobalOptions& g, Request request, Call call) {
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  v1::Study study;
  RETURN_IF_ERROR(FromGrpc(call(*stub, CallContext(g).get(), request, &study)));
  std::cout << "study '" << study.spec().name() << "' (id " << study.id() << ") is now "
            << v1::Study::State_Name(study.state()) << ", budget " << study.spec().budget().max_trials()
            << " trials" << std::endl;
  return absl::OkStatus();
}

}  // namespace

absl::Status StudyCancel(const GlobalOptions& g, const std::string& ref) {
  v1::CancelStudyRequest request;
  request.set_study(ref);
  return ChangeStudy(g, request, [](auto& stub, auto* context, const auto& r, auto* out) {
    return stub.CancelStudy(context, r, out);
  });
}

absl::Status StudyPause(const GlobalOptions& g, const std::string& ref) {
  v1::PauseStudyRequest request;
  request.set_study(ref);
  return ChangeStudy(g, request, [](auto& stub, auto* context, const auto& r, auto* out) {
    return stub.PauseStudy(context, r, out);
  });
}

absl::Status StudyResume(const GlobalOptions& g, const std::string& ref) {
  v1::ResumeStudyRequest request;
  request.set_study(ref);
  return ChangeStudy(g, request, [](auto& stub, auto* context, const auto& r, auto* out) {
    return stub.ResumeStudy(context, r, out);
  });
}

absl::Status StudySetBudget(const GlobalOptions& g, const std::string& ref, int max_trials) {
  v1::SetStudyBudgetRequest request;
  request.set_study(ref);
  request.set_max_trials(max_trials);
  return ChangeStudy(g, request, [](auto& stub, auto* context, const auto& r, auto* out) {
    return stub.SetStudyBudget(context, r, out);
  });
}

absl::Status StudyConclude(const GlobalOptions& g, const std::string& ref, const std::string& conclusion) {
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  v1::ConcludeStudyRequest request;
  request.set_study(ref);
  request.set_conclusion(conclusion);
  v1::Study study;
  RETURN_IF_ERROR(FromGrpc(stub->ConcludeStudy(CallContext(g).get(), request, &study)));
  std::cout << "conclusion of study '" << study.spec().name() << "' (id " << study.id() << ") recorded"
            << std::endl;
  return absl::OkStatus();
}

absl::Status TrialNote(const GlobalOptions& g, const std::string& trial_ref, const std::string& text) {
  const size_t slash = trial_ref.rfind('/');
  int64_t trial_id = -1;
  if (slash == std::string::npos || slash == 0 || !absl::SimpleAtoi(trial_ref.substr(slash + 1), &trial_id) ||
      trial_id < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("trial: expected STUDY/TRIAL (e.g. my-study/7), got '", trial_ref, "'"));
  }
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  v1::AddTrialNoteRequest request;
  request.set_study(trial_ref.substr(0, slash));
  request.set_trial_id(trial_id);
  request.set_text(text);
  v1::Trial trial;
  RETURN_IF_ERROR(FromGrpc(stub->AddTrialNote(CallContext(g).get(), request, &trial)));
  std::cout << "note " << trial.notes_size() << " added to trial " << trial.id() << std::endl;
  return absl::OkStatus();
}

namespace {

// "name=value ..." of a trial's parameters, numbers as tables show them.
std::string ParameterLine(const v1::Trial& trial) {
  std::string out;
  for (const v1::Parameter& p : trial.parameters()) {
    absl::StrAppend(&out, out.empty() ? "" : " ", p.name(), "=");
    switch (p.value().kind_case()) {
      case v1::ParameterValue::kDoubleValue:
        absl::StrAppend(&out, TableNumber(p.value().double_value()));
        break;
      case v1::ParameterValue::kIntValue:
        absl::StrAppend(&out, p.value().int_value());
        break;
      default:
        absl::StrAppend(&out, p.value().string_value());
        break;
    }
  }
  return out;
}

}  // namespace

absl::Status TrialAdd(const GlobalOptions& g, const std::string& study,
                      const std::vector<std::string>& params, const std::string& note) {
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(g.format));
  v1::EnqueueTrialRequest request;
  request.set_study(study);
  request.set_note(note);
  for (const std::string& param : params) {
    const size_t eq = param.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(absl::StrCat("--param: expected NAME=VALUE, got '", param, "'"));
    }
    v1::Parameter* p = request.add_parameters();
    p->set_name(param.substr(0, eq));
    p->mutable_value()->set_string_value(param.substr(eq + 1));
  }
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  v1::Trial trial;
  RETURN_IF_ERROR(FromGrpc(stub->EnqueueTrial(CallContext(g).get(), request, &trial)));
  if (format == OutputFormat::kJson) {
    std::cout << TrialToJson(trial).dump(2) << std::endl;
    return absl::OkStatus();
  }
  std::cout << "trial " << trial.id() << " added to study '" << study << "': " << ParameterLine(trial)
            << std::endl;
  if (trial.has_reused_from()) {
    std::cout << "the same experiment ran as " << trial.reused_from().study_name() << "/"
              << trial.reused_from().trial_id() << ": its result is reused, nothing runs again" << std::endl;
  } else if (trial.has_waiting_for()) {
    std::cout << "the same experiment is running as " << trial.waiting_for().study_name() << "/"
              << trial.waiting_for().trial_id() << ": its result will be reused" << std::endl;
  } else {
    std::cout << "queued (" << v1::Trial::State_Name(trial.state())
              << "): it runs before the next suggested trial" << std::endl;
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PrintReuses(const GlobalOptions& g, const std::shared_ptr<grpc::Channel>& channel,
                                    int64_t study_id, int64_t from) {
  auto stub = v1::StudyService::NewStub(channel);
  v1::ListTrialsRequest request;
  request.set_study(absl::StrCat(study_id));
  v1::ListTrialsResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->ListTrials(CallContext(g).get(), request, &response)));
  int64_t next = from;
  for (const auto& item : response.trials()) {
    const v1::Trial& t = item.trial();
    if (t.id() < from) continue;
    if (t.state() == v1::Trial::PENDING || t.state() == v1::Trial::RUNNING) break;  // Look again later.
    if (t.has_reused_from()) {
      std::cout << "trial " << t.id() << ": reused result of " << t.reused_from().study_name() << "/"
                << t.reused_from().trial_id() << std::endl;
    }
    next = t.id() + 1;
  }
  return next;
}

}  // namespace hyperlab::tools
