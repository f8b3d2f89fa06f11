// SHA-256 against the FIPS 180-2 example vectors, incremental hashing in uneven pieces, and
// hashing of files.
#include "util/sha256.h"

#include <doctest/doctest.h>

#include <string>

#include "data/error.h"
#include "data/file.h"
#include "fixtures.h"

namespace data = engine::data;
using engine::Sha256;
using engine::sha256_hex;
using engine::to_hex;

TEST_CASE("sha256 matches the FIPS 180-2 example vectors") {
  CHECK(sha256_hex(std::string_view("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex(std::string_view("")) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // The 448-bit (56-byte) message: padding needs a second block.
  CHECK(sha256_hex(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1'000'000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 gives the same digest however the input is cut") {
  std::string message;
  for (int i = 0; i < 1000; ++i) message.push_back(static_cast<char>((i * 37) & 0xff));
  const std::string whole = sha256_hex(std::string_view(message));
  for (const std::size_t piece : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 200u}) {
    Sha256 hasher;
    for (std::size_t start = 0; start < message.size(); start += piece) {
      hasher.update(std::string_view(message).substr(start, piece));
    }
    CHECK(to_hex(hasher.finish()) == whole);
  }
}

TEST_CASE("sha256 of a file equals sha256 of its bytes, and a missing file names itself") {
  data::testing::TemporaryFolder folder("sha256");
  const std::vector<std::uint8_t> bytes = {'a', 'b', 'c'};
  data::testing::write_bytes(folder.path() / "abc.bin", bytes);
  CHECK(data::sha256_file_hex(folder.path() / "abc.bin") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string missing = (folder.path() / "missing.bin").string();
  CHECK_THROWS_WITH_AS(data::sha256_file_hex(missing), (missing + ": file not found").c_str(),
                       data::DataError);
}
