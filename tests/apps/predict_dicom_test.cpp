// DICOM through both programs: predict_app reads DICOM given by name (any name), in folders
// (*.dcm) and in manifests, gives a DICOM made from a PNG the PNG's very logits, reports the
// DICOM metadata in JSON, CSV and the table, and refuses a right hand or a non-hand body part
// unless --allow-unusual-images; train_app trains on a DICOM manifest and lists every DICOM image
// in results.json. Patient-identifying values planted in the files reach no output at all.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "apps/train/run.h"
#include "data/decode.h"
#include "data/file.h"
#include "data/phantom.h"
#include "data/png_write.h"
#include "tests/apps/predict_support.h"
#include "tests/apps/training_support.h"
#include "tests/data/dicom_fixtures.h"

namespace engine::apps::testing {

namespace {

using data::testing::dicom_tag;
using data::testing::dicom_text;

// Values no output may ever contain: they identify the patient.
const std::vector<std::string> planted = {"Zyxwvu^Planted",   "PID-PLANTED-4711",  "19010203",
                                          "OTHER-ID-PLANTED", "Planted Street 99", "Dr^Plantedref",
                                          "ACC-PLANTED-0815"};

data::testing::DicomElements patient_tags() {
  data::testing::DicomElements tags;
  tags[dicom_tag(0x0010, 0x0010)] = dicom_text("PN", planted[0]);  // Patient's Name
  tags[dicom_tag(0x0010, 0x0020)] = dicom_text("LO", planted[1]);  // Patient ID
  tags[dicom_tag(0x0010, 0x0030)] = dicom_text("DA", planted[2]);  // Patient's Birth Date
  tags[dicom_tag(0x0010, 0x1000)] = dicom_text("LO", planted[3]);  // Other Patient IDs
  tags[dicom_tag(0x0010, 0x1040)] = dicom_text("LO", planted[4]);  // Patient's Address
  tags[dicom_tag(0x0008, 0x0090)] = dicom_text("PN", planted[5]);  // Referring Physician
  tags[dicom_tag(0x0008, 0x0050)] = dicom_text("SH", planted[6]);  // Accession Number
  return tags;
}

// A phantom as DICOM: a left hand, with pixel spacing and the planted patient values.
std::vector<std::uint8_t> dicom_phantom(const data::Image& image, const std::string& laterality,
                                        const std::string& body_part, const std::string& instance) {
  data::testing::DicomSpec spec = data::testing::dicom_spec_of(image);
  spec.extra = patient_tags();
  spec.extra[dicom_tag(0x0008, 0x0018)] = dicom_text("UI", instance);
  spec.extra[dicom_tag(0x0018, 0x0015)] = dicom_text("CS", body_part);
  spec.extra[dicom_tag(0x0020, 0x0062)] = dicom_text("CS", laterality);
  spec.extra[dicom_tag(0x0028, 0x0030)] = dicom_text("DS", "0.15\\0.15");
  return data::testing::make_dicom(spec);
}

const Json& item_named(const Json& json, const std::string& suffix) {
  for (const Json& item : json.at("predictions").as_array()) {
    if (item.at("image").as_string().ends_with(suffix)) return item;
  }
  FAIL("no prediction for " << suffix);
  static const Json none;
  return none;
}

// Every planted value absent from `text` (named `where` in the failure).
void check_no_patient_data(const std::string& text, const std::string& where) {
  for (const std::string& value : planted) {
    INFO(where << " holds " << value);
    CHECK(text.find(value) == std::string::npos);
  }
}

// Returns how many files were read, so that a test can tell the check was not vacuous.
int check_folder_has_no_patient_data(const std::filesystem::path& folder) {
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().extension() != ".dcm") {
      check_no_patient_data(data::read_file_text(entry.path()), entry.path().string());
      ++files;
    }
  }
  return files;
}

// Standard output and error of the process while `work` runs (train_app prints progress there).
template <typename Work>
std::string captured_output(const std::filesystem::path& file, Work work) {
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved_out = ::dup(1), saved_err = ::dup(2);
  std::FILE* sink = std::fopen(file.string().c_str(), "w");
  ::dup2(::fileno(sink), 1);
  ::dup2(::fileno(sink), 2);
  work();
  std::fflush(stdout);
  std::fflush(stderr);
  ::dup2(saved_out, 1);
  ::dup2(saved_err, 2);
  ::close(saved_out);
  ::close(saved_err);
  std::fclose(sink);
  return data::read_file_text(file);
}

}  // namespace

