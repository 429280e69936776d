// IniEditor: dwh.cfg keys set in place, every other line, comment and spelling kept; the file
// replaced with mode 0600.
#include "config/ini_editor.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "config/ini_file.h"
#include "test_support.h"

namespace sparkify {
namespace {

// The course's dwh.cfg as a student keeps it: comments, [DWH] for the provisioning script, a
// lower-case key, a quoted ARN, spaces around some separators.
const char* kCourseFile = R"(# Filled in by hand after the cluster came up
[CLUSTER]
host=
DB_NAME = dwh
; the user the notebook created
DB_USER = dwhuser
DB_PASSWORD = Passw0rd
DB_PORT = 5439

[IAM_ROLE]
ARN='arn:aws:iam::000000000000:role/old'

[S3]
LOG_DATA='s3://udacity-dend/log_data'

[DWH]
DWH_CLUSTER_TYPE=multi-node
DWH_NUM_NODES=4
)";

TEST(IniEditor, SetsKeysInPlaceKeepingCommentsOtherSectionsAndKeyCase) {
  auto edit = EditIni(kCourseFile,
                      {{"CLUSTER", "HOST", "dwhcluster.x.us-west-2.redshift.amazonaws.com"},
                       {"CLUSTER", "DB_PASSWORD", "Other1", true},
                       {"CLUSTER", "DB_PORT", "5439"},
                       {"IAM_ROLE", "ARN", "arn:aws:iam::123456789012:role/dwhRole"}},
                      "dwh.cfg");
  ASSERT_TRUE(edit.ok()) << edit.status().message();
  EXPECT_EQ(edit->text, R"(# Filled in by hand after the cluster came up
[CLUSTER]
host=dwhcluster.x.us-west-2.redshift.amazonaws.com
DB_NAME = dwh
; the user the notebook created
DB_USER = dwhuser
DB_PASSWORD = Passw0rd
DB_PORT = 5439

[IAM_ROLE]
ARN='arn:aws:iam::123456789012:role/dwhRole'

[S3]
LOG_DATA='s3://udacity-dend/log_data'

[DWH]
DWH_CLUSTER_TYPE=multi-node
DWH_NUM_NODES=4
)");
  // DB_PASSWORD had a value and DB_PORT the same one: neither counts as changed.
  EXPECT_EQ(edit->changed, (std::vector<std::string>{"[CLUSTER] HOST", "[IAM_ROLE] ARN"}));
}

TEST(IniEditor, AddsMissingKeysAfterTheSectionsLastKeyAndMissingSectionsAtTheEnd) {
  const std::string text = "[CLUSTER]\nDB_NAME = dwh\n  # a comment after the keys\n\n[S3]\nX=1";
  auto edit = EditIni(text,
                      {{"CLUSTER", "HOST", "h.example"},
                       {"CLUSTER", "DB_PASSWORD", "pw", true},
                       {"IAM_ROLE", "ARN", "arn:x"}},
                      "dwh.cfg");
  ASSERT_TRUE(edit.ok()) << edit.status().message();
  EXPECT_EQ(edit->text,
            "[CLUSTER]\nDB_NAME = dwh\nHOST = h.example\nDB_PASSWORD = pw\n"
            "  # a comment after the keys\n\n[S3]\nX=1\n\n[IAM_ROLE]\nARN=arn:x\n");
  EXPECT_EQ(edit->changed.size(), 3u);
}

TEST(IniEditor, AnEmptyValueIsFilledWhenOnlyIfEmpty) {
  auto edit = EditIni("[CLUSTER]\nDB_PASSWORD=\n", {{"CLUSTER", "DB_PASSWORD", "pw", true}}, "f");
  ASSERT_TRUE(edit.ok());
  EXPECT_EQ(edit->text, "[CLUSTER]\nDB_PASSWORD=pw\n");
}

TEST(IniEditor, ValuesReadBackAsWrittenThroughConfigparserRules) {
  // '%' is interpolation to configparser; a continued value loses its continuation lines.
  auto edit = EditIni("[CLUSTER]\r\nDB_PASSWORD = old\r\n    continued\r\n\r\nDB_PORT=1\r\n",
                      {{"CLUSTER", "DB_PASSWORD", "50%off"}}, "f");
  ASSERT_TRUE(edit.ok()) << edit.status().message();
  EXPECT_EQ(edit->text, "[CLUSTER]\r\nDB_PASSWORD = 50%%off\r\n\r\nDB_PORT=1\r\n");
  auto ini = IniFile::Parse(edit->text, "f");
  ASSERT_TRUE(ini.ok());
  auto value = ini->Get("CLUSTER", "db_password");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or("?"), "50%off");
}

TEST(IniEditor, AnInvalidFileOrValueIsAnErrorNamingIt) {
  auto bad = EditIni("HOST=x\n", {{"CLUSTER", "HOST", "h"}}, "dwh.cfg");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("dwh.cfg:1:"), std::string::npos);
  auto newline = EditIni("[CLUSTER]\n", {{"CLUSTER", "HOST", "a\nb"}}, "dwh.cfg");
  ASSERT_FALSE(newline.ok());
  EXPECT_NE(newline.status().message().find("[CLUSTER] HOST"), std::string::npos);
}

TEST(IniEditor, WritePrivateFileReplacesTheFileWithMode0600) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "dwh.cfg").string();
  testing::WriteFile(path, "[CLUSTER]\n");
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(WritePrivateFile(path, "[CLUSTER]\nHOST=h\n").ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(testing::ReadFile(path), "[CLUSTER]\nHOST=h\n");
  // Only the file itself is left in the folder: no temporary file behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
  EXPECT_FALSE(WritePrivateFile((dir.path() / "no/such/folder/dwh.cfg").string(), "x").ok());
}

}  // namespace
}  // namespace sparkify
