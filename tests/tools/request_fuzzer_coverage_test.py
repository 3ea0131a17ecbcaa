"""Every request type the coordinator validates (a `ValidateRequest` overload in
coordinator/request_limits.h) is fed by tools/fuzz/request_fuzzer.cc. Guards against a new RPC that the
fuzzer never sees, as GetParetoFrontRequest once was."""
import re
import sys

source = sys.argv[1]
with open(f"{source}/coordinator/request_limits.h") as f:
    validated = set(re.findall(r"ValidateRequest\(const v1::(\w+)&", f.read()))
with open(f"{source}/tools/fuzz/request_fuzzer.cc") as f:
    fuzzer = f.read()
fuzzed = set(re.findall(r"Validate<v1::(\w+)>", fuzzer))
if "ValidateCreate(data, size)" in fuzzer:
    fuzzed.add("CreateStudyRequest")
assert len(validated) > 20, f"found only {sorted(validated)} in request_limits.h: has its form changed?"
missing = sorted(validated - fuzzed)
assert not missing, f"request_fuzzer.cc does not build: {', '.join(missing)} (add a case for each)"
cases = [int(c) for c in re.findall(r"case (\d+):", fuzzer)]
modulus = int(re.search(r"switch \(kind % (\d+)\)", fuzzer).group(1))
assert sorted(cases) == list(range(modulus)), f"cases {sorted(cases)} are not 0..{modulus - 1}"
print(f"request_fuzzer covers all {len(validated)} request types")
