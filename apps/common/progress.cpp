#include "apps/common/progress.h"

#include <unistd.h>

namespace engine::apps {

std::string format_duration(double seconds) {
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(text, sizeof text, "%dm%02ds", static_cast<int>(seconds) / 60,
                  static_cast<int>(seconds) % 60);
  } else {
    std::snprintf(text, sizeof text, "%dh%02dm", static_cast<int>(seconds) / 3600,
                  static_cast<int>(seconds) % 3600 / 60);
  }
  return text;
}

Progress::Progress(std::FILE* stream)
    : stream_(stream), interactive_(isatty(fileno(stream)) == 1) {}

void Progress::start(const std::string& label, long total_batches) {
  finish();
  label_ = label;
  total_ = total_batches;
  started_ = last_drawn_ = std::chrono::steady_clock::now();
}

void Progress::update(long batches_done, double mean_loss, long images_done) {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const double since_drawn = std::chrono::duration<double>(now - last_drawn_).count();
  // A terminal is redrawn up to 5 times a second; a log gets a line every 30 seconds.
  if (since_drawn < (interactive_ ? 0.2 : 30.0) && batches_done < total_) return;
  last_drawn_ = now;
  const double rate = elapsed > 0 ? images_done / elapsed : 0.0;
  const double left = batches_done > 0 ? elapsed * (total_ - batches_done) / batches_done : 0.0;
  char text[256];
  if (interactive_) {
    const int width = 24;
    const int filled = total_ > 0 ? static_cast<int>(width * batches_done / total_) : width;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(width - filled), '.');
    std::snprintf(text, sizeof text, "\r%s [%s] %ld/%ld  loss %.4f  %.1f img/s  ETA %s   ",
                  label_.c_str(), bar.c_str(), batches_done, total_, mean_loss, rate,
                  format_duration(left).c_str());
    bar_drawn_ = true;
  } else {
    std::snprintf(text, sizeof text, "%s batch %ld/%ld  loss %.4f  %.1f img/s  ETA %s\n",
                  label_.c_str(), batches_done, total_, mean_loss, rate,
                  format_duration(left).c_str());
  }
  std::fputs(text, stream_);
  std::fflush(stream_);
}

void Progress::finish() {
  if (bar_drawn_) std::fputc('\n', stream_);
  bar_drawn_ = false;
}

void Progress::message(const std::string& text) {
  finish();
  std::fputs((text + "\n").c_str(), stream_);
  std::fflush(stream_);
}

}  // namespace engine::apps
