#include "gpu/opencl.h"

#include <fmt/format.h>

#include <utility>

#if KINTSUGI_HAVE_OPENCL
#include "gpu/opencl_runtime.h"
#endif

namespace kintsugi::gpu {

std::string_view DeviceKindName(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::kGpu:
      return "gpu";
    case DeviceKind::kAccelerator:
      return "accelerator";
    case DeviceKind::kCpu:
      return "cpu";
    case DeviceKind::kOther:
      break;
  }
  return "other";
}

std::optional<OpenClDevice> FirstOpenClDevice(
    const std::vector<OpenClDevice>& devices, DeviceKind kind) {
  for (const OpenClDevice& device : devices) {
    if (device.kind == kind) return device;
  }
  return std::nullopt;
}

std::optional<OpenClDevice> PreferredOpenClDevice(
    const std::vector<OpenClDevice>& devices) {
  if (auto gpu = FirstOpenClDevice(devices, DeviceKind::kGpu)) return gpu;
  return FirstOpenClDevice(devices, DeviceKind::kAccelerator);
}

std::string DescribeOpenClDevice(const OpenClDevice& device) {
  return fmt::format("{} ({}, {}, {} compute units)", device.name,
                     DeviceKindName(device.kind), device.platform,
                     device.compute_units);
}

#if !KINTSUGI_HAVE_OPENCL

bool OpenClCompiledIn() { return false; }

Result<std::vector<OpenClDevice>> OpenClDevices() {
  return UnsupportedError(
      "opencl.not_built: this build has no OpenCL path (configured with "
      "KINTSUGI_OPENCL=OFF, or without the OpenCL headers and ICD loader)");
}

#else

bool OpenClCompiledIn() { return true; }

namespace internal {
namespace {

// What clGetPlatformIDs returns through the ICD loader when no driver is
// installed (cl_khr_icd).
constexpr cl_int kPlatformNotFoundKhr = -1001;

std::string_view ClErrorName(cl_int code) {
  switch (code) {
    case CL_DEVICE_NOT_FOUND:
      return "CL_DEVICE_NOT_FOUND";
    case CL_DEVICE_NOT_AVAILABLE:
      return "CL_DEVICE_NOT_AVAILABLE";
    case CL_COMPILER_NOT_AVAILABLE:
      return "CL_COMPILER_NOT_AVAILABLE";
    case CL_MEM_OBJECT_ALLOCATION_FAILURE:
      return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
    case CL_OUT_OF_RESOURCES:
      return "CL_OUT_OF_RESOURCES";
    case CL_OUT_OF_HOST_MEMORY:
      return "CL_OUT_OF_HOST_MEMORY";
    case CL_BUILD_PROGRAM_FAILURE:
      return "CL_BUILD_PROGRAM_FAILURE";
    case CL_INVALID_VALUE:
      return "CL_INVALID_VALUE";
    case CL_INVALID_DEVICE:
      return "CL_INVALID_DEVICE";
    case CL_INVALID_KERNEL_ARGS:
      return "CL_INVALID_KERNEL_ARGS";
    case CL_INVALID_WORK_GROUP_SIZE:
      return "CL_INVALID_WORK_GROUP_SIZE";
    case CL_INVALID_GLOBAL_WORK_SIZE:
      return "CL_INVALID_GLOBAL_WORK_SIZE";
    case CL_INVALID_BUFFER_SIZE:
      return "CL_INVALID_BUFFER_SIZE";
    case kPlatformNotFoundKhr:
      return "CL_PLATFORM_NOT_FOUND_KHR";
    default:
      return "see CL/cl.h";
  }
}

std::string Trimmed(std::string text) {
  while (!text.empty() &&
         (text.back() == '\0' || text.back() == ' ' || text.back() == '\n')) {
    text.pop_back();
  }
  return text;
}

// A string an OpenCL info call gives: `get(size, value, size_ret)` asked
// once for the size, once for the text; "" when either call fails.
template <typename Get>
std::string InfoString(Get get) {
  std::size_t size = 0;
  if (get(0, nullptr, &size) != CL_SUCCESS) return "";
  std::string text(size, '\0');
  if (get(size, text.data(), nullptr) != CL_SUCCESS) return "";
  return Trimmed(std::move(text));
}

std::string PlatformString(cl_platform_id platform, cl_platform_info what) {
  return InfoString([&](std::size_t size, void* value, std::size_t* ret) {
    return clGetPlatformInfo(platform, what, size, value, ret);
  });
}

std::string DeviceString(cl_device_id device, cl_device_info what) {
  return InfoString([&](std::size_t size, void* value, std::size_t* ret) {
    return clGetDeviceInfo(device, what, size, value, ret);
  });
}

template <typename T>
T DeviceValue(cl_device_id device, cl_device_info what) {
  T value{};
  if (clGetDeviceInfo(device, what, sizeof(value), &value, nullptr) !=
      CL_SUCCESS) {
    return T{};
  }
  return value;
}

Result<std::vector<cl_platform_id>> Platforms() {
  cl_uint count = 0;
  const cl_int err = clGetPlatformIDs(0, nullptr, &count);
  if (err == kPlatformNotFoundKhr || (err == CL_SUCCESS && count == 0)) {
    return std::vector<cl_platform_id>();
  }
  if (err != CL_SUCCESS) return ClError(err, "clGetPlatformIDs");
  std::vector<cl_platform_id> platforms(count);
  const cl_int again = clGetPlatformIDs(count, platforms.data(), nullptr);
  if (again != CL_SUCCESS) return ClError(again, "clGetPlatformIDs");
  return platforms;
}

// The platform's devices; none (not an error) when it has no device.
Result<std::vector<cl_device_id>> Devices(cl_platform_id platform) {
  cl_uint count = 0;
  const cl_int err =
      clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, nullptr, &count);
  if (err == CL_DEVICE_NOT_FOUND || (err == CL_SUCCESS && count == 0)) {
    return std::vector<cl_device_id>();
  }
  if (err != CL_SUCCESS) return ClError(err, "clGetDeviceIDs");
  std::vector<cl_device_id> devices(count);
  const cl_int again = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, count,
                                      devices.data(), nullptr);
  if (again != CL_SUCCESS) return ClError(again, "clGetDeviceIDs");
  return devices;
}

