// docs/OPS.md lists every op in kernels/ops.def, and every update or utility op names a test file
// that exists (forward and backward ops are held to their gradient checks by coverage_test.cpp).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kernels/ops.h"

namespace engine::kernels {

TEST_CASE("docs/OPS.md has a row for every op in ops.def") {
  const std::string root = ENGINE_SOURCE_DIR;
  std::ifstream file(root + "/docs/OPS.md");
  REQUIRE_MESSAGE(file.good(), "docs/OPS.md is missing; run scripts/generate_ops_doc.py");
  std::stringstream text;
  text << file.rdbuf();
  for (const OpInfo& info : op_table) {
    INFO("op " << std::string(info.name) << ": run scripts/generate_ops_doc.py");
    CHECK(text.str().find("| `" + std::string(info.name) + "` |") != std::string::npos);
  }
}

TEST_CASE("every update and utility op names a test file that exists") {
  const std::filesystem::path tests = std::filesystem::path(ENGINE_SOURCE_DIR) / "tests";
  for (const OpInfo& info : op_table) {
    if (info.category != OpCategory::update && info.category != OpCategory::utility) continue;
    bool found = false;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(tests)) {
      found = found || entry.path().filename() == std::string(info.function) + ".cpp";
    }
    INFO("op " << std::string(info.name) << " names " << std::string(info.function) << ".cpp");
    CHECK(found);
  }
}

}  // namespace engine::kernels
