// The report as a list of blocks (headings, paragraphs, tables, figures), built once from
// results.json and rendered twice: as GitHub-flavoured markdown and as one self-contained HTML
// file. Keeping the content in one place means the two files cannot disagree.
//
// All text in a block is plain text: the renderers escape it for their format, so a name or a
// path from results.json can never become markup.
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace engine::report {

struct Heading {
  int level = 2;  // 1 = document title
  std::string text;
};

// A paragraph, optionally led by a bold label ("Stop reason: ...").
struct Paragraph {
  std::string label;
  std::string text;
};

// A warning that must not be missed (synthetic data).
struct Banner {
  std::string title;
  std::string text;
};

struct BulletList {
  std::vector<std::string> items;
};

enum class Align { left, right };

struct Table {
  std::string caption;  // what, which split, how many cases
  std::vector<std::string> header;
  std::vector<Align> align;  // per column; missing entries are left-aligned
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;  // methods and definitions, printed under the table
};

struct Figure {
  std::string file;     // relative to the run folder, e.g. "plots/roc.svg"
  std::string svg;      // the complete SVG document
  std::string caption;  // also the markdown image's alt text
};

using Block = std::variant<Heading, Paragraph, Banner, BulletList, Table, Figure>;

struct Document {
  std::string title;
  std::vector<Block> blocks;

  void heading(int level, std::string text) {
    blocks.emplace_back(Heading{level, std::move(text)});
  }
  void paragraph(std::string text, std::string label = {}) {
    blocks.emplace_back(Paragraph{std::move(label), std::move(text)});
  }
  void add(Block block) { blocks.push_back(std::move(block)); }
};

// Markdown that shows each figure by its file (the caller writes the SVG files).
std::string render_markdown(const Document& document);
// One HTML file with inline CSS and inline SVG; no scripts, no external resources.
std::string render_html(const Document& document, const std::string& generator);

}  // namespace engine::report
