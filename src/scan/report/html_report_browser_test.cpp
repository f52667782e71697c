// The sample scan's report in headless Chromium (issue 11: "the report
// renders in headless Chromium"): a screenshot that has the page's ink and
// its charts' colour, the DOM after the browser parsed the page (every
// section, every row, a hostile name still text), and a PDF print. Skips
// only when no Chromium is installed (scripts/install-deps installs it).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <libdeflate.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "kintsugi/scan_report_html.h"
#include "scan/report/svg_chart.h"

namespace kintsugi::scan_report {
namespace {

namespace fs = std::filesystem;

constexpr int kWidth = 1280;
constexpr int kHeight = 2000;

// $KINTSUGI_CHROMIUM, or the first Chromium on the PATH; "" for none.
std::string FindChromium() {
  if (const char* given = std::getenv("KINTSUGI_CHROMIUM")) return given;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path == nullptr ? "/usr/bin:/bin" : path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    for (const char* name :
         {"chromium", "chromium-browser", "google-chrome", "chrome"}) {
      const fs::path candidate = fs::path(dir) / name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return "";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Runs `argv` under timeout(1) (a hung browser fails the test rather than
// stalling the suite), stdout to `out`, stderr to `err`; its exit code.
int RunWithTimeout(std::vector<std::string> argv, const fs::path& out,
                   const fs::path& err) {
  argv.insert(argv.begin(), {"timeout", "120"});
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out_fd < 0 || err_fd < 0 || dup2(out_fd, 1) < 0 ||
        dup2(err_fd, 2) < 0) {
      _exit(127);
    }
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::uint32_t BigEndian32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes[at + i]);
  }
  return value;
}

// An 8-bit RGB or RGBA PNG decoded to RGB rows (PNG spec §11, §9 filters).
struct Image {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> rgb;
};

std::optional<Image> DecodePng(std::string_view png, std::string& why) {
  if (png.size() < 33 || png.substr(0, 8) != "\x89PNG\r\n\x1A\n" ||
      png.substr(12, 4) != "IHDR") {
    why = "not a PNG";
    return std::nullopt;
  }
  Image image;
  image.width = BigEndian32(png, 16);
  image.height = BigEndian32(png, 20);
  const auto depth = static_cast<std::uint8_t>(png[24]);
  const auto colour = static_cast<std::uint8_t>(png[25]);
  const auto interlace = static_cast<std::uint8_t>(png[28]);
  if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0) {
    why = "not 8-bit RGB(A), non-interlaced";
    return std::nullopt;
  }
  const std::size_t channels = colour == 6 ? 4 : 3;
  std::string idat;
  for (std::size_t at = 8; at + 12 <= png.size();) {
    const std::uint32_t length = BigEndian32(png, at);
    if (at + 12 + length > png.size()) break;
    if (png.substr(at + 4, 4) == "IDAT") idat += png.substr(at + 8, length);
    at += 12 + length;
  }
  const std::size_t stride = image.width * channels;
  std::vector<std::uint8_t> raw((stride + 1) * image.height);
  libdeflate_decompressor* inflater = libdeflate_alloc_decompressor();
  const libdeflate_result result = libdeflate_zlib_decompress(
      inflater, idat.data(), idat.size(), raw.data(), raw.size(), nullptr);
  libdeflate_free_decompressor(inflater);
  if (result != LIBDEFLATE_SUCCESS) {
    why = "IDAT does not inflate to the image's size";
    return std::nullopt;
  }
  std::vector<std::uint8_t> previous(stride, 0);
  std::vector<std::uint8_t> row(stride);
  image.rgb.reserve(std::size_t{image.width} * image.height * 3);
  for (std::uint32_t y = 0; y < image.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t* in = &raw[y * (stride + 1) + 1];
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= channels ? row[x - channels] : 0;
      const int b = previous[x];
      const int c = x >= channels ? previous[x - channels] : 0;
      int predicted = 0;
      switch (filter) {
        case 1:
          predicted = a;
          break;
        case 2:
          predicted = b;
          break;
        case 3:
          predicted = (a + b) / 2;
          break;
        case 4: {
          const int p = a + b - c;
          const int pa = std::abs(p - a);
          const int pb = std::abs(p - b);
          const int pc = std::abs(p - c);
          predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
          break;
        }
        default:
          break;
      }
      row[x] = static_cast<std::uint8_t>(in[x] + predicted);
    }
    for (std::size_t x = 0; x < image.width; ++x) {
      for (std::size_t k = 0; k < 3; ++k) {
        image.rgb.push_back(row[x * channels + k]);
      }
    }
    previous = row;
  }
  return image;
}

class ScanReportBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = FindChromium();
    if (chromium_.empty()) {
      GTEST_SKIP() << "Chromium is not installed (no chromium, "
                      "chromium-browser or google-chrome on the PATH, and "
                      "no $KINTSUGI_CHROMIUM): scripts/install-deps installs "
                      "it";
    }
    dir_ = testing::MakeTestDir("scan-report");
    ASSERT_FALSE(dir_.empty());
    const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
    sample_ = ReadFile(fs::path(root == nullptr ? "." : root) /
                       "src/scan/report/testdata/sample_scan.json");
    ASSERT_NO_FATAL_FAILURE(WriteReport(sample_));
  }

  // Writes the report of `json` where Chromium() opens it, with `script`
  // (a test's probe) before </body>.
  void WriteReport(const std::string& json, const std::string& script = "") {
    Result<std::string> page = RenderScanReportHtml(json);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    std::string html = std::move(*page);
    if (!script.empty()) {
      const std::size_t end = html.rfind("</body>");
      ASSERT_NE(end, std::string::npos);
      html.insert(end, "<script>" + script + "</script>");
    }
    report_ = dir_ / "report.html";
    std::ofstream(report_, std::ios::binary) << html;
  }

  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    }
  }

  // Runs Chromium headless on the report with `flags`; its stdout.
  std::string Chromium(const std::string& name,
                       const std::vector<std::string>& flags) {
    std::vector<std::string> argv = {
        chromium_,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        "--user-data-dir=" + (dir_ / ("profile-" + name)).string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back("file://" + report_.string());
    const fs::path out = dir_ / (name + ".out");
    const fs::path err = dir_ / (name + ".err");
    const int code = RunWithTimeout(argv, out, err);
    EXPECT_EQ(code, 0) << name << ": " << ReadFile(err);
    return ReadFile(out);
  }

  std::string chromium_;
  std::string sample_;
  fs::path dir_;
  fs::path report_;
};

