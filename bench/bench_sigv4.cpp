// SigV4 signer micro-benchmarks: the cost of each step for a typical S3 GetObject, and of a
// whole signature as the client computes one per request attempt.
//   build/bench/bench_sigv4 [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <chrono>

#include "s3/sigv4.h"

namespace {

using namespace sparkify;

const sigv4::Credentials kCredentials{"AKIAIOSFODNN7EXAMPLE",
                                      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};

sigv4::Request GetObjectRequest() {
  return {"GET",
          "/song_data/A/B/C/TRABCEI128F424C983.json",
          {},
          {{"Host", "udacity-dend.s3.us-west-2.amazonaws.com"},
           {"X-Amz-Date", "20240101T000000Z"},
           {"X-Amz-Content-Sha256", std::string(sigv4::kEmptyPayloadHash)}},
          std::string(sigv4::kEmptyPayloadHash)};
}

const sigv4::Scope kScope{"20240101", "us-west-2", "s3"};

void BM_CanonicalRequest(benchmark::State& state) {
  const sigv4::Request request = GetObjectRequest();
  for (auto _ : state) benchmark::DoNotOptimize(sigv4::CanonicalRequest(request));
}
BENCHMARK(BM_CanonicalRequest);

void BM_CanonicalListQuery(benchmark::State& state) {
  const std::vector<sigv4::QueryParam> query = {
      {"list-type", "2"},
      {"prefix", "song_data/A/"},
      {"max-keys", "1000"},
      {"continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="}};
  for (auto _ : state) benchmark::DoNotOptimize(sigv4::CanonicalQuery(query));
}
BENCHMARK(BM_CanonicalListQuery);

void BM_StringToSign(benchmark::State& state) {
  const std::string creq = sigv4::CanonicalRequest(GetObjectRequest());
  for (auto _ : state) {
    benchmark::DoNotOptimize(sigv4::StringToSign("20240101T000000Z", kScope, creq));
  }
}
BENCHMARK(BM_StringToSign);

void BM_DeriveSigningKey(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(sigv4::DeriveSigningKey(kCredentials.secret_access_key, kScope));
  }
}
BENCHMARK(BM_DeriveSigningKey);

void BM_SignatureWithDerivedKey(benchmark::State& state) {
  const sigv4::SigningKey key = sigv4::DeriveSigningKey(kCredentials.secret_access_key, kScope);
  const std::string sts =
      sigv4::StringToSign("20240101T000000Z", kScope, sigv4::CanonicalRequest(GetObjectRequest()));
  for (auto _ : state) benchmark::DoNotOptimize(sigv4::SignatureHex(key, sts));
}
BENCHMARK(BM_SignatureWithDerivedKey);

// What the client pays per request attempt: headers set, all steps, key derivation included.
void BM_SignRequest(benchmark::State& state) {
  sigv4::SignOptions options;
  options.region = "us-west-2";
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    sigv4::Request request = GetObjectRequest();
    benchmark::DoNotOptimize(sigv4::SignRequest(request, kCredentials, options, now));
  }
}
BENCHMARK(BM_SignRequest);

}  // namespace

BENCHMARK_MAIN();
