// Manifests (column presets, sex spellings, path resolution, every record-level error) and class
// folders.
#include "data/manifest.h"

#include <doctest/doctest.h>

#include <string>

#include "data/error.h"
#include "data/file.h"
#include "fixtures.h"

namespace data = engine::data;

namespace {

std::string error_of(const std::string& text,
                     const data::ManifestColumns& columns = data::ManifestColumns()) {
  try {
    data::parse_manifest(text, "m.csv", "/base", columns);
  } catch (const data::DataError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("manifest: default columns, relative and absolute paths, optional columns") {
  const data::Manifest manifest =
      data::parse_manifest("id,path,sex,age,comment\n7,images/a.png,F,12.5,x\n8,/abs/b.png,M,,y\n",
                           "m.csv", "/base", {}, data::PathPolicy{true});
  CHECK(manifest.has_age);
  CHECK(manifest.has_id);
  REQUIRE(manifest.records.size() == 2);
  CHECK(manifest.records[0].file == std::filesystem::path("/base/images/a.png"));
  CHECK(manifest.records[0].path_text == "images/a.png");
  CHECK(manifest.records[0].sex == data::Sex::Female);
  CHECK(manifest.records[0].age == 12.5);
  CHECK(manifest.records[0].group == "7");
  CHECK(manifest.records[0].origin == "m.csv:2");
  CHECK(manifest.records[1].file == std::filesystem::path("/abs/b.png"));
  CHECK_FALSE(manifest.records[1].age.has_value());
  CHECK(manifest.count(data::Sex::Female) == 1);
  CHECK(manifest.count(data::Sex::Male) == 1);

  const data::Manifest bare = data::parse_manifest("path,sex\na.png,F\n", "m.csv", "/base");
  CHECK_FALSE(bare.has_age);
  CHECK_FALSE(bare.has_id);
  CHECK(bare.records[0].group == "a.png");  // without ids every file is its own group
}

TEST_CASE("manifest: the RSNA preset reads bone_age_months and rsna_id") {
  const data::Manifest manifest =
      data::parse_manifest("path,sex,bone_age_months,rsna_id\nimages/1377.png,F,180,1377\n",
                           "rsna.csv", "/rsna", data::ManifestColumns::rsna());
  CHECK(manifest.records[0].age == 180.0);
  CHECK(manifest.records[0].group == "1377");
  // With the default names the same file has neither age nor id.
  const data::Manifest plain = data::parse_manifest(
      "path,sex,bone_age_months,rsna_id\nimages/1377.png,F,180,1377\n", "rsna.csv", "/rsna");
  CHECK_FALSE(plain.has_age);
  CHECK_FALSE(plain.has_id);
}

TEST_CASE("manifest: sex spellings and their mapping (female 0, male 1)") {
  for (const char* female : {"F", "f", "female", "Female", "FEMALE", "0"}) {
    CHECK(data::parse_sex(female) == data::Sex::Female);
  }
  for (const char* male : {"M", "m", "male", "Male", "MALE", "1"}) {
    CHECK(data::parse_sex(male) == data::Sex::Male);
  }
  for (const char* other : {"", " F", "F ", "w", "2", "fem", "x"}) {
    CHECK_FALSE(data::parse_sex(other).has_value());
  }
  CHECK(data::class_index(data::Sex::Female) == 0);
  CHECK(data::class_index(data::Sex::Male) == 1);
}

TEST_CASE("manifest: errors name file, line and column") {
  CHECK(error_of("file,sex\na.png,F\n") ==
        "m.csv:1:1: no path column named 'path' in the header (columns: file, sex)");
  CHECK(error_of("path,gender\na.png,F\n") ==
        "m.csv:1:1: no sex column named 'sex' in the header (columns: path, gender)");
  CHECK(error_of("path,sex\na.png,X\n") ==
        "m.csv:2:7: sex 'X' is not one of F, female, 0 (female) or M, male, 1 (male)");
  CHECK(error_of("path,sex\n,F\n") == "m.csv:2:1: empty path");
  CHECK(error_of("path,sex\na.png,F\nb.png,M\na.png,M\n") ==
        "m.csv:4:1: path 'a.png' is already listed on line 2");
  CHECK(error_of("path,sex,age\na.png,F,ten\n") ==
        "m.csv:2:9: age 'ten' is not a finite non-negative number");
  CHECK(error_of("path,sex,age\na.png,F,-1\n") ==
        "m.csv:2:9: age '-1' is not a finite non-negative number");
  CHECK(error_of("path,sex,age\na.png,F,nan\n") ==
        "m.csv:2:9: age 'nan' is not a finite non-negative number");
  CHECK(error_of("path,sex,id\na.png,F,\n") == "m.csv:2:9: empty id");
  CHECK(error_of("path,sex,id\na.png,F,7\nb.png,M,7\n") ==
        "m.csv:3:7: id '7' is M here but F on line 2");
  // CSV-level errors come through unchanged.
  CHECK(error_of("path,sex\n\"a.png,F\n") ==
        "m.csv:2:1: quoted field is never closed (the file ends inside it)");
}

TEST_CASE("manifest: configurable column names") {
  data::ManifestColumns columns;
  columns.path = "file";
  columns.sex = "gender_at_birth";
  columns.id = "";  // never read, even though an 'id' column exists
  const data::Manifest manifest = data::parse_manifest(
      "file,gender_at_birth,id\nx.png,male,1\ny.png,female,1\n", "m.csv", "/", columns);
  CHECK_FALSE(manifest.has_id);
  CHECK(manifest.records[0].sex == data::Sex::Male);
  CHECK(manifest.records[1].sex == data::Sex::Female);
}

TEST_CASE("class folders: F/ and M/, images only, sorted; read_dataset prefers manifest.csv") {
  data::testing::TemporaryFolder folder("class_folders");
  const auto root = folder.path();
  std::filesystem::create_directories(root / "F");
  std::filesystem::create_directories(root / "M" / "nested");
  for (const char* name :
       {"F/b.png", "F/a.JPG", "F/notes.txt", "M/c.jpeg", "M/nested/d.png", "M/e.dcm", "M/IM1"}) {
    data::testing::write_text(root / name, "x");
  }
  const data::Manifest manifest = data::read_dataset(root);
  REQUIRE(manifest.records.size() == 4);
  CHECK(manifest.records[0].path_text == "F/a.JPG");
  CHECK(manifest.records[1].path_text == "F/b.png");
  CHECK(manifest.records[2].path_text == "M/c.jpeg");
  CHECK(manifest.records[3].path_text == "M/e.dcm");
  CHECK(manifest.records[2].sex == data::Sex::Male);
  CHECK(manifest.records[2].file == root / "M" / "c.jpeg");
  CHECK_FALSE(manifest.has_id);

  data::testing::write_text(root / "manifest.csv", "path,sex\nF/b.png,F\n");
  const data::Manifest from_manifest = data::read_dataset(root);
  REQUIRE(from_manifest.records.size() == 1);
  CHECK(from_manifest.records[0].file == root / "F/b.png");
}

TEST_CASE("class folders: missing or empty folders are errors naming the root") {
  data::testing::TemporaryFolder folder("empty_classes");
  const std::string root = folder.path().string();
  CHECK_THROWS_WITH_AS(
      data::read_class_folders(folder.path()),
      (root + ": neither a manifest.csv nor class folders F/ and M/ found").c_str(),
      data::DataError);
  std::filesystem::create_directories(folder.path() / "M");
  CHECK_THROWS_WITH_AS(data::read_class_folders(folder.path()),
                       (root + ": no .png, .jpg, .jpeg or .dcm files in F/ or M/").c_str(),
                       data::DataError);
  CHECK_THROWS_WITH_AS(data::read_dataset(folder.path() / "absent"),
                       ((folder.path() / "absent").string() + ": no such file or folder").c_str(),
                       data::DataError);
  CHECK_THROWS_WITH_AS(data::read_manifest(folder.path() / "absent.csv"),
                       ((folder.path() / "absent.csv").string() + ": file not found").c_str(),
                       data::DataError);
}

TEST_CASE("manifest: paths must resolve inside the manifest's folder unless allowed") {
  CHECK(error_of("path,sex\n/etc/shadow,F\n") ==
        "m.csv:2:1: path '/etc/shadow' resolves to /etc/shadow, outside the manifest's folder "
        "/base (--allow-outside-paths reads it)");
  CHECK(error_of("path,sex\nimages/../../x.png,F\n")
            .find("'images/../../x.png' resolves to /x.png, "
                  "outside") != std::string::npos);
  CHECK(error_of("path,sex\nimages/../x.png,F\n") == "no error");  // still inside /base
  CHECK(error_of("path,sex\n/base/sub/x.png,F\n") == "no error");
  CHECK(error_of("path,sex\n/basement/x.png,F\n").find("outside") != std::string::npos);
  // A manifest named without a folder ("list.csv") has the current folder as its own.
  CHECK(data::outside_folder_reason("/etc/passwd", "").find("outside") != std::string::npos);
  CHECK(data::outside_folder_reason("x.png", "").empty());

  // A symbolic link inside the folder that leads out of it is outside too.
  data::testing::TemporaryFolder folder("confined");
  const auto root = folder.path();
  std::filesystem::create_directories(root / "data" / "F");
  data::testing::write_text(root / "secret.png", "x");
  data::testing::write_text(root / "data" / "F" / "inside.png", "x");
  std::filesystem::create_symlink(root / "secret.png", root / "data" / "link.png");
  data::testing::write_text(root / "data" / "manifest.csv",
                            "path,sex\nF/inside.png,F\nlink.png,M\n");
  const std::string link_outside = "'link.png' resolves to " + (root / "secret.png").string();
  CHECK_THROWS_WITH_AS(data::read_manifest(root / "data" / "manifest.csv"),
                       doctest::Contains(link_outside.c_str()), data::DataError);
  CHECK(data::read_manifest(root / "data" / "manifest.csv", {}, data::PathPolicy{true})
            .records.size() == 2);
  std::filesystem::create_symlink(root / "secret.png", root / "data" / "F" / "out.png");
  const std::string entry_outside = "out.png: resolves to " + (root / "secret.png").string();
  CHECK_THROWS_WITH_AS(data::read_class_folders(root / "data"),
                       doctest::Contains(entry_outside.c_str()), data::DataError);
  CHECK(data::read_class_folders(root / "data", data::PathPolicy{true}).records.size() == 2);
}

TEST_CASE("class folders: a broken or looping link is a record that fails when read, by name") {
  data::testing::TemporaryFolder folder("linked_classes");
  const auto root = folder.path();
  std::filesystem::create_directories(root / "F");
  data::testing::write_text(root / "F" / "a.png", "x");
  std::filesystem::create_symlink("gone.png", root / "F" / "b.png");
  std::filesystem::create_symlink("d.png", root / "F" / "c.png");
  std::filesystem::create_symlink("c.png", root / "F" / "d.png");
  const data::Manifest manifest = data::read_class_folders(root);
  REQUIRE(manifest.records.size() == 4);
  CHECK_THROWS_WITH_AS(
      data::read_file_bytes(manifest.records[1].file),
      ((root / "F" / "b.png").string() + ": a symbolic link to a missing file (-> gone.png)")
          .c_str(),
      data::DataError);
  CHECK_THROWS_WITH_AS(data::read_file_bytes(manifest.records[2].file),
                       ((root / "F" / "c.png").string() +
                        ": a symbolic link loop (too many levels of symbolic links)")
                           .c_str(),
                       data::DataError);
}