TEST_F(ScanReportBrowserTest, TheScreenshotShowsThePageAndItsCharts) {
  const fs::path shot = dir_ / "report.png";
  Chromium("screenshot", {"--screenshot=" + shot.string(),
                          "--window-size=" + std::to_string(kWidth) + "," +
                              std::to_string(kHeight)});
  const std::string png = ReadFile(shot);
  ASSERT_GT(png.size(), 10'000u) << "no screenshot, or a blank one";
  std::string why;
  const std::optional<Image> image = DecodePng(png, why);
  ASSERT_TRUE(image.has_value()) << why;
  EXPECT_EQ(image->width, static_cast<std::uint32_t>(kWidth));
  EXPECT_EQ(image->height, static_cast<std::uint32_t>(kHeight));
  // Ink: pixels far from white (text, rules, bars); and the bars' colour,
  // which only the charts use (svg_chart.h).
  std::size_t ink = 0;
  std::size_t bar = 0;
  const int bar_red =
      std::stoi(std::string(kBarColour.substr(1, 2)), nullptr, 16);
  const int bar_green =
      std::stoi(std::string(kBarColour.substr(3, 2)), nullptr, 16);
  const int bar_blue =
      std::stoi(std::string(kBarColour.substr(5, 2)), nullptr, 16);
  for (std::size_t i = 0; i + 2 < image->rgb.size(); i += 3) {
    const int r = image->rgb[i];
    const int g = image->rgb[i + 1];
    const int b = image->rgb[i + 2];
    if (r + g + b < 600) ++ink;
    if (std::abs(r - bar_red) < 8 && std::abs(g - bar_green) < 8 &&
        std::abs(b - bar_blue) < 8) {
      ++bar;
    }
  }
  const std::size_t pixels = std::size_t{kWidth} * kHeight;
  EXPECT_GT(ink, pixels / 200) << "the page looks blank";
  EXPECT_LT(ink, pixels / 2) << "the page looks filled";
  // The families chart alone has a bar of 340 x 14 units.
  EXPECT_GT(bar, 3000u) << "no chart bars in the screenshot";
}

TEST_F(ScanReportBrowserTest, TheParsedPageHasEverySectionAndRow) {
  const std::string dom = Chromium("dom", {"--dump-dom"});
  ASSERT_FALSE(dom.empty());
  for (const char* id : {"answer", "charts", "families", "notes", "timeline",
                         "errors", "files"}) {
    EXPECT_NE(dom.find("<section id=\"" + std::string(id) + "\">"),
              std::string::npos)
        << id;
  }
  const auto count = [&](std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = dom.find(what); at != std::string::npos;
         at = dom.find(what, at + 1)) {
      ++n;
    }
    return n;
  };
  // The browser kept the tables whole: a hostile name did not break one.
  EXPECT_EQ(count("<tr class=\"file-encrypted\">"), 6u);
  EXPECT_EQ(count("<tr class=\"file-note\">"), 2u);
  EXPECT_EQ(count("<tr class=\"file-clean\">"), 3u);
  EXPECT_EQ(count("<svg "), 4u);
  EXPECT_EQ(count("<script"), 0u);
  EXPECT_NE(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;.jpg.djvu"),
            std::string::npos);
}

TEST_F(ScanReportBrowserTest, ThePagePrintsToPdf) {
  const fs::path pdf = dir_ / "report.pdf";
  Chromium("pdf", {"--no-pdf-header-footer", "--print-to-pdf=" + pdf.string()});
  const std::string bytes = ReadFile(pdf);
  ASSERT_GT(bytes.size(), 10'000u) << "no PDF, or an empty one";
  EXPECT_EQ(bytes.substr(0, 5), "%PDF-");
  // Pages ("/Type /Page", not "/Type /Pages"): the sample fits in a few.
  std::size_t pages = 0;
  for (std::size_t at = bytes.find("/Type /Page"); at != std::string::npos;
       at = bytes.find("/Type /Page", at + 1)) {
    if (at + 11 >= bytes.size() || bytes[at + 11] != 's') ++pages;
  }
  EXPECT_GE(pages, 1u);
  EXPECT_LE(pages, 6u);
  // On A4 (the page's @page rule; Chromium's default is Letter): 595 x 842
  // points.
  const std::size_t box = bytes.find("/MediaBox [0 0 ");
  ASSERT_NE(box, std::string::npos);
  const double width = std::strtod(bytes.c_str() + box + 15, nullptr);
  EXPECT_NEAR(width, 595.3, 1.0);
}

TEST_F(ScanReportBrowserTest, NoTableIsWiderThanAnA4Page) {
  // A path of 400 characters without a break, a long family name, and a
  // window as wide as an A4 page's text (182 mm at 96 dpi: 688 px).
  nlohmann::json scan = nlohmann::json::parse(sample_);
  const std::string long_name = "/" + std::string(400, 'x') + ".djvu";
  scan["files"][0]["path"] = long_name;
  scan["errors"][0]["path"] = long_name;
  scan["families"][0]["family"] = std::string(120, 'f');
  scan["families"][0]["needs"] = std::string(300, 'n');
  ASSERT_NO_FATAL_FAILURE(
      WriteReport(scan.dump(),
                  "document.body.setAttribute('data-width', "
                  "String(document.documentElement.scrollWidth));"));
  const std::string dom =
      Chromium("width", {"--dump-dom", "--window-size=688,1000"});
  const std::size_t at = dom.find("data-width=\"");
  ASSERT_NE(at, std::string::npos) << "the probe did not run";
  EXPECT_LE(std::stoi(dom.substr(at + 12)), 688);
}

}  // namespace
}  // namespace kintsugi::scan_report
