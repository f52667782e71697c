#include "gpu/akira_pairs.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <random>
#include <string_view>
#include <utility>

#if KINTSUGI_HAVE_OPENCL
#include "gpu/opencl_runtime.h"
#endif

namespace kintsugi::gpu {

namespace internal {
// The kernel's source, src/gpu/akira_pairs.cl, embedded at build time
// (akira_pairs_cl.cpp.in).
extern const std::string_view kAkiraPairsKernel;
}  // namespace internal

namespace {

// a * b in GF(2^8) modulo `poly` (x^8 + ..., bit 8 set).
std::uint8_t GfMul(std::uint8_t a, std::uint8_t b, unsigned poly) {
  unsigned x = a;
  unsigned product = 0;
  for (unsigned bits = b; bits != 0; bits >>= 1) {
    if ((bits & 1) != 0) product ^= x;
    x <<= 1;
    if ((x & 0x100) != 0) x ^= poly;
  }
  return static_cast<std::uint8_t>(product);
}

// The AES S-box (FIPS 197): inverse in GF(2^8) mod x^8+x^4+x^3+x+1, then
// the affine map.
std::uint8_t AesSbox(std::uint8_t value) {
  std::uint8_t inverse = 0;
  for (unsigned c = 1; c < 256 && value != 0; ++c) {
    if (GfMul(value, static_cast<std::uint8_t>(c), 0x11b) == 1) {
      inverse = static_cast<std::uint8_t>(c);
      break;
    }
  }
  const auto rotl = [](std::uint8_t x, unsigned n) {
    return static_cast<std::uint8_t>((x << n) | (x >> (8 - n)));
  };
  return static_cast<std::uint8_t>(inverse ^ rotl(inverse, 1) ^
                                   rotl(inverse, 2) ^ rotl(inverse, 3) ^
                                   rotl(inverse, 4) ^ 0x63);
}

// alpha_m as a multiplication on the top byte of a word (RFC 7008 amul_m):
// a -> (a c3, a c2, a c1, a c0), the root's polynomial coefficients, each
// multiplication in that table's own GF(2^8) representation. Checked: the
// tables give RFC 7008's three keystream vectors (akira_pairs_test.cpp)
// and amul0[1] = 0xB6086D1A, amul1[1] = 0xA0F5FC2E as printed in the RFC.
struct AlphaTable {
  std::uint32_t coefficients;  // amul_m[1]
  unsigned poly;               // The field's reduction polynomial.
};
constexpr AlphaTable kAlphas[4] = {
    {0xB6086D1Au, 0x1C3},  // beta: x^8 + x^7 + x^6 + x + 1
    {0xA0F5FC2Eu, 0x12D},  // x^8 + x^5 + x^3 + x^2 + 1
    {0x5BF87F93u, 0x14D},  // x^8 + x^6 + x^3 + x^2 + 1
    {0x4559568Bu, 0x165},  // x^8 + x^6 + x^5 + x^2 + 1
};

std::array<std::uint32_t, 1280> MakeTables() {
  std::array<std::uint32_t, 1280> tables{};
  for (unsigned a = 0; a < 256; ++a) {
    const std::uint8_t s = AesSbox(static_cast<std::uint8_t>(a));
    const std::uint8_t s2 = GfMul(s, 2, 0x11b);
    const std::uint8_t s3 = static_cast<std::uint8_t>(s2 ^ s);
    // The low byte's share of MixColumn: q0 += 2s, q1 += s, q2 += s, q3 +=
    // 3s.
    tables[a] = (std::uint32_t{s3} << 24) | (std::uint32_t{s} << 16) |
                (std::uint32_t{s} << 8) | s2;
    for (unsigned m = 0; m < 4; ++m) {
      std::uint32_t word = 0;
      for (unsigned lane = 0; lane < 4; ++lane) {
        const auto c =
            static_cast<std::uint8_t>(kAlphas[m].coefficients >> (8 * lane));
        word |= std::uint32_t{GfMul(static_cast<std::uint8_t>(a), c,
                                    kAlphas[m].poly)}
                << (8 * lane);
      }
      tables[256 + 256 * m + a] = word;
    }
  }
  return tables;
}

Status BadJob(std::string_view why) {
  return InvalidArgumentError(fmt::format("opencl.bad_job: {}", why));
}

// The job's checks, the same with or without OpenCL.
Status CheckJob(const AkiraPairJob& job) {
  if (job.gap_min > job.gap_max) return BadJob("gap_min > gap_max");
  if (job.max_hits == 0) return BadJob("max_hits is 0");
  if (job.targets.empty() || job.targets.size() > kMaxAkiraTargets) {
    return BadJob(fmt::format("{} targets (1 to {})", job.targets.size(),
                              kMaxAkiraTargets));
  }
  if (job.count == 0) return Status::Ok();
  const std::uint64_t last_iv =
      std::uint64_t{job.first} + job.count - 1 + job.gap_max;
  if (last_iv > 0xffffffffu) {
    return BadJob("the last IV's index does not fit in 32 bits");
  }
  if (last_iv >= job.keys.size()) {
    return BadJob(
        fmt::format("the key table has {} keys, the last IV is index {}",
                    job.keys.size(), last_iv));
  }
  return Status::Ok();
}

}  // namespace

const std::array<std::uint32_t, 1280>& KCipher2KernelTables() {
  static const std::array<std::uint32_t, 1280> tables = MakeTables();
  return tables;
}

#if !KINTSUGI_HAVE_OPENCL

struct AkiraPairSearch::State {
  OpenClDevice device;
};

namespace {
Status NotBuilt() {
  return UnsupportedError(
      "opencl.not_built: this build has no OpenCL path (configured with "
      "KINTSUGI_OPENCL=OFF, or without the OpenCL headers and ICD loader)");
}
}  // namespace

Result<std::unique_ptr<AkiraPairSearch>> AkiraPairSearch::Open(
    const OpenClDevice&, KernelTables) {
  return NotBuilt();
}
Result<std::vector<PairHit>> AkiraPairSearch::Run(const AkiraPairJob& job,
                                                  const StopToken&) const {
  KINTSUGI_RETURN_IF_ERROR(CheckJob(job));
  return NotBuilt();
}
Result<double> AkiraPairSearch::MeasurePairsPerSecond(
    std::chrono::milliseconds) const {
  return NotBuilt();
}
bool AkiraPairSearch::local_tables() const { return false; }
Result<std::vector<PairHit>> OpenClAkiraPairs(const AkiraPairJob& job,
                                              const StopToken&) {
  KINTSUGI_RETURN_IF_ERROR(CheckJob(job));
  return NotBuilt();
}

#else

namespace {

using internal::ClBuffer;
using internal::ClError;
using internal::ClKernel;
using internal::ClProgram;

// Pairs per launch: a launch takes tens of milliseconds at the device's
// speed, so a stop is seen quickly and the launch overhead stays small.
std::uint64_t LaunchPairs(DeviceKind kind) {
  return kind == DeviceKind::kCpu ? std::uint64_t{1} << 18
                                  : std::uint64_t{1} << 24;
}

// The widest gap band one launch covers (its first dimension).
constexpr std::uint32_t kMaxLaunchGaps = std::uint32_t{1} << 22;

std::uint32_t BigEndianWord(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | bytes[3];
}

}  // namespace

struct AkiraPairSearch::State {
  ClProgram program;
  ClKernel kernel;
  ClBuffer tables;
  bool local_tables = false;
  std::size_t group = 1;  // Work-items per work-group (first dimension).
  std::uint64_t max_alloc = 0;
  std::mutex launch;  // Kernel arguments and launches: one job at a time.
};

AkiraPairSearch::AkiraPairSearch(std::unique_ptr<State> state)
    : state_(std::move(state)) {}

Result<std::unique_ptr<AkiraPairSearch>> AkiraPairSearch::Open(
    const OpenClDevice& device, KernelTables tables) {
  bool local = tables == KernelTables::kLocal;
  if (tables == KernelTables::kAuto) {
    // Decided on the description: the device's memory type needs the
    // device, which Build() finds; GPUs and accelerators have local memory
    // on chip.
    local = device.kind == DeviceKind::kGpu ||
            device.kind == DeviceKind::kAccelerator;
  }
  const std::string options =
      local ? "-cl-std=CL1.2 -DKINTSUGI_LOCAL_TABLES" : "-cl-std=CL1.2";
  KINTSUGI_ASSIGN_OR_RETURN(
      ClProgram program,
      ClProgram::Build(device, internal::kAkiraPairsKernel, options));
  auto state = std::make_unique<State>();
  state->program = std::move(program);
  state->local_tables = local;
  KINTSUGI_ASSIGN_OR_RETURN(state->kernel,
                            state->program.Kernel("akira_pairs"));
  const auto& table = KCipher2KernelTables();
  KINTSUGI_ASSIGN_OR_RETURN(
      state->tables,
      state->program.Buffer(CL_MEM_READ_ONLY, sizeof(table), table.data()));
  std::size_t most = 0;
  std::size_t multiple = 1;
  cl_int err = clGetKernelWorkGroupInfo(
      state->kernel.get(), state->program.device(), CL_KERNEL_WORK_GROUP_SIZE,
      sizeof(most), &most, nullptr);
  if (err != CL_SUCCESS) return ClError(err, "clGetKernelWorkGroupInfo");
  err = clGetKernelWorkGroupInfo(state->kernel.get(), state->program.device(),
                                 CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
                                 sizeof(multiple), &multiple, nullptr);
  if (err != CL_SUCCESS) return ClError(err, "clGetKernelWorkGroupInfo");
  // 256 work-items where the kernel allows it, in whole multiples of the
  // device's preferred width.
  std::size_t group =
      std::min<std::size_t>(256, std::max<std::size_t>(most, 1));
  if (multiple > 1 && group >= multiple) group -= group % multiple;
  state->group = group;
  cl_ulong max_alloc = 0;
  err = clGetDeviceInfo(state->program.device(), CL_DEVICE_MAX_MEM_ALLOC_SIZE,
                        sizeof(max_alloc), &max_alloc, nullptr);
  if (err != CL_SUCCESS) return ClError(err, "clGetDeviceInfo");
  state->max_alloc = max_alloc;
  return std::unique_ptr<AkiraPairSearch>(
      new AkiraPairSearch(std::move(state)));
}

Result<std::vector<PairHit>> AkiraPairSearch::Run(const AkiraPairJob& job,
                                                  const StopToken& stop) const {
  KINTSUGI_RETURN_IF_ERROR(CheckJob(job));
  if (job.count == 0) return std::vector<PairHit>();
  // Only the slice the job reads goes to the device, as big-endian words
  // (RFC 7008 reads key and IV as big-endian words): keys[first, first +
  // count + gap_max).
  const std::uint64_t slice = std::uint64_t{job.count} + job.gap_max;
  if (slice * 16 > state_->max_alloc) {
    return ResourceExhaustedError(fmt::format(
        "opencl.job_too_big: {} keys ({} bytes) exceed the {} bytes {} "
        "allocates at once; split the T3 range",
        slice, slice * 16, state_->max_alloc, device().name));
  }
  std::vector<cl_uint> words(static_cast<std::size_t>(slice) * 4);
  for (std::size_t i = 0; i < slice; ++i) {
    const AkiraKey& key = job.keys[job.first + i];
    for (std::size_t w = 0; w < 4; ++w) {
      words[4 * i + w] = BigEndianWord(key.data() + 4 * w);
    }
  }
  const ClProgram& program = state_->program;
  KINTSUGI_ASSIGN_OR_RETURN(
      ClBuffer keys,
      program.Buffer(CL_MEM_READ_ONLY, words.size() * sizeof(cl_uint),
                     words.data()));
  KINTSUGI_ASSIGN_OR_RETURN(
      ClBuffer hits,
      program.Buffer(CL_MEM_WRITE_ONLY,
                     std::size_t{job.max_hits} * 3 * sizeof(cl_uint), nullptr));
  std::vector<cl_uint> target_words;
  for (const AkiraTarget& target : job.targets) {
    target_words.push_back(static_cast<cl_uint>(target.want >> 32));
    target_words.push_back(static_cast<cl_uint>(target.want));
    target_words.push_back(static_cast<cl_uint>(target.mask >> 32));
    target_words.push_back(static_cast<cl_uint>(target.mask));
  }
  KINTSUGI_ASSIGN_OR_RETURN(
      ClBuffer targets,
      program.Buffer(CL_MEM_READ_ONLY, target_words.size() * sizeof(cl_uint),
                     target_words.data()));
  const cl_uint zero = 0;
  KINTSUGI_ASSIGN_OR_RETURN(
      ClBuffer found,
      program.Buffer(CL_MEM_READ_WRITE, sizeof(cl_uint), &zero));

  const std::uint64_t gaps = std::uint64_t{job.gap_max} - job.gap_min + 1;
  const std::uint64_t launch_pairs = LaunchPairs(device().kind);
  const std::size_t group = state_->group;

  std::lock_guard<std::mutex> lock(state_->launch);
  cl_kernel kernel = state_->kernel.get();
  cl_int err = CL_SUCCESS;
  const auto arg = [&](cl_uint index, std::size_t size, const void* value) {
    if (err == CL_SUCCESS) err = clSetKernelArg(kernel, index, size, value);
  };
  const cl_mem keys_mem = keys.get();
  const cl_mem targets_mem = targets.get();
  const auto target_count = static_cast<cl_uint>(job.targets.size());
  const cl_mem tables_mem = state_->tables.get();
  const cl_mem hits_mem = hits.get();
  const cl_mem found_mem = found.get();
  const cl_uint capacity = job.max_hits;
  arg(0, sizeof(cl_mem), &keys_mem);
  arg(5, sizeof(cl_mem), &targets_mem);
  arg(6, sizeof(cl_uint), &target_count);
  arg(7, sizeof(cl_mem), &tables_mem);
  arg(8, sizeof(cl_mem), &hits_mem);
  arg(9, sizeof(cl_uint), &capacity);
  arg(10, sizeof(cl_mem), &found_mem);
  if (err != CL_SUCCESS) return ClError(err, "clSetKernelArg");

  // Tiles: gap spans of at most kMaxLaunchGaps, and as many rows as keep a
  // launch near launch_pairs; the last tile of each dimension is short.
  for (std::uint64_t gap_done = 0; gap_done < gaps;) {
    const auto span_gaps = static_cast<cl_uint>(
        std::min<std::uint64_t>(gaps - gap_done, kMaxLaunchGaps));
    const auto gap_first = static_cast<cl_uint>(job.gap_min + gap_done);
    const std::size_t global_gaps =
        (std::size_t{span_gaps} + group - 1) / group * group;
    const std::uint64_t rows_per_launch =
        std::max<std::uint64_t>(1, launch_pairs / global_gaps);
    for (std::uint64_t row = 0; row < job.count;) {
      KINTSUGI_RETURN_IF_ERROR(stop.status());
      const auto rows = static_cast<cl_uint>(
          std::min<std::uint64_t>(job.count - row, rows_per_launch));
      const auto first = static_cast<cl_uint>(row);
      arg(1, sizeof(cl_uint), &first);
      arg(2, sizeof(cl_uint), &rows);
      arg(3, sizeof(cl_uint), &gap_first);
      arg(4, sizeof(cl_uint), &span_gaps);
      if (err != CL_SUCCESS) return ClError(err, "clSetKernelArg");
      const std::size_t global[2] = {global_gaps, rows};
      const std::size_t local[2] = {group, 1};
      err = clEnqueueNDRangeKernel(program.queue(), kernel, 2, nullptr, global,
                                   local, 0, nullptr, nullptr);
      if (err != CL_SUCCESS) return ClError(err, "clEnqueueNDRangeKernel");
      err = clFinish(program.queue());
      if (err != CL_SUCCESS) return ClError(err, "clFinish");
      row += rows;
    }
    gap_done += span_gaps;
  }

  cl_uint count = 0;
  err = clEnqueueReadBuffer(program.queue(), found_mem, CL_TRUE, 0,
                            sizeof(count), &count, 0, nullptr, nullptr);
  if (err != CL_SUCCESS) return ClError(err, "clEnqueueReadBuffer");
  if (count > job.max_hits) {
    return ResourceExhaustedError(fmt::format(
        "opencl.too_many_hits: {} pairs passed, more than the {} allowed: "
        "a mask leaves too few known bits",
        count, job.max_hits));
  }
  std::vector<cl_uint> raw(std::size_t{count} * 3);
  if (count > 0) {
    err = clEnqueueReadBuffer(program.queue(), hits_mem, CL_TRUE, 0,
                              raw.size() * sizeof(cl_uint), raw.data(), 0,
                              nullptr, nullptr);
    if (err != CL_SUCCESS) return ClError(err, "clEnqueueReadBuffer");
  }
  std::vector<PairHit> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(
        PairHit{job.first + raw[3 * i], raw[3 * i + 1], raw[3 * i + 2]});
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<double> AkiraPairSearch::MeasurePairsPerSecond(
    std::chrono::milliseconds budget) const {
  // Random keys and a target they do not give: every pair is tested, none
  // passes. The band is as wide as one launch's rows are long, the shape of
  // a real search (a band of 10^5..10^6 gaps).
  constexpr std::uint32_t kGaps = 1 << 12;
  std::uint32_t rows = static_cast<std::uint32_t>(
      std::max<std::uint64_t>(1, LaunchPairs(device().kind) / kGaps));
  std::mt19937_64 random(20250313);
  std::vector<AkiraKey> keys(std::size_t{rows} * 64 + kGaps);
  for (AkiraKey& key : keys) {
    for (std::uint8_t& byte : key) {
      byte = static_cast<std::uint8_t>(random());
    }
  }
  AkiraPairJob job;
  job.keys = keys;
  job.gap_min = 1;
  job.gap_max = kGaps;
  job.count = 1;
  job.targets = {AkiraTarget{0x0123456789abcdefULL}};
  // Warm-up: the first launch pays for the driver's lazy set-up.
  KINTSUGI_RETURN_IF_ERROR(Run(job).status());
  using Clock = std::chrono::steady_clock;
  double seconds = 0;
  std::uint64_t pairs = 0;
  job.count = rows;
  const auto deadline = Clock::now() + budget;
  do {
    const auto start = Clock::now();
    KINTSUGI_RETURN_IF_ERROR(Run(job).status());
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
    pairs += std::uint64_t{job.count} * kGaps;
    job.first = (job.first + job.count) % (rows * 63);
  } while (Clock::now() < deadline);
  return seconds > 0 ? static_cast<double>(pairs) / seconds : 0.0;
}

bool AkiraPairSearch::local_tables() const { return state_->local_tables; }

Result<std::vector<PairHit>> OpenClAkiraPairs(const AkiraPairJob& job,
                                              const StopToken& stop) {
  KINTSUGI_RETURN_IF_ERROR(CheckJob(job));
  // Built once, on the first call, for the whole process.
  static const Result<std::shared_ptr<AkiraPairSearch>> search =
      []() -> Result<std::shared_ptr<AkiraPairSearch>> {
    KINTSUGI_ASSIGN_OR_RETURN(const auto devices, OpenClDevices());
    const auto device = PreferredOpenClDevice(devices);
    if (!device) {
      return NotFoundError("opencl.no_device: no OpenCL GPU is installed");
    }
    KINTSUGI_ASSIGN_OR_RETURN(auto opened, AkiraPairSearch::Open(*device));
    return std::shared_ptr<AkiraPairSearch>(std::move(opened));
  }();
  if (!search.ok()) return search.status();
  return (*search)->Run(job, stop);
}

#endif  // KINTSUGI_HAVE_OPENCL

AkiraPairSearch::~AkiraPairSearch() = default;

const OpenClDevice& AkiraPairSearch::device() const {
#if KINTSUGI_HAVE_OPENCL
  return state_->program.description();
#else
  return state_->device;
#endif
}

}  // namespace kintsugi::gpu
