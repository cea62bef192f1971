// Which solver serves (nx, ny): the build's fixed sizes (KSCAN_FIXED_DIMENSIONS), the general path
// for the rest, and a clear refusal in a build without it (KSCAN_GENERAL_PATH=OFF).
#include <gtest/gtest.h>

#include <kscan/core/dims.hpp>
#include <stdexcept>
#include <string>

namespace {

/// "fixed NXxNY", "general C" (capacity C) or the exception's message.
std::string served_by(int nx, int ny) {
  try {
    return kscan::dispatch_dims(nx, ny, [](auto dims) {
      using D = decltype(dims);
      return D::is_fixed ? "fixed " + std::to_string(dims.nx()) + "x" + std::to_string(dims.ny())
                         : "general " + std::to_string(D::capacity_x);
    });
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

TEST(Dims, FixedSizesAreTheBuildsList) {
  int listed = 0;
#define KSCAN_CHECK_FIXED(NX, NY)                                              \
  EXPECT_EQ(served_by(NX, NY), "fixed " #NX "x" #NY);                          \
  EXPECT_TRUE(kscan::dims_fixed(NX, NY));                                      \
  EXPECT_TRUE(kscan::dims_compiled(NX, NY));                                   \
  EXPECT_NE(kscan::compiled_dims_text().find(#NX "x" #NY), std::string::npos); \
  ++listed;
  KSCAN_FOR_EACH_FIXED_DIMS(KSCAN_CHECK_FIXED)
#undef KSCAN_CHECK_FIXED
  EXPECT_GE(listed, 1);
}

TEST(Dims, OtherSizesTakeTheGeneralPathOrAreRefused) {
  // 7x5 is in no fixed list kscan ships (a build may list it); 9x3 needs the capacity above 8.
  if (kscan::dims_fixed(7, 5)) GTEST_SKIP() << "this build lists 7x5 as a fixed size";
  EXPECT_FALSE(kscan::dims_compiled(0, 1));
  EXPECT_FALSE(kscan::dims_compiled(1, kscan::max_dimension + 1));
#if KSCAN_GENERAL_PATH
  EXPECT_EQ(served_by(7, 5), "general 8");
  EXPECT_TRUE(kscan::dims_compiled(7, 5));
  EXPECT_TRUE(kscan::dims_compiled(kscan::max_dimension, 1));
  if (kscan::max_dimension > 8) {
    EXPECT_EQ(served_by(9, 3), "general " + std::to_string(kscan::max_dimension));
  }
  EXPECT_NE(kscan::compiled_dims_text().find("every size up to " +
                                             std::to_string(kscan::max_dimension)),
            std::string::npos);
#else
  EXPECT_FALSE(kscan::dims_compiled(7, 5));
  const std::string refusal = served_by(7, 5);
  EXPECT_NE(refusal.find("no solver for nx = 7, ny = 5"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("KSCAN_GENERAL_PATH"), std::string::npos) << refusal;
#endif
}

}  // namespace
