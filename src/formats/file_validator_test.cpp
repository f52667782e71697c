#include "formats/file_validator.h"

#include <gtest/gtest.h>

TEST(FileValidator, Placeholder) { SUCCEED(); }
