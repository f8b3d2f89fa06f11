// The command line's positional arguments expanded into the list of images to predict, each
// with its own error so that one bad argument or file never stops the rest of a batch.
//
//   an image file        one item (any name: the decoder decides whether it is a PNG, JPEG or
//                        DICOM file)
//   a CSV file (*.csv)   a manifest: with a `sex` column it is read by data::read_manifest (strict,
//                        the known sex is carried as the truth and shown beside the estimate);
//                        with only a `path` column it is a plain list of images. Paths are
//                        relative to the manifest's folder and must resolve inside it (after
//                        symbolic links) unless the policy allows outside paths.
//   a folder             its manifest.csv when present; else class folders F/ and M/ when
//                        present; else its *.png, *.jpg, *.jpeg, *.dcm files (any letter case, not
//                        recursive), in byte order of their names. A broken or looping symbolic
//                        link with an image name is an item of its own, which fails when read.
// Items keep the order of the arguments, then of the manifest or folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "data/manifest.h"

namespace engine::apps {

struct InputItem {
  std::string label;  // what the output shows: the path as given or as the manifest wrote it
  std::filesystem::path file;  // where to read it
  std::string origin;          // the argument, or "manifest.csv:12", or "F/a.png"
  std::optional<int> truth;  // class index (0 female, 1 male) when a manifest or class folder says
  std::string error;         // not empty: this item failed before any image was read
};

struct ExpandedInputs {
  std::vector<InputItem> items;
  std::vector<std::string> notes;                // e.g. files in a folder that were not images
  std::vector<std::filesystem::path> manifests;  // the CSV files read to list the items
};

ExpandedInputs expand_inputs(const std::vector<std::string>& arguments,
                             const data::PathPolicy& paths = {});

}  // namespace engine::apps
