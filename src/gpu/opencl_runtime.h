#pragma once

// The OpenCL host layer that the kernels of src/gpu share: handles that
// release themselves, a device's context, queue and built program, and
// every OpenCL error turned into a Status. Internal to src/gpu, and only
// compiled where the build has OpenCL (KINTSUGI_HAVE_OPENCL).

#include <CL/cl.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "gpu/opencl.h"
#include "kintsugi/status.h"

namespace kintsugi::gpu::internal {

// "opencl.call_failed: CALL returned CODE (NAME)", with the code's
// StatusCode: kResourceExhausted when the device or host ran out of memory
// or resources, kNotFound when the device or platform went away, kInternal
// otherwise (an argument we got wrong is our bug).
Status ClError(cl_int code, std::string_view call);

// An OpenCL object that releases itself (clRelease* on destruction).
template <typename T, cl_int (*Release)(T)>
class ClHandle {
 public:
  ClHandle() = default;
  explicit ClHandle(T handle) : handle_(handle) {}
  ClHandle(ClHandle&& other) noexcept
      : handle_(std::exchange(other.handle_, nullptr)) {}
  ClHandle& operator=(ClHandle&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  ClHandle(const ClHandle&) = delete;
  ClHandle& operator=(const ClHandle&) = delete;
  ~ClHandle() { Reset(); }

  T get() const { return handle_; }

 private:
  void Reset() {
    if (handle_ != nullptr) Release(handle_);
    handle_ = nullptr;
  }
  T handle_ = nullptr;
};

using ClContext = ClHandle<cl_context, clReleaseContext>;
using ClQueue = ClHandle<cl_command_queue, clReleaseCommandQueue>;
using ClProgramHandle = ClHandle<cl_program, clReleaseProgram>;
using ClKernel = ClHandle<cl_kernel, clReleaseKernel>;
using ClBuffer = ClHandle<cl_mem, clReleaseMemObject>;

// A device with its context, in-order queue and one program built from
// source for it.
class ClProgram {
 public:
  // Finds `device` again (by its indices, checked by name), makes a context
  // and queue on it and builds `source` with `options`. A build that fails
  // is kInternal "opencl.build_failed: DEVICE: LOG" (the compiler's log,
  // cut to a few KiB); a device that is gone is kNotFound
  // "opencl.no_device".
  static Result<ClProgram> Build(const OpenClDevice& device,
                                 std::string_view source,
                                 const std::string& options);

  // A kernel of the program by name.
  Result<ClKernel> Kernel(const char* name) const;
  // A device buffer of `bytes` bytes (at least 1), copied from `data` when
  // it is not null.
  Result<ClBuffer> Buffer(cl_mem_flags flags, std::size_t bytes,
                          const void* data) const;

  cl_device_id device() const { return device_; }
  cl_command_queue queue() const { return queue_.get(); }
  const OpenClDevice& description() const { return description_; }

 private:
  OpenClDevice description_;
  cl_device_id device_ = nullptr;
  ClContext context_;
  ClQueue queue_;
  ClProgramHandle program_;
};

}  // namespace kintsugi::gpu::internal
