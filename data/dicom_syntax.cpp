// The transfer syntaxes the engine knows by name (PS3.6 annex A), and which of them it decodes.
//
// Decoded: the three uncompressed ones, JPEG baseline and extended (8 and 12 bits, lossy), JPEG
// lossless (processes 14 and 14 SV1) and JPEG 2000 (lossless and lossy), the codecs behind them
// coming from GDCM (its IJG-derived JPEG libraries and OpenJPEG). GDCM could also decode JPEG-LS
// and RLE; they are refused here by name because the engine has no tested, fuzzed path for them
// yet (adding one is a table entry, a fixture and a pre-check of the codestream).
#include <array>

#include "data/dicom_parse.h"

namespace engine::data::dicom {

namespace {

struct Entry {
  const char* uid;
  const char* name;
  bool supported, encapsulated, big_endian, implicit_vr, lossy;
};

constexpr std::array<Entry, 26> syntaxes = {{
    {"1.2.840.10008.1.2", "Implicit VR Little Endian", true, false, false, true, false},
    {"1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false, false},
    {"1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, false, true, false, false},
    {"1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", false, false, false, false,
     false},
    {"1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true, true, false, false, true},
    {"1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true, true, false, false, true},
    {"1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", true, true, false,
     false, false},
    {"1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction", true,
     true, false, false, false},
    {"1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", false, true, false, false, false},
    {"1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)", false, true, false, false, true},
    {"1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", true, true, false,
     false, false},
    {"1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", true, true, false, false, true},
    {"1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component (Lossless Only)", false, true,
     false, false, false},
    {"1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component", false, true, false, false, true},
    {"1.2.840.10008.1.2.4.94", "JPIP Referenced", false, false, false, false, false},
    {"1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", false, false, false, false, false},
    {"1.2.840.10008.1.2.5", "RLE Lossless", false, true, false, false, false},
    {"1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", false, true, false, false, true},
    {"1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", false, true, false, false, true},
    {"1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile", false, true, false, false, true},
    {"1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)", false, true, false,
     false, false},
    {"1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL (Lossless Only)", false, true,
     false, false, false},
    {"1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000", false, true, false, false, true},
    {"1.2.840.10008.1.2.4.110", "JPEG XL Lossless", false, true, false, false, false},
    {"1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", false, true, false, false, false},
    {"1.2.840.10008.1.2.4.112", "JPEG XL", false, true, false, false, true},
}};

}  // namespace

TransferSyntax transfer_syntax(const std::string& uid) {
  for (const Entry& entry : syntaxes) {
    if (uid == entry.uid) {
      return {uid,
              entry.name,
              entry.supported,
              entry.encapsulated,
              entry.big_endian,
              entry.implicit_vr,
              entry.lossy};
    }
  }
  TransferSyntax unknown;
  unknown.uid = uid;
  unknown.name = "unknown transfer syntax";
  return unknown;
}

}  // namespace engine::data::dicom