TEST_CASE("predict_app on DICOM: folders, names, metadata, the round trip and the rules") {
  TemporaryFolder folder("predict_dicom");
  std::filesystem::create_directories(folder.path);
  const std::filesystem::path checkpoint = folder.path / "model.safetensors";
  write_test_checkpoint(checkpoint, "resnet18", 64, calibration_block(1.0, false, 0));
  const std::filesystem::path images = folder.path / "images";
  std::filesystem::create_directories(images);
  const data::Image phantom = data::phantom_image(5, 1, 96);
  data::write_png(images / "hand.png", phantom);
  data::write_file_bytes(images / "hand.dcm", dicom_phantom(phantom, "L", "HAND", "1.2.3.1"));
  data::write_file_bytes(images / "right.dcm", dicom_phantom(phantom, "R", "HAND", "1.2.3.2"));
  data::write_file_bytes(images / "chest.dcm", dicom_phantom(phantom, "L", "CHEST", "1.2.3.3"));
  data::write_file_bytes(folder.path / "IM0001", dicom_phantom(phantom, "L", "HAND", "1.2.3.4"));

  const CommandResult result =
      run_predict({"--model", checkpoint.string(), "--device", "cpu", "--format", "json",
                   "--batch-size", "1", images.string(), (folder.path / "IM0001").string()});
  CHECK(result.exit_code == 1);  // the right hand and the chest fail
  check_no_patient_data(result.out + result.err, "predict_app's output");
  const Json json = Json::parse(result.out);
  const Json& png = item_named(json, "hand.png");
  const Json& dicom = item_named(json, "hand.dcm");
  REQUIRE(dicom.at("status").as_string() == "ok");
  // The DICOM made from the PNG gives the PNG's logits exactly. Exact only for the same
  // computation: each image in a forward pass of its own (--batch-size 1), because the same image
  // at another row of a batch's GEMM may be summed in another order (OpenBLAS's AVX2 kernels
  // handle a matrix's edge rows apart: the last digit of a logit moved, docs/TESTING.md).
  CHECK(dicom.at("logits").at("male").as_number() == png.at("logits").at("male").as_number());
  CHECK(dicom.at("logits").at("female").as_number() == png.at("logits").at("female").as_number());
  CHECK(dicom.at("bit_depth").as_integer() == 8);
  const Json& metadata = dicom.at("dicom");
  CHECK(metadata.at("sop_instance_uid").as_string() == "1.2.3.1");
  CHECK(metadata.at("image_laterality").as_string() == "L");
  CHECK(metadata.at("body_part_examined").as_string() == "HAND");
  CHECK(metadata.at("pixel_spacing_mm").as_array().size() == 2);
  CHECK(metadata.at("voi").as_string() == "full stored range (no VOI LUT or window in the file)");
  CHECK(dicom.at("provenance").at("dicom_sop_instance_uid").as_string() == "1.2.3.1");
  CHECK(dicom.at("provenance").at("image_sha256").as_string() ==
        data::sha256_file_hex(images / "hand.dcm"));
  CHECK(png.at("dicom").is_null());
  CHECK(item_named(json, "IM0001").at("status").as_string() == "ok");
  CHECK(item_named(json, "right.dcm").at("error").as_string() ==
        (images / "right.dcm").string() +
            ": a right hand (DICOM Image Laterality R): the model is meant for left-hand "
            "radiographs, the convention its training data follow (--allow-unusual-images "
            "overrides)");
  CHECK(item_named(json, "chest.dcm").at("error").as_string() ==
        (images / "chest.dcm").string() +
            ": DICOM Body Part Examined is CHEST, not a hand (--allow-unusual-images overrides)");
  CHECK(json.at("preprocessing").at("dicom_window").as_string() == "file");
  CHECK(json.at("preprocessing").at("dicom_window_source").as_string() ==
        "default (the checkpoint does not say)");

  // Overridden, the right hand is predicted and the broken rule recorded; CSV and table.
  const CommandResult csv =
      run_predict({"--model", checkpoint.string(), "--device", "cpu", "--format", "csv",
                   "--allow-unusual-images", (images / "right.dcm").string()});
  CHECK(csv.exit_code == 0);
  CHECK(csv.out.find(",dicom_sop_instance_uid,dicom,notes\n") != std::string::npos);
  CHECK(csv.out.find(",1.2.3.2,SOP Instance UID 1.2.3.2; body part HAND; laterality R; pixel "
                     "spacing 0.15 x 0.15 mm; Explicit VR Little Endian; full stored range") !=
        std::string::npos);
  const CommandResult table =
      run_predict({"--model", checkpoint.string(), "--device", "cpu", "--allow-unusual-images",
                   (images / "right.dcm").string()});
  CHECK(table.out.find("    note: a right hand (DICOM Image Laterality R)") != std::string::npos);
  CHECK(table.out.find("    dicom: SOP Instance UID 1.2.3.2; body part HAND; laterality R") !=
        std::string::npos);
  check_no_patient_data(csv.out + csv.err + table.out + table.err, "CSV and table output");
}