DeviceKind KindOf(cl_device_type type) {
  if ((type & CL_DEVICE_TYPE_GPU) != 0) return DeviceKind::kGpu;
  if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) return DeviceKind::kAccelerator;
  if ((type & CL_DEVICE_TYPE_CPU) != 0) return DeviceKind::kCpu;
  return DeviceKind::kOther;
}

Status NoDevice(const OpenClDevice& device) {
  return NotFoundError(
      fmt::format("opencl.no_device: {} is no longer among the OpenCL devices",
                  device.name));
}

// The cl_device_id of `device` again, checked by name.
Result<cl_device_id> FindDevice(const OpenClDevice& device) {
  KINTSUGI_ASSIGN_OR_RETURN(const auto platforms, Platforms());
  if (device.platform_index >= platforms.size()) return NoDevice(device);
  KINTSUGI_ASSIGN_OR_RETURN(const auto devices,
                            Devices(platforms[device.platform_index]));
  if (device.device_index >= devices.size()) return NoDevice(device);
  cl_device_id id = devices[device.device_index];
  if (DeviceString(id, CL_DEVICE_NAME) != device.name) return NoDevice(device);
  return id;
}

// At most this much of a compiler log goes into a Status.
constexpr std::size_t kBuildLogShown = 4096;

}  // namespace

Status ClError(cl_int code, std::string_view call) {
  std::string message = fmt::format("opencl.call_failed: {} returned {} ({})",
                                    call, code, ClErrorName(code));
  switch (code) {
    case CL_MEM_OBJECT_ALLOCATION_FAILURE:
    case CL_OUT_OF_RESOURCES:
    case CL_OUT_OF_HOST_MEMORY:
      return ResourceExhaustedError(std::move(message));
    case CL_DEVICE_NOT_FOUND:
    case CL_DEVICE_NOT_AVAILABLE:
    case kPlatformNotFoundKhr:
      return NotFoundError(std::move(message));
    default:
      return InternalError(std::move(message));
  }
}

