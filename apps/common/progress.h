// Progress of a long run. On a terminal: one line redrawn in place (epoch, batch, loss, images/s,
// time left). Otherwise (a log file, CI): a plain line now and then, never control characters.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace engine::apps {

class Progress {
 public:
  explicit Progress(std::FILE* stream = stdout);
  bool interactive() const { return interactive_; }

  void start(const std::string& label, long total_batches);
  void update(long batches_done, double mean_loss, long images_done);
  void finish();                          // ends the bar's line
  void message(const std::string& text);  // a whole line, after the bar if one is drawn

 private:
  std::FILE* stream_;
  bool interactive_;
  bool bar_drawn_ = false;
  std::string label_;
  long total_ = 0;
  std::chrono::steady_clock::time_point started_, last_drawn_;
};

std::string format_duration(double seconds);  // "1h02m", "3m05s", "12.3s"

}  // namespace engine::apps