TEST_CASE("predict_app --dicom-window: the file's window, or the full range like the PNG") {
  TemporaryFolder folder("predict_dicom_window");
  std::filesystem::create_directories(folder.path);
  const std::filesystem::path checkpoint = folder.path / "model.safetensors";
  write_test_checkpoint(checkpoint, "resnet18", 64, calibration_block(1.0, false, 0));
  const data::Image phantom = data::phantom_image(5, 2, 96);
  data::write_png(folder.path / "hand.png", phantom);
  data::testing::DicomSpec spec = data::testing::dicom_spec_of(phantom);
  spec.extra[dicom_tag(0x0028, 0x1050)] = dicom_text("DS", "100");
  spec.extra[dicom_tag(0x0028, 0x1051)] = dicom_text("DS", "80");
  data::write_file_bytes(folder.path / "hand.dcm", data::testing::make_dicom(spec));
  const auto logit = [&](const std::string& file, const std::string& window) {
    const CommandResult result =
        run_predict({"--model", checkpoint.string(), "--device", "cpu", "--format", "json",
                     "--dicom-window", window, (folder.path / file).string()});
    REQUIRE(result.exit_code == 0);
    const Json json = Json::parse(result.out);
    CHECK(json.at("preprocessing").at("dicom_window").as_string() ==
          (window == "checkpoint" ? "file" : window));
    return json.at("predictions").as_array().at(0).at("logits").at("male").as_number();
  };
  const double png = logit("hand.png", "checkpoint");
  CHECK(logit("hand.dcm", "none") == png);
  CHECK(logit("hand.dcm", "file") != png);  // the narrow window changes the picture
  CHECK(logit("hand.dcm", "checkpoint") == logit("hand.dcm", "file"));
}

TEST_CASE("train_app on a DICOM manifest; no patient data in any file or message") {
  TemporaryFolder folder("train_dicom");
  const std::filesystem::path images = folder.path / "images";
  std::filesystem::create_directories(images);
  std::string manifest = "path,sex\n";
  for (int index = 0; index < 24; ++index) {
    const std::string name = "hand" + std::to_string(index) + ".dcm";
    const data::Image phantom = data::phantom_image(3, static_cast<std::uint64_t>(index), 64);
    data::write_file_bytes(images / name,
                           dicom_phantom(phantom, "L", "HAND", "1.2.9." + std::to_string(index)));
    manifest += "images/" + name + "," + (index % 2 ? "M" : "F") + "\n";
  }
  data::write_file_text(folder.path / "manifest.csv", manifest);
  for (const std::string& value : planted) {  // the files do hold them
    CHECK(data::read_file_text(images / "hand0.dcm").find(value) != std::string::npos);
  }
  TrainingConfig config = small_config(folder.path / "run");
  config.data = (folder.path / "manifest.csv").string();
  config.epochs = 1;
  config.validation_fraction = 0.25;
  config.bootstrap_replicates = 20;
  const std::string output = captured_output(
      folder.path / "train_output.txt", [&] { run_training(config, "train_app (DICOM test)"); });
  check_no_patient_data(output, "train_app's messages");
  const Json results = read_json_file(folder.path / "run" / "results.json");
  const Json& dicom = results.at("data").at("dicom");
  CHECK(dicom.at("window").as_string() == "file");
  const Json::Array& listed = dicom.at("images").as_array();
  REQUIRE(listed.size() == 24);
  CHECK(listed[0].at("path").as_string().starts_with("images/hand"));
  CHECK(listed[0].at("sha256").as_string().size() == 64);
  CHECK(listed[0].at("sop_instance_uid").as_string().starts_with("1.2.9."));

  const std::filesystem::path checkpoint = folder.path / "run" / "resnet18" / "best.safetensors";
  const std::filesystem::path out = folder.path / "predict";
  std::filesystem::create_directories(out);
  for (const char* format : {"json", "csv", "table"}) {
    const CommandResult result =
        // --overwrite: the later runs replace the heatmaps the first one wrote (its own files).
        run_predict({"--model", checkpoint.string(), "--device", "cpu", "--format", format,
                     "--overwrite", "--explain", (out / "heatmaps").string(), "--out",
                     (out / (std::string("predictions.") + format)).string(),
                     (folder.path / "manifest.csv").string()});
    CHECK(result.exit_code == 0);
    check_no_patient_data(result.out + result.err, std::string("predict_app --format ") + format);
  }
  CHECK(read_json_file(out / "predictions.json")
            .at("preprocessing")
            .at("dicom_window_source")
            .as_string() == "checkpoint");
  // results.json, config.json, split.csv, predictions, history, checkpoints; predict_app's
  // three outputs and its heatmaps.
  CHECK(check_folder_has_no_patient_data(folder.path / "run") >= 6);
  CHECK(check_folder_has_no_patient_data(out) >= 3 + 24);
}

}  // namespace engine::apps::testing
