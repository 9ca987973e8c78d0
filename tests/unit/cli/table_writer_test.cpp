#include "cli/table_writer.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

TEST(TableWriter, DockerImagesLayout) {
  TableWriter table;
  table.add_row({"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"});
  table.add_row({"busybox", "latest", "abcdef123456", "2 weeks ago", "4.26MB"});
  table.add_row({"ghcr.io/some/long-name", "1.0", "0123456789ab", "3 years ago", "133MB"});
  EXPECT_EQ(table.str(),
            "REPOSITORY               TAG       IMAGE ID       CREATED       SIZE\n"
            "busybox                  latest    abcdef123456   2 weeks ago   4.26MB\n"
            "ghcr.io/some/long-name   1.0       0123456789ab   3 years ago   133MB\n");
}

TEST(TableWriter, HeaderAloneUsesMinimumWidths) {
  TableWriter table;
  table.add_row({"VOLUME NAME", "LINKS", "SIZE"});
  EXPECT_EQ(table.str(), "VOLUME NAME   LINKS     SIZE\n");
}

TEST(TableWriter, LastCellIsNeverPadded) {
  TableWriter table;
  table.add_row({"a", "b"});
  table.add_row({"a", "a much longer last cell"});
  EXPECT_EQ(table.str(), "a         b\na         a much longer last cell\n");
}

// Go's tabwriter documentation: column blocks are runs of consecutive lines
// with a cell in that column, so "b" and "cccc" are in different columns.
TEST(TableWriter, ColumnBlocksAsGoTabwriter) {
  EXPECT_EQ(tabwriter_format("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n", 0, 1),
            "aaaa bbb d\n"
            "aa   b   dd\n"
            "a    \n"
            "aa   cccc eee\n");
}

TEST(TableWriter, TextAfterLastNewlineIsWrittenUnterminated) {
  EXPECT_EQ(tabwriter_format("a\tb\nccc\td", 0, 1), "a   b\nccc d");
  EXPECT_EQ(tabwriter_format("", 10, 3), "");
}

TEST(TableWriter, WidthCountsRunesAndWideCharacters) {
  EXPECT_EQ(display_width("busybox"), 7);
  EXPECT_EQ(display_width("é"), 1);
  EXPECT_EQ(display_width("日本"), 4);
  TableWriter table(0, 1);
  table.add_row({"日本", "x"});
  table.add_row({"abcde", "y"});
  EXPECT_EQ(table.str(), "日本  x\nabcde y\n");
}

}  // namespace
}  // namespace berth::cli
