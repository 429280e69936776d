// Placeholder until the generator lands.
#include "sparkify/generate.h"

namespace sparkify {
Result<GenerateSummary> Generate(const GenerateOptions&) {
  return Status::InvalidArgument("generate: not built yet");
}
}  // namespace sparkify
