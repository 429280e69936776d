// The sample's report as a person sees it: headless Chromium (Debian's `chromium`) opens the
// HTML file, offline, and
// - its screenshot is not blank: many colours, a fair share of ink, and the bars' blue drawn;
// - its DOM after parsing has every section, each chart an <svg> Chromium kept;
// - it prints: --print-to-pdf makes a PDF.
// Skipped, saying so, only when chromium is not installed (scripts/bootstrap installs it; CI has
// it). Chromium runs with its own profile folder in the test's temporary folder.
#include <gtest/gtest.h>
#include <png.h>

#include <cstdlib>
#include <cstring>
#include <set>

#include "report_support.h"

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> FindChromium() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

struct Pixels {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;  // row by row, 3 bytes a pixel
};

// Decodes a PNG with libpng's simplified API; an unreadable file fails the calling test.
Pixels ReadPng(const fs::path& file) {
  Pixels out;
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, file.c_str())) {
    ADD_FAILURE() << file << ": " << image.message;
    return out;
  }
  image.format = PNG_FORMAT_RGB;
  out.rgb.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.rgb.data(), 0, nullptr)) {
    ADD_FAILURE() << file << ": " << image.message;
    png_image_free(&image);
    return out;
  }
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  return out;
}

class ReportInBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = FindChromium();
    if (!chromium_) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
    const auto run =
        RunSparkify("run -q --database " + (dir_ / "w.db").string() + " " + SampleSources());
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto report =
        RunSparkify("report --database " + (dir_ / "w.db").string() + " --out " + html().string());
    ASSERT_EQ(report.exit_code, 0) << report.err;
  }

  fs::path html() const { return dir_ / "report.html"; }

  // Runs chromium headless on the report with `args`; returns its stdout.
  std::string Chromium(const std::string& args) {
    const fs::path out = dir_ / "chromium.out";
    const std::string command = "timeout 180 " + chromium_->string() +
                                " --headless --no-sandbox --disable-gpu --hide-scrollbars "
                                "--no-first-run --user-data-dir=" +
                                (dir_ / "profile").string() + " " + args + " file://" +
                                html().string() + " >" + out.string() + " 2>" +
                                (dir_ / "chromium.err").string();
    const int status = std::system(command.c_str());
    EXPECT_EQ(status, 0) << command << "\n" << ReadFile(dir_ / "chromium.err");
    return ReadFile(out);
  }

  TempDir dir_;
  std::optional<fs::path> chromium_;
};

TEST_F(ReportInBrowser, ScreenshotIsNotBlank) {
  const fs::path png = dir_ / "report.png";
  Chromium("--window-size=900,1600 --screenshot=" + png.string());
  const Pixels image = ReadPng(png);
  ASSERT_EQ(image.width, 900);
  ASSERT_EQ(image.height, 1600);
  std::set<uint32_t> colours;
  size_t ink = 0, bar_blue = 0;
  const size_t pixels = image.rgb.size() / 3;
  for (size_t i = 0; i < pixels; ++i) {
    const int r = image.rgb[3 * i], g = image.rgb[3 * i + 1], b = image.rgb[3 * i + 2];
    colours.insert(static_cast<uint32_t>(r << 16 | g << 8 | b));
    if (r + g + b < 3 * 235) ++ink;
    // The charts' bars, #4e79a7 (78, 121, 167).
    if (std::abs(r - 78) < 6 && std::abs(g - 121) < 6 && std::abs(b - 167) < 6) ++bar_blue;
  }
  EXPECT_GT(colours.size(), 100u) << "too few colours: a blank or broken page";
  EXPECT_GT(ink, pixels / 50) << "almost nothing drawn";
  EXPECT_LT(ink, pixels * 9 / 10) << "almost everything dark";
  // The first screen holds the plays-per-day chart: 30 bars of at least a few pixels each.
  EXPECT_GT(bar_blue, 5000u) << "the charts' bars are not drawn";
}

TEST_F(ReportInBrowser, EverySectionIsInTheParsedPage) {
  const std::string dom = Chromium("--dump-dom");
  ASSERT_NE(dom.find("<html"), std::string::npos) << dom.substr(0, 300);
  EXPECT_NE(dom.find("<section id=\"headline\">"), std::string::npos);
  for (const auto& id : ReportSectionIds()) {
    EXPECT_NE(dom.find("<section id=\"" + id + "\">"), std::string::npos) << id;
  }
  const std::string page = ReadFile(html());
  size_t in_file = 0, in_dom = 0;
  for (size_t at = page.find("<svg"); at != std::string::npos; at = page.find("<svg", at + 1)) {
    ++in_file;
  }
  for (size_t at = dom.find("<svg"); at != std::string::npos; at = dom.find("<svg", at + 1)) {
    ++in_dom;
  }
  EXPECT_GE(in_file, 8u);  // every charted section of the sample (no quarantine to chart)
  EXPECT_EQ(in_dom, in_file) << "Chromium dropped a chart";
  EXPECT_NE(dom.find("You're The One"), std::string::npos);
}

TEST_F(ReportInBrowser, Prints) {
  const fs::path pdf = dir_ / "report.pdf";
  Chromium("--no-pdf-header-footer --print-to-pdf=" + pdf.string());
  const std::string bytes = ReadFile(pdf);
  ASSERT_GT(bytes.size(), 10000u);
  EXPECT_EQ(bytes.substr(0, 5), "%PDF-");
  size_t pages = 0;
  for (size_t at = bytes.find("/Type /Page"); at != std::string::npos;
       at = bytes.find("/Type /Page", at + 1)) {
    if (bytes.compare(at, 12, "/Type /Pages") != 0) ++pages;
  }
  EXPECT_GE(pages, 3u) << "the report should take a few A4 pages";
}

}  // namespace
}  // namespace sparkify::testing
