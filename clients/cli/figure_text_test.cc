#include "clients/cli/figure_text.h"

#include <sstream>

#include "gtest/gtest.h"

namespace tonghop::cli {
namespace {

v1::Figure Present(const std::string& value) {
  v1::Figure f;
  f.set_present(true);
  f.set_value(value);
  return f;
}

v1::Figure Unavailable(const std::string& note) {
  v1::Figure f;
  f.set_unavailable_reason(v1::UNAVAILABLE_REASON_NUMERATOR_NOT_DISAGGREGATED);
  f.set_note(note);
  return f;
}

TEST(FigureNotesTest, UnavailableFiguresAreADashWithANumberedNote) {
  FigureNotes notes("vi");
  EXPECT_EQ(notes.Value(Present("1234567.5")), "1.234.567,5");
  EXPECT_EQ(notes.Value(Unavailable("Không tính được: tử số")), "— (1)");
  EXPECT_EQ(notes.Value(Unavailable("Chưa có báo cáo")), "— (2)");
  EXPECT_EQ(notes.Value(Unavailable("Không tính được: tử số")), "— (1)");
  v1::Figure partial = Present("5");
  partial.set_partial(true);
  partial.set_note("Gồm số liệu của 1/2 cơ quan");
  EXPECT_EQ(notes.Value(partial), "5 (3)");
  std::ostringstream out;
  notes.Print(out);
  EXPECT_EQ(out.str(),
            "(1) Không tính được: tử số\n(2) Chưa có báo cáo\n(3) Gồm số liệu của 1/2 cơ quan\n");
}

TEST(FigureNotesTest, NeverPrintsZeroForAMissingFigure) {
  FigureNotes notes("en");
  v1::Figure missing;
  EXPECT_EQ(notes.Value(missing), "—");
  EXPECT_EQ(notes.Value(Present("90.38")), "90.38");
  EXPECT_EQ(notes.Number("-1234.5"), "-1,234.5");
}

}  // namespace
}  // namespace tonghop::cli
