#include "gpu/opencl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/testing/status_matchers.h"
#include "gpu/akira_pairs.h"
#if KINTSUGI_HAVE_OPENCL
#include "gpu/opencl_runtime.h"
#endif

namespace kintsugi::gpu {
namespace {

using ::testing::HasSubstr;

OpenClDevice Device(std::string name, DeviceKind kind) {
  OpenClDevice device;
  device.name = std::move(name);
  device.kind = kind;
  return device;
}

TEST(OpenClTest, DevicesAreListedWhereOpenClIsBuilt) {
  const auto devices = OpenClDevices();
  if (!OpenClCompiledIn()) {
    EXPECT_THAT(devices, StatusIs(StatusCode::kUnsupported));
    EXPECT_THAT(devices.status().message(), HasSubstr("opencl.not_built"));
    EXPECT_THAT(AkiraPairSearch::Open(OpenClDevice()),
                StatusIs(StatusCode::kUnsupported));
    GTEST_SKIP() << "this build has no OpenCL (KINTSUGI_OPENCL)";
  }
  ASSERT_THAT(devices, IsOk());
  // CI and the developers' machines have pocl (scripts/install-deps): a
  // build with OpenCL and no device at all would leave the kernel untested.
  ASSERT_FALSE(devices->empty())
      << "no OpenCL device: install pocl-opencl-icd (scripts/install-deps)";
  for (const OpenClDevice& device : *devices) {
    EXPECT_FALSE(device.name.empty());
    EXPECT_FALSE(device.platform.empty());
    EXPECT_GT(device.compute_units, 0u) << device.name;
    EXPECT_THAT(DescribeOpenClDevice(device), HasSubstr(device.name));
  }
}

TEST(OpenClTest, TheSearchPicksAGpuAndNeverACpuOnItsOwn) {
  const OpenClDevice cpu = Device("pocl", DeviceKind::kCpu);
  const OpenClDevice gpu = Device("H200", DeviceKind::kGpu);
  const OpenClDevice accelerator = Device("fpga", DeviceKind::kAccelerator);
  EXPECT_EQ(PreferredOpenClDevice({}), std::nullopt);
  EXPECT_EQ(PreferredOpenClDevice({cpu}), std::nullopt);
  ASSERT_NE(PreferredOpenClDevice({cpu, accelerator, gpu}), std::nullopt);
  EXPECT_EQ(PreferredOpenClDevice({cpu, accelerator, gpu})->name, "H200");
  EXPECT_EQ(PreferredOpenClDevice({cpu, accelerator})->name, "fpga");
  EXPECT_EQ(FirstOpenClDevice({gpu, cpu}, DeviceKind::kCpu)->name, "pocl");
  EXPECT_EQ(DeviceKindName(DeviceKind::kGpu), "gpu");
  EXPECT_EQ(DeviceKindName(DeviceKind::kCpu), "cpu");
}

TEST(OpenClTest, AVanishedDeviceIsNotFound) {
  if (!OpenClCompiledIn()) GTEST_SKIP() << "this build has no OpenCL";
  OpenClDevice ghost = Device("no such device", DeviceKind::kGpu);
  ghost.platform_index = 40;
  const auto search = AkiraPairSearch::Open(ghost);
  EXPECT_THAT(search, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(search.status().message(), HasSubstr("opencl.no_device"));
  ASSERT_OK_AND_ASSIGN(const auto devices, OpenClDevices());
  ASSERT_FALSE(devices.empty());
  OpenClDevice renamed = devices.front();
  renamed.name += " (another)";
  EXPECT_THAT(AkiraPairSearch::Open(renamed), StatusIs(StatusCode::kNotFound));
}

#if KINTSUGI_HAVE_OPENCL
// A kernel the driver cannot build is a status carrying the compiler's
// log, not a crash.
TEST(OpenClTest, ABrokenKernelIsAStatusWithTheCompilerLog) {
  ASSERT_OK_AND_ASSIGN(const auto devices, OpenClDevices());
  ASSERT_FALSE(devices.empty());
  const auto built = internal::ClProgram::Build(
      devices.front(),
      "__kernel void k(__global int* x) { x[0] = undeclared_name; }", "");
  EXPECT_THAT(built, StatusIs(StatusCode::kInternal));
  EXPECT_THAT(built.status().message(), HasSubstr("opencl.build_failed"));
  EXPECT_THAT(built.status().message(), HasSubstr("undeclared_name"));
}

TEST(OpenClTest, DriverErrorsMapToStatusCodes) {
  EXPECT_THAT(internal::ClError(CL_OUT_OF_RESOURCES, "clEnqueueNDRangeKernel"),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(internal::ClError(CL_MEM_OBJECT_ALLOCATION_FAILURE, "x"),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(internal::ClError(CL_DEVICE_NOT_AVAILABLE, "x"),
              StatusIs(StatusCode::kNotFound));
  const Status bug = internal::ClError(CL_INVALID_KERNEL_ARGS, "clFinish");
  EXPECT_THAT(bug, StatusIs(StatusCode::kInternal));
  EXPECT_EQ(
      bug.message(),
      "opencl.call_failed: clFinish returned -52 (CL_INVALID_KERNEL_ARGS)");
}
#endif

// With no driver installed the ICD loader finds no platform: the list is
// empty and a search says "no device", it does not crash. The loader reads
// OCL_ICD_VENDORS once per process, so the check runs in a fresh one (a
// death test re-runs this binary, environment included).
TEST(OpenClDeathTest, NoDriverMeansNoDeviceHonestly) {
  if (!OpenClCompiledIn()) GTEST_SKIP() << "this build has no OpenCL";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::filesystem::path empty =
      std::filesystem::path(::testing::TempDir()) / "kintsugi-no-icd";
  std::filesystem::create_directories(empty);
  ASSERT_EQ(setenv("OCL_ICD_VENDORS", empty.c_str(), 1), 0);
  EXPECT_EXIT(
      {
        const auto devices = OpenClDevices();
        AkiraPairJob job;
        job.targets = {AkiraTarget{}};
        const auto hits = OpenClAkiraPairs(job);
        const bool honest = devices.ok() && devices->empty() &&
                            hits.status().code() == StatusCode::kNotFound &&
                            hits.status().message().find("opencl.no_device") !=
                                std::string::npos;
        std::_Exit(honest ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
  ASSERT_EQ(unsetenv("OCL_ICD_VENDORS"), 0);
}

}  // namespace
}  // namespace kintsugi::gpu