Result<ClProgram> ClProgram::Build(const OpenClDevice& device,
                                   std::string_view source,
                                   const std::string& options) {
  ClProgram built;
  built.description_ = device;
  KINTSUGI_ASSIGN_OR_RETURN(built.device_, FindDevice(device));
  cl_int err = CL_SUCCESS;
  built.context_ = ClContext(
      clCreateContext(nullptr, 1, &built.device_, nullptr, nullptr, &err));
  if (err != CL_SUCCESS) return ClError(err, "clCreateContext");
  built.queue_ = ClQueue(
      clCreateCommandQueue(built.context_.get(), built.device_, 0, &err));
  if (err != CL_SUCCESS) return ClError(err, "clCreateCommandQueue");
  const char* text = source.data();
  const std::size_t length = source.size();
  built.program_ = ClProgramHandle(
      clCreateProgramWithSource(built.context_.get(), 1, &text, &length, &err));
  if (err != CL_SUCCESS) return ClError(err, "clCreateProgramWithSource");
  err = clBuildProgram(built.program_.get(), 1, &built.device_, options.c_str(),
                       nullptr, nullptr);
  if (err == CL_BUILD_PROGRAM_FAILURE) {
    std::string log =
        InfoString([&](std::size_t size, void* value, std::size_t* ret) {
          return clGetProgramBuildInfo(built.program_.get(), built.device_,
                                       CL_PROGRAM_BUILD_LOG, size, value, ret);
        });
    if (log.size() > kBuildLogShown) log.resize(kBuildLogShown);
    return InternalError(
        fmt::format("opencl.build_failed: {}: {}", device.name, log));
  }
  if (err != CL_SUCCESS) return ClError(err, "clBuildProgram");
  return built;
}

Result<ClKernel> ClProgram::Kernel(const char* name) const {
  cl_int err = CL_SUCCESS;
  ClKernel kernel(clCreateKernel(program_.get(), name, &err));
  if (err != CL_SUCCESS) return ClError(err, "clCreateKernel");
  return kernel;
}

Result<ClBuffer> ClProgram::Buffer(cl_mem_flags flags, std::size_t bytes,
                                   const void* data) const {
  cl_int err = CL_SUCCESS;
  if (data != nullptr) flags |= CL_MEM_COPY_HOST_PTR;
  ClBuffer buffer(clCreateBuffer(context_.get(), flags, bytes == 0 ? 1 : bytes,
                                 const_cast<void*>(data), &err));
  if (err != CL_SUCCESS) return ClError(err, "clCreateBuffer");
  return buffer;
}

}  // namespace internal

Result<std::vector<OpenClDevice>> OpenClDevices() {
  KINTSUGI_ASSIGN_OR_RETURN(const auto platforms, internal::Platforms());
  std::vector<OpenClDevice> found;
  for (std::size_t p = 0; p < platforms.size(); ++p) {
    KINTSUGI_ASSIGN_OR_RETURN(const auto devices,
                              internal::Devices(platforms[p]));
    for (std::size_t d = 0; d < devices.size(); ++d) {
      OpenClDevice device;
      device.platform =
          internal::PlatformString(platforms[p], CL_PLATFORM_NAME);
      device.name = internal::DeviceString(devices[d], CL_DEVICE_NAME);
      device.kind = internal::KindOf(
          internal::DeviceValue<cl_device_type>(devices[d], CL_DEVICE_TYPE));
      device.compute_units = internal::DeviceValue<cl_uint>(
          devices[d], CL_DEVICE_MAX_COMPUTE_UNITS);
      device.global_memory = internal::DeviceValue<cl_ulong>(
          devices[d], CL_DEVICE_GLOBAL_MEM_SIZE);
      device.platform_index = static_cast<std::uint32_t>(p);
      device.device_index = static_cast<std::uint32_t>(d);
      found.push_back(std::move(device));
    }
  }
  return found;
}

#endif  // KINTSUGI_HAVE_OPENCL

}  // namespace kintsugi::gpu
