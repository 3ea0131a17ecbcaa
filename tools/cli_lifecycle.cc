// `hyperlab study delete` and `hyperlab study fork`: the study lifecycle's iteration steps.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "tools/cli.h"

namespace hyperlab::tools {
namespace {

// A connection that may change the journal: with --data-dir, an embedded coordinator opened read-write
// (refused, naming the directory, while another process has it open).
absl::StatusOr<Connection> ConnectToChange(const GlobalOptions& g) {
  if (g.data_dir.empty()) return Connect(g);
  Connection c;
  ASSIGN_OR_RETURN(c.local, coordinator::CoordinatorServer::Start({.data_dir = g.data_dir}));
  c.channel = c.local->InProcessChannel();
  return c;
}

}  // namespace

absl::Status StudyDelete(const GlobalOptions& g, const std::string& ref, bool force) {
  ASSIGN_OR_RETURN(Connection c, ConnectToChange(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  v1::DeleteStudyRequest request;
  request.set_study(ref);
  request.set_force(force);
  v1::DeleteStudyResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->DeleteStudy(CallContext(g).get(), request, &response)));
  std::cout << "study '" << ref << "' deleted with its " << response.trials_deleted() << " trials"
            << std::endl;
  return absl::OkStatus();
}

absl::Status StudyFork(const GlobalOptions& g, const std::string& ref, const std::string& name,
                       bool with_trials, int max_trials) {
  ASSIGN_OR_RETURN(Connection c, ConnectToChange(g));
  auto stub = v1::StudyService::NewStub(c.channel);
  ASSIGN_OR_RETURN(const v1::Study source, GetStudy(g, *stub, ref));
  v1::CreateStudyRequest create;
  *create.mutable_spec() = source.spec();
  create.mutable_spec()->set_name(name);
  // Strategies are deterministic, so the fork suggests the source's points again: with its results taken
  // over (reuse: any) or run afresh (reuse: study, which also keeps the fork's results to itself).
  create.mutable_spec()->set_reuse(with_trials ? v1::ANY : v1::STUDY);
  if (max_trials > 0) create.mutable_spec()->mutable_budget()->set_max_trials(max_trials);
  v1::CreateStudyResponse created;
  RETURN_IF_ERROR(FromGrpc(stub->CreateStudy(CallContext(g).get(), create, &created)));
  if (created.existed()) {
    return absl::AlreadyExistsError(absl::StrCat("study '", name, "' exists already (id ",
                                                 created.study().id(), "); fork under another --name"));
  }
  for (const std::string& w : created.warnings()) std::cerr << "warning: " << w << std::endl;
  std::cout << "study '" << name << "' (id " << created.study().id() << ") forked from '"
            << source.spec().name() << "'"
            << (with_trials ? ", taking over its results where it suggests the same points"
                            : ", starting afresh (reuse: study)")
            << std::endl;
  return absl::OkStatus();
}

}  // namespace hyperlab::tools
