#pragma once

// OpenCL devices for the seed searches (issue 18: "the search engine at
// three scales"). The build has the OpenCL path when the headers and the
// ICD loader are found (CMake option KINTSUGI_OPENCL, AUTO by default); the
// drivers are found at run time through the ICD loader, so one binary runs
// with or without them. Nothing here needs a device: with none (no driver
// installed, or a build without OpenCL) the answer is an honest status or
// an empty list, never a crash.
//
// Status messages start with a stable id ("opencl.no_device: ...") that
// callers and tests can match; the CLI renders them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/status.h"

namespace kintsugi::gpu {

enum class DeviceKind : std::uint8_t { kGpu, kAccelerator, kCpu, kOther };

// "gpu", "accelerator", "cpu", "other".
std::string_view DeviceKindName(DeviceKind kind);

// One OpenCL device, as the drivers describe it.
struct OpenClDevice {
  std::string platform;  // e.g. "NVIDIA CUDA", "Portable Computing Language"
  std::string name;      // e.g. "NVIDIA H200", "pthread-skylake-avx512-..."
  DeviceKind kind = DeviceKind::kOther;
  std::uint32_t compute_units = 0;
  std::uint64_t global_memory = 0;  // Bytes.
  // Where the device is in clGetPlatformIDs / clGetDeviceIDs order: what
  // finds it again in this process.
  std::uint32_t platform_index = 0;
  std::uint32_t device_index = 0;
};

// Whether this build has the OpenCL path (KINTSUGI_OPENCL and the toolkit
// found at build time).
bool OpenClCompiledIn();

// Every device of every OpenCL platform, in the drivers' order. Empty when
// no driver is installed (no platform). kUnsupported
// ("opencl.not_built") in a build without OpenCL; kInternal
// ("opencl.call_failed") when a driver fails to answer.
Result<std::vector<OpenClDevice>> OpenClDevices();

// The device a search uses on its own: the first GPU, else the first
// accelerator; nullopt when there is neither. Never a CPU device (pocl): it
// would compete with the CPU path for the same cores. A search may still
// measure one against the CPU path and take the faster (pocl vectorises
// the kernel across work-items, docs/benchmarks.md); the tests and
// benchmarks name it explicitly.
std::optional<OpenClDevice> PreferredOpenClDevice(
    const std::vector<OpenClDevice>& devices);

// The first device of `kind` in `devices`; nullopt when there is none.
std::optional<OpenClDevice> FirstOpenClDevice(
    const std::vector<OpenClDevice>& devices, DeviceKind kind);

// "NAME (KIND, PLATFORM, N compute units)", for plans and benchmarks.
std::string DescribeOpenClDevice(const OpenClDevice& device);

}  // namespace kintsugi::gpu
