// The main() of every unit-test binary: GoogleTest/GoogleMock plus the two
// environment variables tests rely on, set here (not through CTest
// properties) so a test binary run by hand behaves as under ctest. A value
// already in the environment wins.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  setenv("KINTSUGI_SOURCE_ROOT", KINTSUGI_TEST_SOURCE_ROOT, 0);
  setenv("KINTSUGI_BINARY", KINTSUGI_TEST_BINARY, 0);
  ::testing::InitGoogleMock(&argc, argv);
  return RUN_ALL_TESTS();
}
